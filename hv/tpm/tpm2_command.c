/* The hypervisor's TPM 2.0 commands, marshalled by hand (TCG TPM 2.0 Library
 * Part 2 for the structures, Part 3 for the commands). All integers on the wire
 * are big-endian. The parsers treat the response as hostile: every length is
 * checked before it is used and every byte must be accounted for. */
#include <stdbool.h>
#include <string.h>

#include "tpm2_command.h"
#include "tpm2_marshal.h"

#define TPM_CC_PCR_EVENT      0x0000013C
#define TPM_CC_GET_CAPABILITY 0x0000017A
#define TPM_CC_PCR_READ       0x0000017E
#define TPM_CC_GET_RANDOM     0x0000017B

#define TPM_CAP_PCRS 0x00000005

/* A PC Client TPM has 24 PCRs, so a selection of one of them takes 3 bytes. */
#define PCR_SELECT_SIZE ((TPM2_PCR_COUNT + 7) / 8)
/* The most a TPM may report (32 PCRs), the bound tpm2-tss applies too. */
#define PCR_SELECT_MAX  4

/* An empty password session: sessionHandle, empty nonce, attributes, empty hmac. */
#define PASSWORD_AUTH_SIZE (4 + 2 + 1 + 2)

uint16_t tpm2_digest_size(uint16_t algorithm)
{
	switch (algorithm) {
	case TPM2_ALG_SHA1:
		return 20;
	case TPM2_ALG_SHA256:
	case TPM2_ALG_SM3_256:
		return 32;
	case TPM2_ALG_SHA384:
		return 48;
	case TPM2_ALG_SHA512:
		return 64;
	default:
		return 0;
	}
}

/* --- building --------------------------------------------------------------- */

static void pcr_select_bits(uint32_t pcr_index, uint8_t select[PCR_SELECT_SIZE])
{
	memset(select, 0, PCR_SELECT_SIZE);
	select[pcr_index / 8] = 1u << (pcr_index % 8);
}

size_t tpm2_build_pcr_event(uint8_t *buffer, size_t capacity, uint32_t pcr_index,
			    const void *event_data, size_t event_size)
{
	size_t size = TPM2_HEADER_SIZE + 4 + 4 + PASSWORD_AUTH_SIZE + 2 + event_size;
	uint8_t *out = buffer;

	if (pcr_index >= TPM2_PCR_COUNT || event_size > TPM2_MAX_EVENT_DATA ||
	    (event_size && !event_data) || capacity < size)
		return 0;

	out = tpm2_put_header(out, TPM_ST_SESSIONS, size, TPM_CC_PCR_EVENT);
	/* PCR handles are the PCR numbers themselves (TPM_HT_PCR is 0). */
	out = tpm2_put_u32(out, pcr_index);
	out = tpm2_put_u32(out, PASSWORD_AUTH_SIZE);
	out = tpm2_put_u32(out, TPM_RS_PW);
	out = tpm2_put_u16(out, 0);
	/* Asking to continue the session makes the TPM's answer predictable: it
	 * reports continueSession for a password session whatever was asked. */
	out = tpm2_put_u8(out, TPMA_SESSION_CONTINUE_SESSION);
	out = tpm2_put_u16(out, 0);
	out = tpm2_put_u16(out, event_size);
	tpm2_put_bytes(out, event_data, event_size);
	return size;
}

size_t tpm2_build_pcr_read(uint8_t *buffer, size_t capacity, uint16_t algorithm,
			   uint32_t pcr_index)
{
	const size_t size = TPM2_HEADER_SIZE + 4 + 2 + 1 + PCR_SELECT_SIZE;
	uint8_t *out = buffer;

	/* An unknown bank is refused here because its response could not be
	 * checked. */
	if (pcr_index >= TPM2_PCR_COUNT || !tpm2_digest_size(algorithm) || capacity < size)
		return 0;

	out = tpm2_put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_PCR_READ);
	out = tpm2_put_u32(out, 1);
	out = tpm2_put_u16(out, algorithm);
	out = tpm2_put_u8(out, PCR_SELECT_SIZE);
	pcr_select_bits(pcr_index, out);
	return size;
}

size_t tpm2_build_get_random(uint8_t *buffer, size_t capacity, uint16_t bytes)
{
	const size_t size = TPM2_HEADER_SIZE + 2;
	uint8_t *out = buffer;

	if (capacity < size || bytes == 0 || bytes > TPM2_MAX_RANDOM)
		return 0;
	out = tpm2_put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_GET_RANDOM);
	tpm2_put_u16(out, bytes);
	return size;
}

