/* Unit tests for the TIS driver, against a simulated TIS 1.3 FIFO device: five
 * localities, a small burstCount that sometimes reads 0, a stsValid that
 * sometimes drops, Expect and dataAvail computed from the bytes moved, and a
 * command handler that echoes the command back behind a response header. The
 * simulated clock advances on every read, so every timeout is reached quickly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86/mmio.h"
#include "monotonic_time.h"
#include "tpm/tis.h"

#define TPM_ACCESS       0x000
#define TPM_STS          0x018
#define TPM_DATA_FIFO    0x024
#define TPM_INTERFACE_ID 0x030
#define TPM_DID_VID      0xF00

#define ACCESS_REQUEST_USE     0x02
#define ACCESS_PENDING_REQUEST 0x04
#define ACCESS_SEIZE           0x08
#define ACCESS_ACTIVE_LOCALITY 0x20
#define ACCESS_REG_VALID       0x80

#define STS_VALID         0x80
#define STS_COMMAND_READY 0x40
#define STS_GO            0x20
#define STS_DATA_AVAIL    0x10
#define STS_EXPECT        0x08

#define NO_LOCALITY    (-1)
#define FIFO_SIZE      4096
#define BURST          3
#define GRANT_DELAY    3     /* ACCESS reads before a request is granted */
#define EXECUTION_TIME 5     /* STS reads before a command completes */
#define CLOCK_STEP     100   /* microseconds per time_microseconds() call */

enum fake_state { IDLE, READY, RECEPTION, EXECUTION, COMPLETION };

static struct fake_tpm {
	bool present;
	uint32_t vendor;
	uint32_t interface_id;
	bool grants;                    /* whether requestUse is ever honoured */
	int undecoded;                  /* a locality the chipset ignores */
	int active;
	bool pending[TIS_LOCALITY_COUNT];
	unsigned grant_delay;
	unsigned sequence;              /* orders the events below */
	unsigned relinquished_at[TIS_LOCALITY_COUNT];
	unsigned requested_at[TIS_LOCALITY_COUNT];

	enum fake_state state;
	unsigned burst;
	bool never_ready, expect_stuck, never_completes;
	unsigned status_reads;
	size_t budget;                  /* FIFO accesses the last burstCount allows */
	uint8_t command[FIFO_SIZE];
	size_t received, overrun;
	unsigned execution_left;
	uint8_t response[FIFO_SIZE + 16];
	size_t response_size, response_read;
	int64_t header_size_error;      /* what the response header adds to the truth */
	unsigned commands, aborts;
} fake;

static uint64_t clock_now;

uint64_t time_microseconds(void)
{
	clock_now += CLOCK_STEP;
	return clock_now;
}

static uint32_t be32(const uint8_t *bytes)
{
	return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
	       (uint32_t)bytes[2] << 8 | bytes[3];
}

static void put_be32(uint8_t *bytes, uint32_t value)
{
	bytes[0] = value >> 24;
	bytes[1] = value >> 16;
	bytes[2] = value >> 8;
	bytes[3] = value;
}

static unsigned decode(uintptr_t address, unsigned *offset)
{
	assert_in_range(address, TIS_BASE_ADDRESS,
			TIS_BASE_ADDRESS + TIS_LOCALITY_COUNT * TIS_LOCALITY_SIZE - 1);
	*offset = (address - TIS_BASE_ADDRESS) % TIS_LOCALITY_SIZE;
	return (address - TIS_BASE_ADDRESS) / TIS_LOCALITY_SIZE;
}

/* --- localities ---------------------------------------------------------------- */

static void grant_highest_pending(void)
{
	for (int locality = TIS_LOCALITY_COUNT - 1; locality >= 0; locality--)
		if (fake.pending[locality]) {
			fake.pending[locality] = false;
			fake.active = locality;
			return;
		}
}

static void schedule_grant(void)
{
	if (fake.grants)
		fake.grant_delay = GRANT_DELAY;
}

static uint8_t read_access(unsigned locality)
{
	uint8_t access = ACCESS_REG_VALID;

	if (fake.grant_delay && --fake.grant_delay == 0)
		grant_highest_pending();
	if (fake.active == (int)locality)
		access |= ACCESS_ACTIVE_LOCALITY;
	for (unsigned other = 0; other < TIS_LOCALITY_COUNT; other++)
		if (other != locality && fake.pending[other])
			access |= ACCESS_PENDING_REQUEST;
	return access;
}

