/* TIS 1.3 / PC Client PTP FIFO interface, polled. Every wait is bounded by one of
 * the interface's standard timeouts, so a missing or wedged TPM costs at most a
 * few seconds of boot time, never a hang. */
#include <stdbool.h>

#include "tis.h"
#include "../arch/x86/mmio.h"
#include "../monotonic_time.h"

#define TPM_ACCESS       0x000
#define TPM_STS          0x018
#define TPM_DATA_FIFO    0x024
#define TPM_INTERFACE_ID 0x030
#define TPM_DID_VID      0xF00

#define ACCESS_REQUEST_USE     0x02
#define ACCESS_ACTIVE_LOCALITY 0x20
#define ACCESS_REG_VALID       0x80

#define STS_VALID         0x80
#define STS_COMMAND_READY 0x40
#define STS_GO            0x20
#define STS_DATA_AVAIL    0x10
#define STS_EXPECT        0x08

#define INTERFACE_TYPE_MASK 0xF
#define INTERFACE_TYPE_FIFO 0x0   /* PTP FIFO */
#define INTERFACE_TYPE_TIS  0xF   /* TIS 1.3, which predates the field */

/* In microseconds. */
#define TIMEOUT_A       750000ull    /* locality */
#define TIMEOUT_B       2000000ull   /* commandReady */
#define TIMEOUT_C       200000ull    /* stsValid */
#define TIMEOUT_COMMAND 10000000ull  /* our few commands are short */

#define RESPONSE_HEADER_SIZE 10

static uintptr_t register_address(uintptr_t base, unsigned locality, unsigned offset)
{
	return base + locality * TIS_LOCALITY_SIZE + offset;
}

static uint8_t read_access(uintptr_t base, unsigned locality)
{
	return mmio_read8(register_address(base, locality, TPM_ACCESS));
}

static void write_access(uintptr_t base, unsigned locality, uint8_t value)
{
	mmio_write8(register_address(base, locality, TPM_ACCESS), value);
}

static uint32_t read_status(const struct tis *tis)
{
	return mmio_read32(register_address(tis->base, tis->locality, TPM_STS));
}

static void write_status(const struct tis *tis, uint8_t value)
{
	mmio_write8(register_address(tis->base, tis->locality, TPM_STS), value);
}

static size_t burst_count(uint32_t status)
{
	return (status >> 8) & 0xFFFF;
}

/* A locality the chipset does not decode reads as all ones, which would
 * otherwise look active. */
static bool is_active(uint8_t access)
{
	const uint8_t active = ACCESS_REG_VALID | ACCESS_ACTIVE_LOCALITY;

	return access != 0xFF && (access & active) == active;
}

static uint64_t deadline_after(uint64_t timeout)
{
	return time_microseconds() + timeout;
}

static bool is_past(uint64_t deadline)
{
	return time_microseconds() > deadline;
}

/* The register is read once more after the deadline, so a poll loop that was
 * slow for its own reasons cannot report a timeout the TPM did not cause. */
static bool wait_status(const struct tis *tis, uint32_t bits, uint64_t timeout,
			uint32_t *status)
{
	uint64_t deadline = deadline_after(timeout);

	for (;;) {
		bool late = is_past(deadline);

		*status = read_status(tis);
		if ((*status & bits) == bits)
			return true;
		if (late)
			return false;
	}
}

/* burstCount reads 0 while the TPM cannot take or give a byte right now. */
static size_t wait_burst_count(const struct tis *tis)
{
	/* TPM 2.0 parts can take longer than TIMEOUT_D here; Linux waits
	 * TIMEOUT_A as well. */
	uint64_t deadline = deadline_after(TIMEOUT_A);

	for (;;) {
		bool late = is_past(deadline);
		size_t burst = burst_count(read_status(tis));

		if (burst || late)
			return burst;
	}
}

enum tis_status tis_probe(uintptr_t base)
{
	uint8_t access = read_access(base, 0);
	uint32_t vendor = mmio_read32(register_address(base, 0, TPM_DID_VID));
	uint32_t interface = mmio_read32(register_address(base, 0, TPM_INTERFACE_ID));

	if (access == 0xFF || !(access & ACCESS_REG_VALID))
		return TIS_NO_DEVICE;
	if (vendor == 0 || vendor == 0xFFFFFFFF)
		return TIS_NO_DEVICE;
	/* A CRB-only TPM answers here too, but not through a FIFO. */
	interface &= INTERFACE_TYPE_MASK;
	if (interface != INTERFACE_TYPE_FIFO && interface != INTERFACE_TYPE_TIS)
		return TIS_NO_DEVICE;
	return TIS_OK;
}

enum tis_status tis_request_locality(struct tis *tis, uintptr_t base, unsigned locality)
{
	uint64_t deadline;
	unsigned other;

	if (locality >= TIS_LOCALITY_COUNT)
		return TIS_INVALID_ARGUMENT;
	tis->base = base;
	tis->locality = locality;

	/* A lower locality left active by firmware would keep ours pending
	 * forever; seizing is only allowed upwards, so ask it to let go. */
	for (other = 0; other < TIS_LOCALITY_COUNT; other++)
		if (other != locality && is_active(read_access(base, other)))
			write_access(base, other, ACCESS_ACTIVE_LOCALITY);

