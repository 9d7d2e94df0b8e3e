/* The hypervisor's TPM 2.0 commands, marshalled by hand (TCG TPM 2.0 Library
 * Part 2 for the structures, Part 3 for the commands). All integers on the wire
 * are big-endian. The parsers treat the response as hostile: every length is
 * checked before it is used and every byte must be accounted for. */
#include <stdbool.h>
#include <string.h>

#include "tpm2_command.h"

#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_ST_SESSIONS    0x8002

#define TPM_CC_PCR_EVENT      0x0000013C
#define TPM_CC_GET_CAPABILITY 0x0000017A
#define TPM_CC_PCR_READ       0x0000017E
#define TPM_CC_GET_RANDOM     0x0000017B

#define TPM_RS_PW    0x40000009
#define TPM_CAP_PCRS 0x00000005

#define TPMA_SESSION_CONTINUE_SESSION 0x01

#define HEADER_SIZE 10

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

static uint8_t *put_u8(uint8_t *out, uint8_t value)
{
	out[0] = value;
	return out + 1;
}

static uint8_t *put_u16(uint8_t *out, uint16_t value)
{
	out[0] = value >> 8;
	out[1] = value;
	return out + 2;
}

static uint8_t *put_u32(uint8_t *out, uint32_t value)
{
	out[0] = value >> 24;
	out[1] = value >> 16;
	out[2] = value >> 8;
	out[3] = value;
	return out + 4;
}

static uint8_t *put_header(uint8_t *out, uint16_t tag, size_t size, uint32_t command_code)
{
	out = put_u16(out, tag);
	out = put_u32(out, size);
	return put_u32(out, command_code);
}

static void pcr_select_bits(uint32_t pcr_index, uint8_t select[PCR_SELECT_SIZE])
{
	memset(select, 0, PCR_SELECT_SIZE);
	select[pcr_index / 8] = 1u << (pcr_index % 8);
}

size_t tpm2_build_pcr_event(uint8_t *buffer, size_t capacity, uint32_t pcr_index,
			    const void *event_data, size_t event_size)
{
	size_t size = HEADER_SIZE + 4 + 4 + PASSWORD_AUTH_SIZE + 2 + event_size;
	uint8_t *out = buffer;

	if (pcr_index >= TPM2_PCR_COUNT || event_size > TPM2_MAX_EVENT_DATA ||
	    (event_size && !event_data) || capacity < size)
		return 0;

	out = put_header(out, TPM_ST_SESSIONS, size, TPM_CC_PCR_EVENT);
	/* PCR handles are the PCR numbers themselves (TPM_HT_PCR is 0). */
	out = put_u32(out, pcr_index);
	out = put_u32(out, PASSWORD_AUTH_SIZE);
	out = put_u32(out, TPM_RS_PW);
	out = put_u16(out, 0);
	/* Asking to continue the session makes the TPM's answer predictable: it
	 * reports continueSession for a password session whatever was asked. */
	out = put_u8(out, TPMA_SESSION_CONTINUE_SESSION);
	out = put_u16(out, 0);
	out = put_u16(out, event_size);
	if (event_size)
		memcpy(out, event_data, event_size);
	return size;
}

size_t tpm2_build_pcr_read(uint8_t *buffer, size_t capacity, uint16_t algorithm,
			   uint32_t pcr_index)
{
	const size_t size = HEADER_SIZE + 4 + 2 + 1 + PCR_SELECT_SIZE;
	uint8_t *out = buffer;

	/* An unknown bank is refused here because its response could not be
	 * checked. */
	if (pcr_index >= TPM2_PCR_COUNT || !tpm2_digest_size(algorithm) || capacity < size)
		return 0;

	out = put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_PCR_READ);
	out = put_u32(out, 1);
	out = put_u16(out, algorithm);
	out = put_u8(out, PCR_SELECT_SIZE);
	pcr_select_bits(pcr_index, out);
	return size;
}

size_t tpm2_build_get_random(uint8_t *buffer, size_t capacity, uint16_t bytes)
{
	const size_t size = HEADER_SIZE + 2;
	uint8_t *out = buffer;

	if (capacity < size || bytes == 0 || bytes > TPM2_MAX_RANDOM)
		return 0;
	out = put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_GET_RANDOM);
	put_u16(out, bytes);
	return size;
}