static void write_access(unsigned locality, uint8_t value)
{
	if (value & ACCESS_SEIZE)
		fail_msg("locality %u seized", locality);
	if (value & ACCESS_ACTIVE_LOCALITY) {
		if (fake.active == (int)locality) {
			fake.active = NO_LOCALITY;
			fake.relinquished_at[locality] = ++fake.sequence;
			fake.state = IDLE;
			schedule_grant();
		}
		fake.pending[locality] = false;
	}
	if (value & ACCESS_REQUEST_USE) {
		fake.requested_at[locality] = ++fake.sequence;
		if (fake.active != (int)locality) {
			fake.pending[locality] = true;
			if (fake.active == NO_LOCALITY)
				schedule_grant();
		}
	}
}

/* --- command and response ---------------------------------------------------- */

static bool expects_more(void)
{
	if (fake.state != RECEPTION)
		return false;
	return fake.expect_stuck || fake.received < 6 || fake.received < be32(fake.command + 2);
}

static bool has_data(void)
{
	return fake.state == COMPLETION && fake.response_read < fake.response_size;
}

static void execute(void)
{
	fake.commands++;
	fake.response_size = 10 + fake.received;
	fake.response[0] = 0x80;
	fake.response[1] = 0x01;
	put_be32(fake.response + 2, fake.response_size + fake.header_size_error);
	put_be32(fake.response + 6, 0);
	memcpy(fake.response + 10, fake.command, fake.received);
	fake.response_read = 0;
	fake.execution_left = EXECUTION_TIME;
	fake.state = EXECUTION;
}

static uint32_t read_status(unsigned locality)
{
	uint32_t status = 0;
	size_t burst = 0;

	if (fake.active != (int)locality)
		return 0xFFFFFFFF;
	fake.status_reads++;
	if (fake.state == EXECUTION && !fake.never_completes && --fake.execution_left == 0)
		fake.state = COMPLETION;

	if (fake.status_reads % 5) {
		status |= STS_VALID;
		if (expects_more())
			status |= STS_EXPECT;
		if (has_data())
			status |= STS_DATA_AVAIL;
	}
	if (fake.state == READY)
		status |= STS_COMMAND_READY;

	/* Every other read the FIFO is momentarily busy. */
	if (fake.status_reads % 2) {
		if (fake.state == READY || fake.state == RECEPTION)
			burst = fake.burst;
		else if (has_data())
			burst = fake.response_size - fake.response_read;
		if (burst > fake.burst)
			burst = fake.burst;
	}
	fake.budget = burst;
	return status | burst << 8;
}

static void write_status(unsigned locality, uint8_t value)
{
	if (fake.active != (int)locality)
		fail_msg("STS written from inactive locality %u", locality);
	if (value & ~(STS_COMMAND_READY | STS_GO))
		fail_msg("unexpected STS write %#x", value);

	if (value & STS_COMMAND_READY) {
		switch (fake.state) {
		case IDLE:
			if (!fake.never_ready)
				fake.state = READY;
			break;
		case READY:
			fake.received = 0;
			break;
		case RECEPTION:
		case EXECUTION:
			fake.aborts++;
			fake.state = IDLE;
			break;
		case COMPLETION:
			if (has_data())
				fake.aborts++;
			fake.state = IDLE;
			break;
		}
	}
	if (value & STS_GO) {
		if (fake.state != RECEPTION || expects_more())
			fail_msg("tpmGo with the command incomplete");
		execute();
	}
}

static void write_fifo(unsigned locality, uint8_t value)
{
	if (fake.active != (int)locality)
		fail_msg("FIFO written from inactive locality %u", locality);
	if (fake.state == READY) {
		fake.state = RECEPTION;
		fake.received = 0;
	}
	if (fake.state != RECEPTION)
		fail_msg("FIFO written in state %d", fake.state);
	if (!fake.budget)
		fail_msg("FIFO written past burstCount");
	fake.budget--;
	/* A real TPM drops what comes after the command it parsed. */
	if (!expects_more()) {
		fake.overrun++;
		return;
	}
	if (fake.received == FIFO_SIZE)
		fail_msg("FIFO overflow");
	fake.command[fake.received++] = value;
}

static uint8_t read_fifo(unsigned locality)
{
	if (fake.active != (int)locality)
		fail_msg("FIFO read from inactive locality %u", locality);
	if (!has_data())
		fail_msg("FIFO read with no data available");
	if (!fake.budget)
		fail_msg("FIFO read past burstCount");
	fake.budget--;
	return fake.response[fake.response_read++];
}

