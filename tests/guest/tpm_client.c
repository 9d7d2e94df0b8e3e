/* tis_request_locality() is not used: it first relinquishes any other active
 * locality, which means reading the ACCESS registers of localities 1-4, and
 * those pages are hidden from the commodity partition (a read is a #GP here).
 * Locality 0 is requested directly instead; every other step is the
 * hypervisor's code. */
#include <stdbool.h>

#include "arch/x86/mmio.h"
#include "monotonic_time.h"
#include "tpm_client.h"

#define ACCESS_ACTIVE_LOCALITY 0x20
#define ACCESS_REG_VALID       0x80
#define LOCALITY_TIMEOUT       750000ull   /* TIS TIMEOUT_A, in microseconds */

static bool locality_zero_active(uintptr_t base)
{
	uint8_t access = mmio_read8(base + TPM_ACCESS_REGISTER);
	const uint8_t active = ACCESS_REG_VALID | ACCESS_ACTIVE_LOCALITY;

	/* All ones is what an undecoded address reads as. */
	return access != 0xff && (access & active) == active;
}

const char *tpm_client_open(struct tpm_client *tpm, uintptr_t base)
{
	enum tis_status status = tis_probe(base);
	uint64_t deadline;

	if (status != TIS_OK)
		return tis_status_string(status);
	tpm->tis = (struct tis){ .base = base, .locality = 0 };
	mmio_write8(base + TPM_ACCESS_REGISTER, TPM_ACCESS_REQUEST_USE);
	deadline = time_microseconds() + LOCALITY_TIMEOUT;
	for (;;) {
		bool late = time_microseconds() > deadline;

		if (locality_zero_active(base))
			return NULL;
		if (late)
			return tis_status_string(TIS_LOCALITY_NOT_GRANTED);
	}
}

static const char *transmit(struct tpm_client *tpm, size_t command_size, size_t *response_size)
{
	enum tis_status status;

	if (!command_size)
		return "the command does not fit its buffer";
	status = tis_transmit(&tpm->tis, tpm->command, command_size, tpm->response,
			      sizeof(tpm->response), response_size);
	return status == TIS_OK ? NULL : tis_status_string(status);
}

const char *tpm_client_pcr_read(struct tpm_client *tpm, uint32_t pcr,
				struct tpm2_digest *value)
{
	enum tpm2_parse_status parsed;
	size_t response_size;
	const char *error;

	tpm->response_code = 0;
	error = transmit(tpm, tpm2_build_pcr_read(tpm->command, sizeof(tpm->command),
						  TPM2_ALG_SHA256, pcr),
			 &response_size);
	if (error)
		return error;
	parsed = tpm2_parse_pcr_read_response(tpm->response, response_size, &tpm->response_code,
					      TPM2_ALG_SHA256, pcr, value);
	return parsed == TPM2_PARSE_OK ? NULL : tpm2_parse_status_string(parsed);
}

const char *tpm_client_pcr_event(struct tpm_client *tpm, uint32_t pcr, const void *data,
				 size_t size)
{
	enum tpm2_parse_status parsed;
	struct tpm2_digest_list digests;
	size_t response_size;
	const char *error;

	tpm->response_code = 0;
	error = transmit(tpm, tpm2_build_pcr_event(tpm->command, sizeof(tpm->command), pcr, data,
						   size),
			 &response_size);
	if (error)
		return error;
	parsed = tpm2_parse_pcr_event_response(tpm->response, response_size,
					       &tpm->response_code, &digests);
	if (parsed == TPM2_PARSE_OK || parsed == TPM2_PARSE_RESPONSE_CODE)
		return NULL;
	return tpm2_parse_status_string(parsed);
}

void tpm_client_close(struct tpm_client *tpm)
{
	tis_release_locality(&tpm->tis);
}