size_t tpm2_build_get_capability_pcrs(uint8_t *buffer, size_t capacity)
{
	const size_t size = HEADER_SIZE + 4 + 4 + 4;
	uint8_t *out = buffer;

	if (capacity < size)
		return 0;

	out = put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_GET_CAPABILITY);
	out = put_u32(out, TPM_CAP_PCRS);
	out = put_u32(out, 0);
	put_u32(out, 1);
	return size;
}

/* --- parsing ---------------------------------------------------------------- */

/* The unread rest of a response, or of a region of it. */
struct reader {
	const uint8_t *next;
	size_t left;
};

static bool read_bytes(struct reader *reader, void *out, size_t size)
{
	if (reader->left < size)
		return false;
	memcpy(out, reader->next, size);
	reader->next += size;
	reader->left -= size;
	return true;
}

static bool read_u8(struct reader *reader, uint8_t *value)
{
	return read_bytes(reader, value, 1);
}

static bool read_u16(struct reader *reader, uint16_t *value)
{
	uint8_t bytes[2];

	if (!read_bytes(reader, bytes, sizeof(bytes)))
		return false;
	*value = (uint16_t)bytes[0] << 8 | bytes[1];
	return true;
}

static bool read_u32(struct reader *reader, uint32_t *value)
{
	uint8_t bytes[4];

	if (!read_bytes(reader, bytes, sizeof(bytes)))
		return false;
	*value = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
		 (uint32_t)bytes[2] << 8 | bytes[3];
	return true;
}

/* Moves the next `size` bytes of `reader` into their own reader `region`. */
static bool read_region(struct reader *reader, size_t size, struct reader *region)
{
	if (reader->left < size)
		return false;
	region->next = reader->next;
	region->left = size;
	reader->next += size;
	reader->left -= size;
	return true;
}

/* A failed response (rc != 0) is a bare header tagged TPM_ST_NO_SESSIONS, whatever
 * the command. A successful one carries `success_tag`; its body is left in
 * `reader`. */
static enum tpm2_parse_status parse_header(const uint8_t *response, size_t length,
					   uint16_t success_tag, uint32_t *response_code,
					   struct reader *reader)
{
	struct reader header = { response, length };
	uint16_t tag;
	uint32_t size;

	if (!read_u16(&header, &tag) || !read_u32(&header, &size) ||
	    !read_u32(&header, response_code))
		return TPM2_PARSE_TRUNCATED;
	if (size > length)
		return TPM2_PARSE_TRUNCATED;
	if (size != length)
		return TPM2_PARSE_MALFORMED;
	if (*response_code != 0) {
		if (tag != TPM_ST_NO_SESSIONS || length != HEADER_SIZE)
			return TPM2_PARSE_MALFORMED;
		return TPM2_PARSE_RESPONSE_CODE;
	}
	if (tag != success_tag)
		return TPM2_PARSE_MALFORMED;
	*reader = header;
	return TPM2_PARSE_OK;
}

static enum tpm2_parse_status expect_end(const struct reader *reader)
{
	return reader->left ? TPM2_PARSE_MALFORMED : TPM2_PARSE_OK;
}