/* --- the MMIO the driver sees ---------------------------------------------------- */

uint8_t mmio_read8(uintptr_t address)
{
	unsigned offset, locality = decode(address, &offset);

	if (!fake.present || (int)locality == fake.undecoded)
		return 0xFF;
	if (offset == TPM_ACCESS)
		return read_access(locality);
	if (offset == TPM_DATA_FIFO)
		return read_fifo(locality);
	fail_msg("8-bit read at %#x", offset);
	return 0;
}

uint32_t mmio_read32(uintptr_t address)
{
	unsigned offset, locality = decode(address, &offset);

	if (!fake.present)
		return 0xFFFFFFFF;
	if (offset == TPM_STS)
		return read_status(locality);
	if (offset == TPM_DID_VID)
		return fake.vendor;
	if (offset == TPM_INTERFACE_ID)
		return fake.interface_id;
	fail_msg("32-bit read at %#x", offset);
	return 0;
}

void mmio_write8(uintptr_t address, uint8_t value)
{
	unsigned offset, locality = decode(address, &offset);

	if (!fake.present)
		return;
	if ((int)locality == fake.undecoded)
		fail_msg("write to undecoded locality %u", locality);
	if (offset == TPM_ACCESS)
		write_access(locality, value);
	else if (offset == TPM_STS)
		write_status(locality, value);
	else if (offset == TPM_DATA_FIFO)
		write_fifo(locality, value);
	else
		fail_msg("8-bit write at %#x", offset);
}

void mmio_write32(uintptr_t address, uint32_t value)
{
	fail_msg("unexpected 32-bit write of %#x at %#lx", value, (unsigned long)address);
}

/* --- tests ---------------------------------------------------------------------- */

static int reset(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.present = true;
	fake.vendor = 0x00011014;
	fake.interface_id = 0x00000000;
	fake.grants = true;
	fake.active = NO_LOCALITY;
	fake.undecoded = NO_LOCALITY;
	fake.burst = BURST;
	fake.state = IDLE;
	clock_now = 0;
	return 0;
}

static struct tis take_locality(unsigned locality)
{
	struct tis tis;

	assert_int_equal(tis_request_locality(&tis, TIS_BASE_ADDRESS, locality), TIS_OK);
	assert_int_equal(fake.active, locality);
	return tis;
}

/* A command of `size` bytes whose header says so, as the TPM parses it. */
static void make_command(uint8_t *command, size_t size)
{
	for (size_t i = 0; i < size; i++)
		command[i] = i * 13 + 1;
	command[0] = 0x80;
	command[1] = 0x01;
	put_be32(command + 2, size);
}

static void test_probe(void **state)
{
	(void)state;
	assert_int_equal(tis_probe(TIS_BASE_ADDRESS), TIS_OK);
	fake.interface_id = 0xFFFFFFFF;   /* TIS 1.3 */
	assert_int_equal(tis_probe(TIS_BASE_ADDRESS), TIS_OK);
}

static void test_probe_no_device(void **state)
{
	(void)state;
	fake.present = false;
	assert_int_equal(tis_probe(TIS_BASE_ADDRESS), TIS_NO_DEVICE);
	reset(state);
	fake.vendor = 0;
	assert_int_equal(tis_probe(TIS_BASE_ADDRESS), TIS_NO_DEVICE);
	fake.vendor = 0xFFFFFFFF;
	assert_int_equal(tis_probe(TIS_BASE_ADDRESS), TIS_NO_DEVICE);
	reset(state);
	fake.interface_id = 0x00000001;   /* CRB */
	assert_int_equal(tis_probe(TIS_BASE_ADDRESS), TIS_NO_DEVICE);
}

static void test_locality_granted(void **state)
{
	struct tis tis;

	(void)state;
	tis = take_locality(2);
	assert_int_equal(tis.base, TIS_BASE_ADDRESS);
	assert_int_equal(tis.locality, 2);
	/* Asking again for a locality already held is harmless. */
	take_locality(2);
	tis_release_locality(&tis);
	assert_int_equal(fake.active, NO_LOCALITY);
}

static void test_locality_left_active_by_firmware(void **state)
{
	(void)state;
	fake.active = 0;
	take_locality(2);
	assert_int_not_equal(fake.relinquished_at[0], 0);
	assert_true(fake.relinquished_at[0] < fake.requested_at[2]);
	for (unsigned locality = 1; locality < TIS_LOCALITY_COUNT; locality++)
		assert_int_equal(fake.relinquished_at[locality], 0);
}

