#include <stddef.h>

#include "tpm.h"

#define TPM_RC_FORMAT_ONE 0x080u

const char *tpm2_response_code_name(uint32_t response_code)
{
	static const struct {
		uint32_t code;
		const char *name;
	} names[] = {
		{ 0x000, "TPM_RC_SUCCESS" },        { 0x01e, "TPM_RC_BAD_TAG" },
		{ 0x100, "TPM_RC_INITIALIZE" },     { 0x101, "TPM_RC_FAILURE" },
		{ 0x125, "TPM_RC_AUTH_MISSING" },   { 0x126, "TPM_RC_POLICY" },
		{ 0x127, "TPM_RC_PCR" },            { 0x128, "TPM_RC_PCR_CHANGED" },
		{ 0x142, "TPM_RC_COMMAND_SIZE" },   { 0x143, "TPM_RC_COMMAND_CODE" },
		{ 0x144, "TPM_RC_AUTHSIZE" },       { 0x153, "TPM_RC_NEEDS_TEST" },
		{ 0x081, "TPM_RC_ASYMMETRIC" },     { 0x082, "TPM_RC_ATTRIBUTES" },
		{ 0x083, "TPM_RC_HASH" },           { 0x084, "TPM_RC_VALUE" },
		{ 0x085, "TPM_RC_HIERARCHY" },      { 0x08b, "TPM_RC_HANDLE" },
		{ 0x08e, "TPM_RC_AUTH_FAIL" },      { 0x08f, "TPM_RC_NONCE" },
		{ 0x095, "TPM_RC_SIZE" },           { 0x09d, "TPM_RC_POLICY_FAIL" },
		{ 0x09f, "TPM_RC_INTEGRITY" },      { 0x0a2, "TPM_RC_BAD_AUTH" },
		{ 0x902, "TPM_RC_OBJECT_MEMORY" },  { 0x903, "TPM_RC_SESSION_MEMORY" },
		{ 0x907, "TPM_RC_LOCALITY" },       { 0x908, "TPM_RC_YIELDED" },
		{ 0x909, "TPM_RC_CANCELED" },       { 0x90a, "TPM_RC_TESTING" },
		{ 0x921, "TPM_RC_LOCKOUT" },        { 0x922, "TPM_RC_RETRY" },
		{ 0x923, "TPM_RC_NV_UNAVAILABLE" },
	};
	/* Format-one codes carry a handle, session or parameter number in the upper
	 * bits; the error itself is the low six bits plus the format bit. */
	uint32_t base = (response_code & TPM_RC_FORMAT_ONE) ? (response_code & 0xbf)
							    : (response_code & 0xfff);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == base)
			return names[i].name;
	return "unrecognised response code";
}

static int fail(struct tpm_error *error, const char *command, const char *reason)
{
	error->command = command;
	error->reason = reason;
	error->has_response_code = false;
	return -1;
}

static int fail_parse(struct tpm_error *error, const char *command,
		      enum tpm2_parse_status status, uint32_t response_code)
{
	fail(error, command, tpm2_parse_status_string(status));
	if (status == TPM2_PARSE_RESPONSE_CODE) {
		error->reason = "the TPM returned an error";
		error->has_response_code = true;
		error->response_code = response_code;
	}
	return -1;
}

static int transmit(struct tpm *tpm, const char *command, size_t command_size,
		    size_t *response_size, struct tpm_error *error)
{
	enum tis_status status;

	if (command_size == 0)
		return fail(error, command, "command does not fit the hypervisor's buffer");
	status = tis_transmit(&tpm->tis, tpm->command, command_size, tpm->response,
			      sizeof(tpm->response), response_size);
	if (status != TIS_OK)
		return fail(error, command, tis_status_string(status));
	return 0;
}