enum tpm2_parse_status tpm2_parse_response_header(const uint8_t *response, size_t length,
						  uint32_t *response_code)
{
	struct reader body;
	enum tpm2_parse_status status;

	status = parse_header(response, length, TPM_ST_NO_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	return expect_end(&body);
}

/* TPML_DIGEST_VALUES: TPMT_HA entries whose digest size is implied by the algorithm,
 * so an algorithm this code does not know makes the rest unreadable. */
static enum tpm2_parse_status read_digest_values(struct reader *reader,
						 struct tpm2_digest_list *list)
{
	uint32_t i, j;

	if (!read_u32(reader, &list->count))
		return TPM2_PARSE_TRUNCATED;
	if (list->count > TPM2_MAX_BANKS)
		return TPM2_PARSE_MALFORMED;
	for (i = 0; i < list->count; i++) {
		struct tpm2_digest *digest = &list->digest[i];

		if (!read_u16(reader, &digest->algorithm))
			return TPM2_PARSE_TRUNCATED;
		digest->size = tpm2_digest_size(digest->algorithm);
		if (!digest->size)
			return TPM2_PARSE_MALFORMED;
		if (!read_bytes(reader, digest->bytes, digest->size))
			return TPM2_PARSE_TRUNCATED;
		/* Two digests of one bank would let a caller pick the wrong one. */
		for (j = 0; j < i; j++)
			if (list->digest[j].algorithm == digest->algorithm)
				return TPM2_PARSE_MALFORMED;
	}
	return TPM2_PARSE_OK;
}

/* A TPM2B whose contents are of no interest, only its size. */
static bool skip_sized(struct reader *reader, uint16_t *size)
{
	struct reader contents;

	return read_u16(reader, size) && read_region(reader, *size, &contents);
}

/* The answer to our single password session: the TPM returns no nonce and no
 * hmac for it, and always reports continueSession. */
static enum tpm2_parse_status read_password_auth(struct reader *reader)
{
	uint16_t nonce_size, hmac_size;
	uint8_t attributes;

	if (!skip_sized(reader, &nonce_size) || !read_u8(reader, &attributes) ||
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
	struct reader body, parameters;
	enum tpm2_parse_status status;
	uint32_t parameter_size;

	status = parse_header(response, length, TPM_ST_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!read_u32(&body, &parameter_size) ||
	    !read_region(&body, parameter_size, &parameters))
		return TPM2_PARSE_TRUNCATED;
	status = read_digest_values(&parameters, digests);
	if (status != TPM2_PARSE_OK)
		return status;
	status = expect_end(&parameters);
	if (status != TPM2_PARSE_OK)
		return status;
	status = read_password_auth(&body);
	if (status != TPM2_PARSE_OK)
		return status;
	return expect_end(&body);
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
static enum tpm2_parse_status read_pcr_selections(struct reader *reader,
						  struct pcr_selection selection[TPM2_MAX_BANKS],
						  uint32_t *count)
{
	uint32_t i, j;

	if (!read_u32(reader, count))
		return TPM2_PARSE_TRUNCATED;
	if (*count > TPM2_MAX_BANKS)
		return TPM2_PARSE_MALFORMED;
	for (i = 0; i < *count; i++) {
		if (!read_u16(reader, &selection[i].algorithm) ||
		    !read_u8(reader, &selection[i].size))
			return TPM2_PARSE_TRUNCATED;
		if (selection[i].size > PCR_SELECT_MAX)
			return TPM2_PARSE_MALFORMED;
		if (!read_bytes(reader, selection[i].select, selection[i].size))
			return TPM2_PARSE_TRUNCATED;
		for (j = 0; j < i; j++)
			if (selection[j].algorithm == selection[i].algorithm)
				return TPM2_PARSE_MALFORMED;
	}
	return TPM2_PARSE_OK;
}

/* TPM2B_DIGEST; only the size is checked here, the caller knows the algorithm. */
static enum tpm2_parse_status read_sized_digest(struct reader *reader,
						struct tpm2_digest *digest)
{
	if (!read_u16(reader, &digest->size))
		return TPM2_PARSE_TRUNCATED;
	if (digest->size > TPM2_MAX_DIGEST_SIZE)
		return TPM2_PARSE_MALFORMED;
	if (!read_bytes(reader, digest->bytes, digest->size))
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
	struct reader body;

	status = parse_header(response, length, TPM_ST_NO_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!read_u32(&body, &update_counter))
		return TPM2_PARSE_TRUNCATED;
	status = read_pcr_selections(&body, selection, &selection_count);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!read_u32(&body, &digest_count))
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
	status = expect_end(&body);
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
	struct reader body;
	uint8_t more_data;

	status = parse_header(response, length, TPM_ST_NO_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!read_u8(&body, &more_data) || !read_u32(&body, &capability))
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
	status = expect_end(&body);
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
	struct reader body;
	uint16_t size;

	status = parse_header(response, length, TPM_ST_NO_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!read_u16(&body, &size))
		return TPM2_PARSE_TRUNCATED;
	if (size > requested)
		return TPM2_PARSE_MALFORMED;
	if (!read_bytes(&body, random, size))
		return TPM2_PARSE_TRUNCATED;
	status = expect_end(&body);
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