size_t tpm2_build_get_capability_pcrs(uint8_t *buffer, size_t capacity)
{
	const size_t size = TPM2_HEADER_SIZE + 4 + 4 + 4;
	uint8_t *out = buffer;

	if (capacity < size)
		return 0;

	out = tpm2_put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_GET_CAPABILITY);
	out = tpm2_put_u32(out, TPM_CAP_PCRS);
	out = tpm2_put_u32(out, 0);
	tpm2_put_u32(out, 1);
	return size;
}

/* --- parsing ---------------------------------------------------------------- */

enum tpm2_parse_status tpm2_parse_response_header(const uint8_t *response, size_t length,
						  uint32_t *response_code)
{
	struct tpm2_reader body;
	enum tpm2_parse_status status;

	status = tpm2_parse_header(response, length, TPM_ST_NO_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	return tpm2_expect_end(&body);
}

/* TPML_DIGEST_VALUES: TPMT_HA entries whose digest size is implied by the algorithm,
 * so an algorithm this code does not know makes the rest unreadable. */
static enum tpm2_parse_status read_digest_values(struct tpm2_reader *reader,
						 struct tpm2_digest_list *list)
{
	uint32_t i, j;

	if (!tpm2_read_u32(reader, &list->count))
		return TPM2_PARSE_TRUNCATED;
	if (list->count > TPM2_MAX_BANKS)
		return TPM2_PARSE_MALFORMED;
	for (i = 0; i < list->count; i++) {
		struct tpm2_digest *digest = &list->digest[i];

		if (!tpm2_read_u16(reader, &digest->algorithm))
			return TPM2_PARSE_TRUNCATED;
		digest->size = tpm2_digest_size(digest->algorithm);
		if (!digest->size)
			return TPM2_PARSE_MALFORMED;
		if (!tpm2_read_bytes(reader, digest->bytes, digest->size))
			return TPM2_PARSE_TRUNCATED;
		/* Two digests of one bank would let a caller pick the wrong one. */
		for (j = 0; j < i; j++)
			if (list->digest[j].algorithm == digest->algorithm)
				return TPM2_PARSE_MALFORMED;
	}
	return TPM2_PARSE_OK;
}

/* A TPM2B whose contents are of no interest, only its size. */
static bool skip_sized(struct tpm2_reader *reader, uint16_t *size)
{
	struct tpm2_reader contents;

	return tpm2_read_sized(reader, size, &contents);
}

/* The answer to our single password session: the TPM returns no nonce and no
 * hmac for it, and always reports continueSession. */
static enum tpm2_parse_status read_password_auth(struct tpm2_reader *reader)
{
	uint16_t nonce_size, hmac_size;
	uint8_t attributes;

	if (!skip_sized(reader, &nonce_size) || !tpm2_read_u8(reader, &attributes) ||
	    !skip_sized(reader, &hmac_size))
		return TPM2_PARSE_TRUNCATED;
	if (nonce_size || hmac_size || attributes != TPMA_SESSION_CONTINUE_SESSION)
		return TPM2_PARSE_MALFORMED;
	return TPM2_PARSE_OK;
}

static enum tpm2_parse_status parse_pcr_event(const uint8_t *response, size_t length,
					      uint32_t *response_code,
					      struct tpm2_digest_list *digests)
{
	struct tpm2_reader body, parameters;
	enum tpm2_parse_status status;

	status = tpm2_parse_header(response, length, TPM_ST_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	status = tpm2_read_parameters(&body, &parameters);
	if (status != TPM2_PARSE_OK)
		return status;
	status = read_digest_values(&parameters, digests);
	if (status != TPM2_PARSE_OK)
		return status;
	status = tpm2_expect_end(&parameters);
	if (status != TPM2_PARSE_OK)
		return status;
	status = read_password_auth(&body);
	if (status != TPM2_PARSE_OK)
		return status;
	return tpm2_expect_end(&body);
}

enum tpm2_parse_status tpm2_parse_pcr_event_response(const uint8_t *response, size_t length,
						     uint32_t *response_code,
						     struct tpm2_digest_list *digests)
{
	enum tpm2_parse_status status;

	status = parse_pcr_event(response, length, response_code, digests);
	if (status != TPM2_PARSE_OK)
		memset(digests, 0, sizeof(*digests));
	return status;
}

struct pcr_selection {
	uint16_t algorithm;
	uint8_t size;
	uint8_t select[PCR_SELECT_MAX];
};

/* TPML_PCR_SELECTION, at most one entry per bank. */
static enum tpm2_parse_status read_pcr_selections(struct tpm2_reader *reader,
						  struct pcr_selection selection[TPM2_MAX_BANKS],
						  uint32_t *count)
{
	uint32_t i, j;

	if (!tpm2_read_u32(reader, count))
		return TPM2_PARSE_TRUNCATED;
	if (*count > TPM2_MAX_BANKS)
		return TPM2_PARSE_MALFORMED;
	for (i = 0; i < *count; i++) {
		if (!tpm2_read_u16(reader, &selection[i].algorithm) ||
		    !tpm2_read_u8(reader, &selection[i].size))
			return TPM2_PARSE_TRUNCATED;
		if (selection[i].size > PCR_SELECT_MAX)
			return TPM2_PARSE_MALFORMED;
		if (!tpm2_read_bytes(reader, selection[i].select, selection[i].size))
			return TPM2_PARSE_TRUNCATED;
		for (j = 0; j < i; j++)
			if (selection[j].algorithm == selection[i].algorithm)
				return TPM2_PARSE_MALFORMED;
	}
	return TPM2_PARSE_OK;
}

/* TPM2B_DIGEST; only the size is checked here, the caller knows the algorithm. */
static enum tpm2_parse_status read_sized_digest(struct tpm2_reader *reader,
						struct tpm2_digest *digest)
{
	if (!tpm2_read_u16(reader, &digest->size))
		return TPM2_PARSE_TRUNCATED;
	if (digest->size > TPM2_MAX_DIGEST_SIZE)
		return TPM2_PARSE_MALFORMED;
	if (!tpm2_read_bytes(reader, digest->bytes, digest->size))
		return TPM2_PARSE_TRUNCATED;
	return TPM2_PARSE_OK;
}

/* Whether the TPM read exactly what tpm2_build_pcr_read asked for; with an
 * unreadable bank or PCR it drops the bit, which shows up here. */
static bool is_requested_selection(const struct pcr_selection *selection, uint32_t count,
				   uint16_t algorithm, uint32_t pcr_index)
{
	uint8_t requested[PCR_SELECT_SIZE];

	if (pcr_index >= TPM2_PCR_COUNT)
		return false;
	pcr_select_bits(pcr_index, requested);
	return count == 1 && selection->algorithm == algorithm &&
	       selection->size == PCR_SELECT_SIZE &&
	       !memcmp(selection->select, requested, PCR_SELECT_SIZE);
}

static enum tpm2_parse_status parse_pcr_read(const uint8_t *response, size_t length,
					     uint32_t *response_code, uint16_t algorithm,
					     uint32_t pcr_index, struct tpm2_digest *value)
{
	struct pcr_selection selection[TPM2_MAX_BANKS];
	uint32_t update_counter, selection_count, digest_count, i;
	enum tpm2_parse_status status;
	struct tpm2_reader body;

	status = tpm2_parse_header(response, length, TPM_ST_NO_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!tpm2_read_u32(&body, &update_counter))
		return TPM2_PARSE_TRUNCATED;
	status = read_pcr_selections(&body, selection, &selection_count);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!tpm2_read_u32(&body, &digest_count))
		return TPM2_PARSE_TRUNCATED;
	if (digest_count > TPM2_MAX_BANKS)
		return TPM2_PARSE_MALFORMED;
	/* Only one digest is wanted, but all are read so that a malformed
	 * response is reported as such. */
	for (i = 0; i < digest_count; i++) {
		status = read_sized_digest(&body, value);
		if (status != TPM2_PARSE_OK)
			return status;
	}
	status = tpm2_expect_end(&body);
	if (status != TPM2_PARSE_OK)
		return status;

	if (!tpm2_digest_size(algorithm) ||
	    !is_requested_selection(selection, selection_count, algorithm, pcr_index) ||
	    digest_count != 1)
		return TPM2_PARSE_UNEXPECTED;
	if (value->size != tpm2_digest_size(algorithm))
		return TPM2_PARSE_MALFORMED;
	value->algorithm = algorithm;
	return TPM2_PARSE_OK;
}

enum tpm2_parse_status tpm2_parse_pcr_read_response(const uint8_t *response, size_t length,
						    uint32_t *response_code, uint16_t algorithm,
						    uint32_t pcr_index, struct tpm2_digest *value)
{
	enum tpm2_parse_status status;

	status = parse_pcr_read(response, length, response_code, algorithm, pcr_index, value);
	if (status != TPM2_PARSE_OK)
		memset(value, 0, sizeof(*value));
	return status;
}

static bool selects_any(const struct pcr_selection *selection)
{
	uint8_t i;

	for (i = 0; i < selection->size; i++)
		if (selection->select[i])
			return true;
	return false;
}

static enum tpm2_parse_status parse_get_capability_pcrs(const uint8_t *response,
							size_t length,
							uint32_t *response_code,
							struct tpm2_bank_list *active)
{
	struct pcr_selection selection[TPM2_MAX_BANKS];
	uint32_t capability, selection_count, i;
	enum tpm2_parse_status status;
	struct tpm2_reader body;
	uint8_t more_data;

	status = tpm2_parse_header(response, length, TPM_ST_NO_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!tpm2_read_u8(&body, &more_data) || !tpm2_read_u32(&body, &capability))
		return TPM2_PARSE_TRUNCATED;
	if (more_data > 1)
		return TPM2_PARSE_MALFORMED;
	/* The rest is a union selected by the capability: another one cannot be
	 * read as PCR selections. */
	if (capability != TPM_CAP_PCRS)
		return TPM2_PARSE_UNEXPECTED;
	status = read_pcr_selections(&body, selection, &selection_count);
	if (status != TPM2_PARSE_OK)
		return status;
	status = tpm2_expect_end(&body);
	if (status != TPM2_PARSE_OK)
		return status;
	/* All banks fit in one answer; more would mean a list we did not see. */
	if (more_data)
		return TPM2_PARSE_UNEXPECTED;

	for (i = 0; i < selection_count; i++)
		if (selects_any(&selection[i]))
			active->algorithm[active->count++] = selection[i].algorithm;
	return TPM2_PARSE_OK;
}

enum tpm2_parse_status tpm2_parse_get_capability_pcrs_response(const uint8_t *response,
							       size_t length,
							       uint32_t *response_code,
							       struct tpm2_bank_list *active)
{
	/* Filled only once the whole response has been accepted. */
	memset(active, 0, sizeof(*active));
	return parse_get_capability_pcrs(response, length, response_code, active);
}

/* The TPM may return fewer bytes than asked (up to its largest digest), never more. */
static enum tpm2_parse_status parse_get_random(const uint8_t *response, size_t length,
					       uint32_t *response_code, uint16_t requested,
					       uint8_t *random, uint16_t *received)
{
	enum tpm2_parse_status status;
	struct tpm2_reader body;
	uint16_t size;

	status = tpm2_parse_header(response, length, TPM_ST_NO_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!tpm2_read_u16(&body, &size))
		return TPM2_PARSE_TRUNCATED;
	if (size > requested)
		return TPM2_PARSE_MALFORMED;
	if (!tpm2_read_bytes(&body, random, size))
		return TPM2_PARSE_TRUNCATED;
	status = tpm2_expect_end(&body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (size == 0)
		return TPM2_PARSE_UNEXPECTED;
	*received = size;
	return TPM2_PARSE_OK;
}

enum tpm2_parse_status tpm2_parse_get_random_response(const uint8_t *response, size_t length,
						      uint32_t *response_code, uint16_t requested,
						      uint8_t *random, uint16_t *received)
{
	enum tpm2_parse_status status;

	*received = 0;
	status = parse_get_random(response, length, response_code, requested, random, received);
	if (status != TPM2_PARSE_OK)
		memset(random, 0, requested);
	return status;
}

const char *tpm2_parse_status_string(enum tpm2_parse_status status)
{
	switch (status) {
	case TPM2_PARSE_OK:
		return "ok";
	case TPM2_PARSE_TRUNCATED:
		return "response truncated";
	case TPM2_PARSE_MALFORMED:
		return "response malformed";
	case TPM2_PARSE_UNEXPECTED:
		return "response does not answer the request";
	case TPM2_PARSE_RESPONSE_CODE:
		return "TPM returned an error code";
	}
	return "unknown parse status";
}