	write_access(base, locality, ACCESS_REQUEST_USE);
	deadline = deadline_after(TIMEOUT_A);
	for (;;) {
		bool late = is_past(deadline);

		if (is_active(read_access(base, locality)))
			return TIS_OK;
		if (late)
			return TIS_LOCALITY_NOT_GRANTED;
	}
}

void tis_release_locality(struct tis *tis)
{
	write_access(tis->base, tis->locality, ACCESS_ACTIVE_LOCALITY);
}

static enum tis_status send_command(const struct tis *tis, const uint8_t *command,
				    size_t size)
{
	uintptr_t fifo = register_address(tis->base, tis->locality, TPM_DATA_FIFO);
	size_t sent = 0;
	uint32_t status;

	while (sent < size) {
		size_t burst = wait_burst_count(tis);
		/* The last byte goes on its own so that Expect is checked both
		 * before it (still set) and after it (cleared). */
		size_t end = sent < size - 1 ? size - 1 : size;

		if (!burst)
			return TIS_TIMEOUT;
		for (; burst && sent < end; burst--)
			mmio_write8(fifo, command[sent++]);
		if (!wait_status(tis, STS_VALID, TIMEOUT_C, &status))
			return TIS_TIMEOUT;
		/* Otherwise the TPM read a different size from the header. */
		if (!!(status & STS_EXPECT) != (sent < size))
			return TIS_PROTOCOL_ERROR;
	}
	write_status(tis, STS_GO);
	return TIS_OK;
}

static enum tis_status read_fifo(const struct tis *tis, uint8_t *bytes, size_t count)
{
	uintptr_t fifo = register_address(tis->base, tis->locality, TPM_DATA_FIFO);
	size_t done = 0;
	uint32_t status;

	while (done < count) {
		size_t burst;

		/* The TPM ran out before the size its header announced. */
		if (!wait_status(tis, STS_VALID | STS_DATA_AVAIL, TIMEOUT_C, &status))
			return TIS_PROTOCOL_ERROR;
		burst = wait_burst_count(tis);
		if (!burst)
			return TIS_TIMEOUT;
		for (; burst && done < count; burst--)
			bytes[done++] = mmio_read8(fifo);
	}
	return TIS_OK;
}

static enum tis_status receive_response(const struct tis *tis, uint8_t *response,
					size_t capacity, size_t *size)
{
	enum tis_status result;
	uint32_t status, response_size;

	if (!wait_status(tis, STS_VALID | STS_DATA_AVAIL, TIMEOUT_COMMAND, &status))
		return TIS_TIMEOUT;
	result = read_fifo(tis, response, RESPONSE_HEADER_SIZE);
	if (result != TIS_OK)
		return result;
	response_size = (uint32_t)response[2] << 24 | (uint32_t)response[3] << 16 |
			(uint32_t)response[4] << 8 | response[5];
	if (response_size < RESPONSE_HEADER_SIZE)
		return TIS_PROTOCOL_ERROR;
	if (response_size > capacity)
		return TIS_RESPONSE_TOO_LARGE;
	result = read_fifo(tis, response + RESPONSE_HEADER_SIZE,
			   response_size - RESPONSE_HEADER_SIZE);
	if (result != TIS_OK)
		return result;
	/* Bytes beyond the announced size mean we and the TPM disagree on
	 * where this response ends. */
	if (!wait_status(tis, STS_VALID, TIMEOUT_C, &status))
		return TIS_TIMEOUT;
	if (status & STS_DATA_AVAIL)
		return TIS_PROTOCOL_ERROR;
	*size = response_size;
	return TIS_OK;
}

enum tis_status tis_transmit(struct tis *tis, const uint8_t *command, size_t command_size,
			     uint8_t *response, size_t response_capacity,
			     size_t *response_size)
{
	enum tis_status result;
	uint32_t status;

	*response_size = 0;
	if (!command_size || response_capacity < RESPONSE_HEADER_SIZE)
		return TIS_INVALID_ARGUMENT;

	write_status(tis, STS_COMMAND_READY);
	if (!wait_status(tis, STS_COMMAND_READY, TIMEOUT_B, &status))
		result = TIS_TIMEOUT;
	else
		result = send_command(tis, command, command_size);
	if (result == TIS_OK)
		result = receive_response(tis, response, response_capacity, response_size);

	/* Back to idle; this also aborts a command or response left half way,
	 * so the next transmit starts clean whatever happened here. */
	write_status(tis, STS_COMMAND_READY);
	return result;
}

const char *tis_status_string(enum tis_status status)
{
	switch (status) {
	case TIS_OK:
		return "ok";
	case TIS_NO_DEVICE:
		return "no TIS device";
	case TIS_LOCALITY_NOT_GRANTED:
		return "locality not granted";
	case TIS_TIMEOUT:
		return "TPM timed out";
	case TIS_PROTOCOL_ERROR:
		return "TIS protocol error";
	case TIS_RESPONSE_TOO_LARGE:
		return "TPM response too large";
	case TIS_INVALID_ARGUMENT:
		return "invalid argument";
	}
	return "unknown TIS status";
}