/* Locality 4 belongs to the chipset; software reads it as all ones, which
 * must not pass for an active locality to relinquish. */
static void test_locality_undecoded(void **state)
{
	(void)state;
	fake.undecoded = 4;
	take_locality(2);
}

static void test_locality_never_granted(void **state)
{
	struct tis tis;

	(void)state;
	fake.grants = false;
	assert_int_equal(tis_request_locality(&tis, TIS_BASE_ADDRESS, 2),
			 TIS_LOCALITY_NOT_GRANTED);
	assert_true(clock_now >= 750000);
	assert_true(clock_now < 2 * 750000);
}

static void test_locality_invalid(void **state)
{
	struct tis tis;

	(void)state;
	assert_int_equal(tis_request_locality(&tis, TIS_BASE_ADDRESS, TIS_LOCALITY_COUNT),
			 TIS_INVALID_ARGUMENT);
	assert_int_equal(fake.sequence, 0);
}

static void test_round_trip(void **state)
{
	static const size_t sizes[] = { 10, 11, 12, 13, 14, 22, 64, 1000, FIFO_SIZE - 10 };
	uint8_t command[FIFO_SIZE], response[FIFO_SIZE];
	struct tis tis;
	size_t response_size;

	(void)state;
	tis = take_locality(2);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		make_command(command, sizes[i]);
		memset(response, 0, sizeof(response));
		assert_int_equal(tis_transmit(&tis, command, sizes[i], response,
					      sizes[i] + 10, &response_size),
				 TIS_OK);
		assert_int_equal(response_size, sizes[i] + 10);
		assert_int_equal(be32(response + 2), response_size);
		assert_int_equal(be32(response + 6), 0);
		assert_memory_equal(response + 10, command, sizes[i]);
		assert_int_equal(fake.commands, i + 1);
		assert_int_equal(fake.overrun, 0);
		assert_int_equal(fake.aborts, 0);
		assert_int_equal(fake.state, IDLE);
	}
}

static void test_response_too_large(void **state)
{
	uint8_t command[64], response[128];
	struct tis tis;
	size_t response_size = 99;

	(void)state;
	tis = take_locality(2);
	make_command(command, sizeof(command));
	assert_int_equal(tis_transmit(&tis, command, sizeof(command), response,
				      sizeof(command) + 9, &response_size),
			 TIS_RESPONSE_TOO_LARGE);
	assert_int_equal(response_size, 0);
	assert_int_equal(fake.aborts, 1);
	assert_int_equal(fake.state, IDLE);

	/* The abandoned response does not leak into the next command. */
	assert_int_equal(tis_transmit(&tis, command, sizeof(command), response,
				      sizeof(response), &response_size),
			 TIS_OK);
	assert_int_equal(response_size, sizeof(command) + 10);
	assert_memory_equal(response + 10, command, sizeof(command));
}

static void test_response_size_lies(void **state)
{
	static const int64_t errors[] = { 1, -1, -6, -(int64_t)(10 + 20) };
	uint8_t command[20], response[128], tight[12];
	struct tis tis;
	size_t response_size;

	(void)state;
	tis = take_locality(2);
	make_command(command, sizeof(command));
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		fake.header_size_error = errors[i];
		assert_int_equal(tis_transmit(&tis, command, sizeof(command), response,
					      sizeof(response), &response_size),
				 TIS_PROTOCOL_ERROR);
		assert_int_equal(response_size, 0);
		assert_int_equal(fake.state, IDLE);
	}

	/* A size below the header's own must not be trusted to bound the read
	 * into a buffer smaller than what the TPM actually holds. */
	fake.header_size_error = -(int64_t)(10 + sizeof(command)) + 4;
	assert_int_equal(tis_transmit(&tis, command, sizeof(command), tight, sizeof(tight),
				      &response_size),
			 TIS_PROTOCOL_ERROR);
}

static void test_expect_stuck(void **state)
{
	uint8_t command[16], response[64];
	struct tis tis;
	size_t response_size;

	(void)state;
	tis = take_locality(2);
	fake.expect_stuck = true;
	make_command(command, sizeof(command));
	assert_int_equal(tis_transmit(&tis, command, sizeof(command), response,
				      sizeof(response), &response_size),
			 TIS_PROTOCOL_ERROR);
	assert_int_equal(fake.commands, 0);
	assert_int_equal(fake.aborts, 1);
	assert_int_equal(fake.state, IDLE);
}