int tpm_open(struct tpm *tpm, unsigned locality, struct tpm_error *error)
{
	enum tpm2_parse_status parsed;
	enum tis_status status;
	size_t response_size;
	uint32_t response_code = 0;

	status = tis_probe(TIS_BASE_ADDRESS);
	if (status != TIS_OK)
		return fail(error, "TIS", tis_status_string(status));
	status = tis_request_locality(&tpm->tis, TIS_BASE_ADDRESS, locality);
	if (status != TIS_OK)
		return fail(error, "TIS", tis_status_string(status));

	if (transmit(tpm, "TPM2_GetCapability",
		     tpm2_build_get_capability_pcrs(tpm->command, sizeof(tpm->command)),
		     &response_size, error))
		return -1;
	parsed = tpm2_parse_get_capability_pcrs_response(tpm->response, response_size,
							 &response_code, &tpm->banks);
	if (parsed != TPM2_PARSE_OK)
		return fail_parse(error, "TPM2_GetCapability", parsed, response_code);
	if (tpm->banks.count == 0)
		return fail(error, "TPM2_GetCapability", "the TPM has no active PCR bank");
	return 0;
}

int tpm_pcr_event(struct tpm *tpm, uint32_t pcr_index, const void *data, uint32_t size,
		  struct tpm2_digest_list *digests, struct tpm_error *error)
{
	enum tpm2_parse_status parsed;
	size_t response_size;
	uint32_t response_code = 0;

	if (transmit(tpm, "TPM2_PCR_Event",
		     tpm2_build_pcr_event(tpm->command, sizeof(tpm->command), pcr_index, data,
					  size),
		     &response_size, error))
		return -1;
	parsed = tpm2_parse_pcr_event_response(tpm->response, response_size, &response_code,
					       digests);
	if (parsed != TPM2_PARSE_OK)
		return fail_parse(error, "TPM2_PCR_Event", parsed, response_code);
	return 0;
}

int tpm_pcr_read(struct tpm *tpm, uint16_t algorithm, uint32_t pcr_index,
		 struct tpm2_digest *value, struct tpm_error *error)
{
	enum tpm2_parse_status parsed;
	size_t response_size;
	uint32_t response_code = 0;

	if (transmit(tpm, "TPM2_PCR_Read",
		     tpm2_build_pcr_read(tpm->command, sizeof(tpm->command), algorithm,
					 pcr_index),
		     &response_size, error))
		return -1;
	parsed = tpm2_parse_pcr_read_response(tpm->response, response_size, &response_code,
					      algorithm, pcr_index, value);
	if (parsed != TPM2_PARSE_OK)
		return fail_parse(error, "TPM2_PCR_Read", parsed, response_code);
	return 0;
}

void tpm_close(struct tpm *tpm)
{
	tis_release_locality(&tpm->tis);
}

int tpm_get_random(struct tpm *tpm, uint8_t *out, size_t size, struct tpm_error *error)
{
	while (size) {
		uint16_t request = size < TPM2_MAX_RANDOM ? (uint16_t)size : TPM2_MAX_RANDOM;
		enum tpm2_parse_status parsed;
		size_t response_size;
		uint32_t response_code = 0;
		uint16_t received;

		if (transmit(tpm, "TPM2_GetRandom",
			     tpm2_build_get_random(tpm->command, sizeof(tpm->command), request),
			     &response_size, error))
			return -1;
		parsed = tpm2_parse_get_random_response(tpm->response, response_size,
							&response_code, request, out, &received);
		if (parsed != TPM2_PARSE_OK)
			return fail_parse(error, "TPM2_GetRandom", parsed, response_code);
		out += received;
		size -= received;
	}
	return 0;
}

int tpm_execute(struct tpm *tpm, const char *command, size_t command_size,
		size_t *response_size, struct tpm_error *error)
{
	return transmit(tpm, command, command_size, response_size, error);
}

int tpm_parse_failed(struct tpm_error *error, const char *command,
		     enum tpm2_parse_status status, uint32_t response_code)
{
	return fail_parse(error, command, status, response_code);
}