/* The TPM parsed a shorter command than the one being sent. */
static void test_expect_dropped_early(void **state)
{
	uint8_t command[16], response[64];
	struct tis tis;
	size_t response_size;

	(void)state;
	tis = take_locality(2);
	make_command(command, sizeof(command));
	put_be32(command + 2, sizeof(command) - 4);
	assert_int_equal(tis_transmit(&tis, command, sizeof(command), response,
				      sizeof(response), &response_size),
			 TIS_PROTOCOL_ERROR);
	assert_int_equal(fake.commands, 0);
	assert_int_equal(fake.state, IDLE);
}

static void test_never_data_available(void **state)
{
	uint8_t command[16], response[64];
	struct tis tis;
	size_t response_size;

	(void)state;
	tis = take_locality(2);
	fake.never_completes = true;
	make_command(command, sizeof(command));
	assert_int_equal(tis_transmit(&tis, command, sizeof(command), response,
				      sizeof(response), &response_size),
			 TIS_TIMEOUT);
	assert_true(clock_now >= 10000000);
	assert_true(clock_now < 12000000);
	assert_int_equal(fake.commands, 1);
	assert_int_equal(fake.aborts, 1);
	assert_int_equal(fake.state, IDLE);
}

static void test_never_ready(void **state)
{
	uint8_t command[16], response[64];
	struct tis tis;
	size_t response_size;

	(void)state;
	tis = take_locality(2);
	fake.never_ready = true;
	make_command(command, sizeof(command));
	assert_int_equal(tis_transmit(&tis, command, sizeof(command), response,
				      sizeof(response), &response_size),
			 TIS_TIMEOUT);
	assert_true(clock_now >= 2000000);
	assert_int_equal(fake.received, 0);
}

static void test_burst_count_stuck_at_zero(void **state)
{
	uint8_t command[16], response[64];
	struct tis tis;
	size_t response_size;

	(void)state;
	tis = take_locality(2);
	fake.burst = 0;
	make_command(command, sizeof(command));
	assert_int_equal(tis_transmit(&tis, command, sizeof(command), response,
				      sizeof(response), &response_size),
			 TIS_TIMEOUT);
	assert_int_equal(fake.received, 0);
}

static void test_transmit_invalid(void **state)
{
	uint8_t command[16], response[64];
	struct tis tis;
	size_t response_size;

	(void)state;
	tis = take_locality(2);
	make_command(command, sizeof(command));
	assert_int_equal(tis_transmit(&tis, command, 0, response, sizeof(response),
				      &response_size),
			 TIS_INVALID_ARGUMENT);
	assert_int_equal(tis_transmit(&tis, command, sizeof(command), response, 9,
				      &response_size),
			 TIS_INVALID_ARGUMENT);
	assert_int_equal(fake.status_reads, 0);
}

static void test_status_strings(void **state)
{
	(void)state;
	for (int a = TIS_OK; a <= TIS_INVALID_ARGUMENT; a++) {
		assert_non_null(tis_status_string(a));
		for (int b = TIS_OK; b < a; b++)
			assert_string_not_equal(tis_status_string(a), tis_status_string(b));
	}
	assert_non_null(tis_status_string(99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe, reset),
		cmocka_unit_test_setup(test_probe_no_device, reset),
		cmocka_unit_test_setup(test_locality_granted, reset),
		cmocka_unit_test_setup(test_locality_left_active_by_firmware, reset),
		cmocka_unit_test_setup(test_locality_undecoded, reset),
		cmocka_unit_test_setup(test_locality_never_granted, reset),
		cmocka_unit_test_setup(test_locality_invalid, reset),
		cmocka_unit_test_setup(test_round_trip, reset),
		cmocka_unit_test_setup(test_response_too_large, reset),
		cmocka_unit_test_setup(test_response_size_lies, reset),
		cmocka_unit_test_setup(test_expect_stuck, reset),
		cmocka_unit_test_setup(test_expect_dropped_early, reset),
		cmocka_unit_test_setup(test_never_data_available, reset),
		cmocka_unit_test_setup(test_never_ready, reset),
		cmocka_unit_test_setup(test_burst_count_stuck_at_zero, reset),
		cmocka_unit_test_setup(test_transmit_invalid, reset),
		cmocka_unit_test_setup(test_status_strings, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
