/* Unit tests for the hand-written TPM 2.0 marshalling: every command is compared
 * byte for byte with the same command marshalled by libtss2-mu, and every parser
 * is fed responses marshalled by libtss2-mu, then broken ones. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpm2_test_messages.h"

static const uint16_t known_algorithms[] = {
	TPM2_ALG_SHA1, TPM2_ALG_SHA256, TPM2_ALG_SHA384, TPM2_ALG_SHA512, TPM2_ALG_SM3_256,
};
#define KNOWN_ALGORITHM_COUNT (sizeof(known_algorithms) / sizeof(known_algorithms[0]))

/* --- parsers behind one signature, so the rejection loops can share code ----- */

static enum tpm2_parse_status parse_header_only(const uint8_t *response, size_t length)
{
	uint32_t response_code;

	return tpm2_parse_response_header(response, length, &response_code);
}

static enum tpm2_parse_status parse_event(const uint8_t *response, size_t length)
{
	struct tpm2_digest_list digests;
	uint32_t response_code;

	return tpm2_parse_pcr_event_response(response, length, &response_code, &digests);
}

#define READ_PCR 17

static enum tpm2_parse_status parse_read_sha256(const uint8_t *response, size_t length)
{
	struct tpm2_digest value;
	uint32_t response_code;

	return tpm2_parse_pcr_read_response(response, length, &response_code, TPM2_ALG_SHA256,
					    READ_PCR, &value);
}

static enum tpm2_parse_status parse_capability(const uint8_t *response, size_t length)
{
	struct tpm2_bank_list active;
	uint32_t response_code;

	return tpm2_parse_get_capability_pcrs_response(response, length, &response_code,
						       &active);
}

static const parse_function all_parsers[] = {
	parse_header_only, parse_event, parse_read_sha256, parse_capability,
};
#define PARSER_COUNT (sizeof(all_parsers) / sizeof(all_parsers[0]))

/* A failed command: a bare header, always tagged TPM_ST_NO_SESSIONS. */
static void assert_response_codes(parse_function parse)
{
	struct message response;
	uint32_t response_code = 0;
	struct tpm2_digest_list digests;
	struct tpm2_digest value;
	struct tpm2_bank_list active;

	message_start(&response, TPM2_ST_NO_SESSIONS, TPM2_RC_LOCALITY);
	message_finish(&response);
	assert_parse(parse, &response, TPM2_PARSE_RESPONSE_CODE);

	if (parse == parse_event)
		assert_int_equal(tpm2_parse_pcr_event_response(response.bytes, response.size,
							       &response_code, &digests),
				 TPM2_PARSE_RESPONSE_CODE);
	else if (parse == parse_read_sha256)
		assert_int_equal(tpm2_parse_pcr_read_response(response.bytes, response.size,
							      &response_code, TPM2_ALG_SHA256,
							      READ_PCR, &value),
				 TPM2_PARSE_RESPONSE_CODE);
	else if (parse == parse_capability)
		assert_int_equal(tpm2_parse_get_capability_pcrs_response(response.bytes,
									 response.size,
									 &response_code,
									 &active),
				 TPM2_PARSE_RESPONSE_CODE);
	else
		assert_int_equal(tpm2_parse_response_header(response.bytes, response.size,
							    &response_code),
				 TPM2_PARSE_RESPONSE_CODE);
	assert_int_equal(response_code, TPM2_RC_LOCALITY);

	/* An error response with a body, or claiming sessions, is not one. */
	response.bytes[response.size++] = 0;
	message_finish(&response);
	assert_parse(parse, &response, TPM2_PARSE_MALFORMED);
	message_start(&response, TPM2_ST_SESSIONS, TPM2_RC_LOCALITY);
	message_finish(&response);
	assert_parse(parse, &response, TPM2_PARSE_MALFORMED);
}

/* --- digest sizes and status strings --------------------------------------- */

static void test_digest_sizes(void **state)
{
	(void)state;
	assert_int_equal(tpm2_digest_size(TPM2_ALG_SHA1), TPM2_SHA1_DIGEST_SIZE);
	assert_int_equal(tpm2_digest_size(TPM2_ALG_SHA256), TPM2_SHA256_DIGEST_SIZE);
	assert_int_equal(tpm2_digest_size(TPM2_ALG_SHA384), TPM2_SHA384_DIGEST_SIZE);
	assert_int_equal(tpm2_digest_size(TPM2_ALG_SHA512), TPM2_SHA512_DIGEST_SIZE);
	assert_int_equal(tpm2_digest_size(TPM2_ALG_SM3_256), TPM2_SM3_256_DIGEST_SIZE);
	assert_int_equal(tpm2_digest_size(TPM2_ALG_SHA3_256), 0);
	assert_int_equal(tpm2_digest_size(TPM2_ALG_NULL), 0);
	assert_int_equal(tpm2_digest_size(TPM2_ALG_RSA), 0);
}

static void test_status_strings(void **state)
{
	(void)state;
	for (int a = TPM2_PARSE_OK; a <= TPM2_PARSE_RESPONSE_CODE; a++) {
		assert_non_null(tpm2_parse_status_string(a));
		for (int b = TPM2_PARSE_OK; b < a; b++)
			assert_string_not_equal(tpm2_parse_status_string(a),
						tpm2_parse_status_string(b));
	}
	assert_non_null(tpm2_parse_status_string(99));
}

/* --- builders ----------------------------------------------------------------- */

static void expected_pcr_event(struct message *command, uint32_t pcr_index,
			       const uint8_t *data, uint16_t size)
{
	TPMS_AUTH_COMMAND auth = {
		.sessionHandle = TPM2_RS_PW,
		.sessionAttributes = TPMA_SESSION_CONTINUESESSION,
	};
	TPM2B_EVENT event = { .size = size };

	memcpy(event.buffer, data, size);
	message_start(command, TPM2_ST_SESSIONS, TPM2_CC_PCR_Event);
	MU(Tss2_MU_TPM2_HANDLE_Marshal(pcr_index, command->bytes, BUFFER_SIZE, &command->size));
	auth_area(command, &auth);
	MU(Tss2_MU_TPM2B_EVENT_Marshal(&event, command->bytes, BUFFER_SIZE, &command->size));
	message_finish(command);
}

static void test_build_pcr_event(void **state)
{
	static const size_t sizes[] = { 0, 1, 33, 200, TPM2_MAX_EVENT_DATA };
	static const uint32_t pcrs[] = { 0, 17, 23 };
	static uint8_t data[TPM2_MAX_EVENT_DATA + 1];
	uint8_t built[BUFFER_SIZE];
	struct message expected;

	(void)state;
	fill_bytes(data, sizeof(data), 3);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (size_t p = 0; p < sizeof(pcrs) / sizeof(pcrs[0]); p++) {
			expected_pcr_event(&expected, pcrs[p], data, sizes[s]);
			memset(built, 0xA5, sizeof(built));
			assert_int_equal(tpm2_build_pcr_event(built, expected.size, pcrs[p], data,
							      sizes[s]),
					 expected.size);
			assert_memory_equal(built, expected.bytes, expected.size);
			/* Nothing written past the command. */
			assert_int_equal(built[expected.size], 0xA5);
			assert_int_equal(tpm2_build_pcr_event(built, expected.size - 1, pcrs[p],
							      data, sizes[s]),
					 0);
		}
}

static void test_build_pcr_event_rejects(void **state)
{
	static uint8_t data[TPM2_MAX_EVENT_DATA + 1];
	uint8_t built[BUFFER_SIZE];

	(void)state;
	assert_int_equal(tpm2_build_pcr_event(built, sizeof(built), 0, data,
					      TPM2_MAX_EVENT_DATA + 1), 0);
	assert_int_equal(tpm2_build_pcr_event(built, sizeof(built), TPM2_PCR_COUNT, data, 4), 0);
	assert_int_equal(tpm2_build_pcr_event(built, sizeof(built), 0xFFFFFFFF, data, 4), 0);
	assert_int_equal(tpm2_build_pcr_event(built, sizeof(built), 0, NULL, 4), 0);
	assert_int_equal(tpm2_build_pcr_event(built, 0, 0, data, 4), 0);
	assert_int_not_equal(tpm2_build_pcr_event(built, sizeof(built), 0, NULL, 0), 0);
}

static void pcr_selection(TPMS_PCR_SELECTION *selection, uint16_t algorithm,
			  uint32_t pcr_index)
{
	memset(selection, 0, sizeof(*selection));
	selection->hash = algorithm;
	selection->sizeofSelect = 3;
	selection->pcrSelect[pcr_index / 8] = 1u << (pcr_index % 8);
}

static void test_build_pcr_read(void **state)
{
	uint8_t built[BUFFER_SIZE];
	struct message expected;

	(void)state;
	for (size_t a = 0; a < KNOWN_ALGORITHM_COUNT; a++)
		for (uint32_t pcr = 0; pcr < TPM2_PCR_COUNT; pcr++) {
			TPML_PCR_SELECTION selection = { .count = 1 };

			pcr_selection(&selection.pcrSelections[0], known_algorithms[a], pcr);
			message_start(&expected, TPM2_ST_NO_SESSIONS, TPM2_CC_PCR_Read);
			MU(Tss2_MU_TPML_PCR_SELECTION_Marshal(&selection, expected.bytes,
							      BUFFER_SIZE, &expected.size));
			message_finish(&expected);

			memset(built, 0xA5, sizeof(built));
			assert_int_equal(tpm2_build_pcr_read(built, expected.size,
							     known_algorithms[a], pcr),
					 expected.size);
			assert_memory_equal(built, expected.bytes, expected.size);
			assert_int_equal(built[expected.size], 0xA5);
			assert_int_equal(tpm2_build_pcr_read(built, expected.size - 1,
							     known_algorithms[a], pcr),
					 0);
		}
	assert_int_equal(tpm2_build_pcr_read(built, sizeof(built), TPM2_ALG_SHA256,
					     TPM2_PCR_COUNT), 0);
	assert_int_equal(tpm2_build_pcr_read(built, sizeof(built), TPM2_ALG_SHA3_256, 0), 0);
	assert_int_equal(tpm2_build_pcr_read(built, sizeof(built), TPM2_ALG_NULL, 0), 0);
}

static void test_build_get_capability(void **state)
{
	uint8_t built[BUFFER_SIZE];
	struct message expected;

	(void)state;
	message_start(&expected, TPM2_ST_NO_SESSIONS, TPM2_CC_GetCapability);
	MU(Tss2_MU_UINT32_Marshal(TPM2_CAP_PCRS, expected.bytes, BUFFER_SIZE, &expected.size));
	MU(Tss2_MU_UINT32_Marshal(0, expected.bytes, BUFFER_SIZE, &expected.size));
	MU(Tss2_MU_UINT32_Marshal(1, expected.bytes, BUFFER_SIZE, &expected.size));
	message_finish(&expected);

	memset(built, 0xA5, sizeof(built));
	assert_int_equal(tpm2_build_get_capability_pcrs(built, expected.size), expected.size);
	assert_memory_equal(built, expected.bytes, expected.size);
	assert_int_equal(built[expected.size], 0xA5);
	assert_int_equal(tpm2_build_get_capability_pcrs(built, expected.size - 1), 0);
	assert_int_equal(tpm2_build_get_capability_pcrs(built, 0), 0);
}

/* --- generic header --------------------------------------------------------- */

static void test_parse_header(void **state)
{
	struct message response;
	uint32_t response_code = 0xDEAD;

	(void)state;
	message_start(&response, TPM2_ST_NO_SESSIONS, TPM2_RC_SUCCESS);
	message_finish(&response);
	assert_int_equal(tpm2_parse_response_header(response.bytes, response.size,
						    &response_code),
			 TPM2_PARSE_OK);
	assert_int_equal(response_code, 0);

	assert_every_prefix_truncated(parse_header_only, &response);
	assert_size_checked(parse_header_only, &response);
	assert_tag_checked(parse_header_only, &response);
	assert_response_codes(parse_header_only);
	assert_parsers_survive_mutations(all_parsers, PARSER_COUNT, &response);
}

/* --- TPM2_PCR_Event ------------------------------------------------------------ */

static const TPMS_AUTH_RESPONSE password_auth = {
	.sessionAttributes = TPMA_SESSION_CONTINUESESSION,
};

static void pcr_event_response(struct message *response, const TPML_DIGEST_VALUES *digests,
			       const TPMS_AUTH_RESPONSE *auth)
{
	size_t parameter_size_offset, parameters_offset;

	message_start(response, TPM2_ST_SESSIONS, TPM2_RC_SUCCESS);
	parameter_size_offset = response->size;
	MU(Tss2_MU_UINT32_Marshal(0, response->bytes, BUFFER_SIZE, &response->size));
	parameters_offset = response->size;
	MU(Tss2_MU_TPML_DIGEST_VALUES_Marshal(digests, response->bytes, BUFFER_SIZE,
					      &response->size));
	put_u32_at(response, parameter_size_offset, response->size - parameters_offset);
	MU(Tss2_MU_TPMS_AUTH_RESPONSE_Marshal(auth, response->bytes, BUFFER_SIZE,
					      &response->size));
	message_finish(response);
}

static void all_banks(TPML_DIGEST_VALUES *digests)
{
	memset(digests, 0, sizeof(*digests));
	digests->count = KNOWN_ALGORITHM_COUNT;
	for (size_t i = 0; i < KNOWN_ALGORITHM_COUNT; i++) {
		digests->digests[i].hashAlg = known_algorithms[i];
		fill_bytes((uint8_t *)&digests->digests[i].digest,
			    tpm2_digest_size(known_algorithms[i]), 0x10 * (i + 1));
	}
}

static void test_pcr_event_accepts(void **state)
{
	TPML_DIGEST_VALUES sent;
	struct tpm2_digest_list digests;
	struct message response;
	uint32_t response_code = 0xDEAD;

	(void)state;
	all_banks(&sent);
	for (uint32_t count = 0; count <= sent.count; count++) {
		TPML_DIGEST_VALUES some = sent;

		some.count = count;
		pcr_event_response(&response, &some, &password_auth);
		memset(&digests, 0xAA, sizeof(digests));
		assert_int_equal(tpm2_parse_pcr_event_response(response.bytes, response.size,
							       &response_code, &digests),
				 TPM2_PARSE_OK);
		assert_int_equal(response_code, 0);
		assert_int_equal(digests.count, count);
		for (uint32_t i = 0; i < count; i++) {
			uint16_t size = tpm2_digest_size(sent.digests[i].hashAlg);

			assert_int_equal(digests.digest[i].algorithm, sent.digests[i].hashAlg);
			assert_int_equal(digests.digest[i].size, size);
			assert_memory_equal(digests.digest[i].bytes, &sent.digests[i].digest,
					    size);
		}
	}
}

static void test_pcr_event_rejects_framing(void **state)
{
	TPML_DIGEST_VALUES sent;
	struct message response, changed;
	struct tpm2_digest_list digests;
	uint32_t response_code;

	(void)state;
	all_banks(&sent);
	pcr_event_response(&response, &sent, &password_auth);

	assert_every_prefix_truncated(parse_event, &response);
	assert_size_checked(parse_event, &response);
	assert_tag_checked(parse_event, &response);
	assert_response_codes(parse_event);
	assert_only_parser_accepts(all_parsers, PARSER_COUNT, parse_event, &response);
	assert_parsers_survive_mutations(all_parsers, PARSER_COUNT, &response);

	/* parameterSize cutting into the digests, or taking in the auth area. */
	changed = response;
	put_u32_at(&changed, 10, get_u32_at(&response, 10) - 1);
	assert_parse(parse_event, &changed, TPM2_PARSE_TRUNCATED);
	changed = response;
	put_u32_at(&changed, 10, get_u32_at(&response, 10) + 1);
	assert_parse(parse_event, &changed, TPM2_PARSE_MALFORMED);
	put_u32_at(&changed, 10, 0xFFFFFFFF);
	assert_parse(parse_event, &changed, TPM2_PARSE_TRUNCATED);

	/* A failed parse leaves nothing half filled behind. */
	memset(&digests, 0xAA, sizeof(digests));
	assert_int_equal(tpm2_parse_pcr_event_response(changed.bytes, changed.size,
						       &response_code, &digests),
			 TPM2_PARSE_TRUNCATED);
	assert_int_equal(digests.count, 0);
	assert_int_equal(digests.digest[0].algorithm, 0);
}

static void test_pcr_event_rejects_digests(void **state)
{
	TPML_DIGEST_VALUES sent, changed;
	struct message response;

	(void)state;
	all_banks(&sent);

	/* More digests than banks: tss2 marshals up to 16. */
	changed = sent;
	changed.count = TPM2_MAX_BANKS + 1;
	for (uint32_t i = 0; i < changed.count; i++)
		changed.digests[i] = sent.digests[i % sent.count];
	pcr_event_response(&response, &changed, &password_auth);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);

	/* A count over the bound is refused before it is believed. */
	changed = sent;
	changed.count = 0;
	pcr_event_response(&response, &changed, &password_auth);
	put_u32_at(&response, 10 + 4, TPM2_MAX_BANKS + 1);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);

	/* An unknown algorithm followed by no digest at all must not pass for
	 * an empty digest. */
	changed = sent;
	changed.count = 1;
	changed.digests[0].hashAlg = TPM2_ALG_SHA1;
	pcr_event_response(&response, &changed, &password_auth);
	memmove(response.bytes + 10 + 4 + 4 + 2, response.bytes + 10 + 4 + 4 + 2 + 20, 5);
	response.size -= 20;
	put_u32_at(&response, 10, 4 + 2);
	put_u16_at(&response, 10 + 4 + 4, TPM2_ALG_SHA3_256);
	message_finish(&response);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);
	put_u16_at(&response, 10 + 4 + 4, TPM2_ALG_SHA1);
	assert_parse(parse_event, &response, TPM2_PARSE_TRUNCATED);

	/* The digest size comes from the algorithm: an unknown one cannot be
	 * skipped. tss2 will not marshal one, so a SHA-256 entry is relabelled. */
	pcr_event_response(&response, &sent, &password_auth);
	put_u16_at(&response, 10 + 4 + 4 + 2 + 20, TPM2_ALG_SHA3_256);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);
	put_u16_at(&response, 10 + 4 + 4 + 2 + 20, TPM2_ALG_NULL);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);

	/* A digest of the wrong size for its algorithm: the parameters then do
	 * not end where parameterSize says. */
	changed = sent;
	changed.count = 1;
	pcr_event_response(&response, &changed, &password_auth);
	put_u16_at(&response, 10 + 4 + 4, TPM2_ALG_SHA256);   /* 20 bytes follow */
	assert_parse(parse_event, &response, TPM2_PARSE_TRUNCATED);
	changed.digests[0] = sent.digests[1];
	pcr_event_response(&response, &changed, &password_auth);
	put_u16_at(&response, 10 + 4 + 4, TPM2_ALG_SHA1);     /* 32 bytes follow */
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);

	/* Two digests for one bank. */
	changed = sent;
	changed.digests[2] = changed.digests[0];
	pcr_event_response(&response, &changed, &password_auth);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);
}

static void test_pcr_event_rejects_auth(void **state)
{
	TPML_DIGEST_VALUES sent;
	TPMS_AUTH_RESPONSE auth;
	struct message response;
	size_t offset;

	(void)state;
	all_banks(&sent);

	auth = password_auth;
	auth.nonce.size = 16;
	pcr_event_response(&response, &sent, &auth);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);

	auth = password_auth;
	auth.hmac.size = 32;
	pcr_event_response(&response, &sent, &auth);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);

	auth = password_auth;
	auth.sessionAttributes = 0;
	pcr_event_response(&response, &sent, &auth);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);
	auth.sessionAttributes = TPMA_SESSION_CONTINUESESSION | TPMA_SESSION_AUDIT;
	pcr_event_response(&response, &sent, &auth);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);

	/* Two sessions answered for our one. */
	pcr_event_response(&response, &sent, &password_auth);
	offset = response.size;
	MU(Tss2_MU_TPMS_AUTH_RESPONSE_Marshal(&password_auth, response.bytes, BUFFER_SIZE,
					      &offset));
	response.size = offset;
	message_finish(&response);
	assert_parse(parse_event, &response, TPM2_PARSE_MALFORMED);

	/* No auth area at all. */
	pcr_event_response(&response, &sent, &password_auth);
	response.size -= 5;
	message_finish(&response);
	assert_parse(parse_event, &response, TPM2_PARSE_TRUNCATED);
}

/* --- TPM2_PCR_Read --------------------------------------------------------- */

static void pcr_read_response(struct message *response, const TPML_PCR_SELECTION *selection,
			      const TPML_DIGEST *values)
{
	message_start(response, TPM2_ST_NO_SESSIONS, TPM2_RC_SUCCESS);
	MU(Tss2_MU_UINT32_Marshal(0x1234, response->bytes, BUFFER_SIZE, &response->size));
	MU(Tss2_MU_TPML_PCR_SELECTION_Marshal(selection, response->bytes, BUFFER_SIZE,
					      &response->size));
	MU(Tss2_MU_TPML_DIGEST_Marshal(values, response->bytes, BUFFER_SIZE, &response->size));
	message_finish(response);
}

static void one_pcr(TPML_PCR_SELECTION *selection, TPML_DIGEST *values, uint16_t algorithm,
		    uint32_t pcr_index)
{
	memset(selection, 0, sizeof(*selection));
	memset(values, 0, sizeof(*values));
	selection->count = 1;
	pcr_selection(&selection->pcrSelections[0], algorithm, pcr_index);
	values->count = 1;
	values->digests[0].size = tpm2_digest_size(algorithm);
	fill_bytes(values->digests[0].buffer, values->digests[0].size, pcr_index);
}

static void test_pcr_read_accepts(void **state)
{
	TPML_PCR_SELECTION selection;
	TPML_DIGEST values;
	struct message response;
	struct tpm2_digest value;
	uint32_t response_code = 0xDEAD;

	(void)state;
	for (size_t a = 0; a < KNOWN_ALGORITHM_COUNT; a++)
		for (uint32_t pcr = 0; pcr < TPM2_PCR_COUNT; pcr++) {
			one_pcr(&selection, &values, known_algorithms[a], pcr);
			pcr_read_response(&response, &selection, &values);
			memset(&value, 0xAA, sizeof(value));
			assert_int_equal(tpm2_parse_pcr_read_response(response.bytes,
								      response.size,
								      &response_code,
								      known_algorithms[a], pcr,
								      &value),
					 TPM2_PARSE_OK);
			assert_int_equal(response_code, 0);
			assert_int_equal(value.algorithm, known_algorithms[a]);
			assert_int_equal(value.size, values.digests[0].size);
			assert_memory_equal(value.bytes, values.digests[0].buffer, value.size);
		}
}

static void test_pcr_read_rejects_framing(void **state)
{
	TPML_PCR_SELECTION selection;
	TPML_DIGEST values;
	struct message response;

	(void)state;
	one_pcr(&selection, &values, TPM2_ALG_SHA256, READ_PCR);
	pcr_read_response(&response, &selection, &values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_OK);

	assert_every_prefix_truncated(parse_read_sha256, &response);
	assert_size_checked(parse_read_sha256, &response);
	assert_tag_checked(parse_read_sha256, &response);
	assert_response_codes(parse_read_sha256);
	assert_only_parser_accepts(all_parsers, PARSER_COUNT, parse_read_sha256, &response);
	assert_parsers_survive_mutations(all_parsers, PARSER_COUNT, &response);
}

static void test_pcr_read_rejects_selection(void **state)
{
	TPML_PCR_SELECTION selection, changed;
	TPML_DIGEST values, no_values = { .count = 0 };
	struct message response;
	struct tpm2_digest value;
	uint32_t response_code;

	(void)state;
	one_pcr(&selection, &values, TPM2_ALG_SHA256, READ_PCR);

	/* Another bank, another PCR, an extra PCR, none. */
	changed = selection;
	changed.pcrSelections[0].hash = TPM2_ALG_SM3_256;
	pcr_read_response(&response, &changed, &values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_UNEXPECTED);
	changed = selection;
	changed.pcrSelections[0].pcrSelect[2] = 1u << ((READ_PCR + 1) % 8);
	pcr_read_response(&response, &changed, &values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_UNEXPECTED);
	changed = selection;
	changed.pcrSelections[0].pcrSelect[0] = 1;
	pcr_read_response(&response, &changed, &values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_UNEXPECTED);
	/* What a TPM answers for a bank it does not have. */
	changed = selection;
	memset(changed.pcrSelections[0].pcrSelect, 0, sizeof(changed.pcrSelections[0].pcrSelect));
	pcr_read_response(&response, &changed, &no_values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_UNEXPECTED);
	changed.count = 0;
	pcr_read_response(&response, &changed, &no_values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_UNEXPECTED);

	/* The same bit in a selection of another size. */
	changed = selection;
	changed.pcrSelections[0].sizeofSelect = 4;
	pcr_read_response(&response, &changed, &values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_UNEXPECTED);

	/* A second bank alongside the one requested. */
	changed = selection;
	changed.count = 2;
	pcr_selection(&changed.pcrSelections[1], TPM2_ALG_SHA1, READ_PCR);
	pcr_read_response(&response, &changed, &values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_UNEXPECTED);
	changed.pcrSelections[1].hash = TPM2_ALG_SHA256;
	pcr_read_response(&response, &changed, &values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_MALFORMED);

	/* More selections than banks, and a selection wider than 32 PCRs: tss2
	 * refuses to marshal the latter, so the size byte is patched. */
	changed = selection;
	changed.count = TPM2_MAX_BANKS + 1;
	for (uint32_t i = 0; i < changed.count; i++)
		pcr_selection(&changed.pcrSelections[i], 0x100 + i, READ_PCR);
	pcr_read_response(&response, &changed, &values);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_MALFORMED);
	pcr_read_response(&response, &selection, &values);
	response.bytes[10 + 4 + 4 + 2] = 5;
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_MALFORMED);

	/* An empty digest for a bank unknown here: the builder would not have
	 * asked, and its digest size cannot be checked. */
	changed = selection;
	changed.pcrSelections[0].hash = TPM2_ALG_SHA3_256;
	no_values.count = 1;
	pcr_read_response(&response, &changed, &no_values);
	assert_int_equal(tpm2_parse_pcr_read_response(response.bytes, response.size,
						      &response_code, TPM2_ALG_SHA3_256,
						      READ_PCR, &value),
			 TPM2_PARSE_UNEXPECTED);

	/* The right answer, to a question the builder would not have asked. */
	pcr_read_response(&response, &selection, &values);
	assert_int_equal(tpm2_parse_pcr_read_response(response.bytes, response.size,
						      &response_code, TPM2_ALG_SHA256,
						      READ_PCR + TPM2_PCR_COUNT, &value),
			 TPM2_PARSE_UNEXPECTED);
	assert_int_equal(tpm2_parse_pcr_read_response(response.bytes, response.size,
						      &response_code, TPM2_ALG_SHA256,
						      READ_PCR - 1, &value),
			 TPM2_PARSE_UNEXPECTED);
	assert_int_equal(tpm2_parse_pcr_read_response(response.bytes, response.size,
						      &response_code, TPM2_ALG_SHA384,
						      READ_PCR, &value),
			 TPM2_PARSE_UNEXPECTED);
}

static void test_pcr_read_rejects_digests(void **state)
{
	TPML_PCR_SELECTION selection;
	TPML_DIGEST values, changed;
	struct message response;
	struct tpm2_digest value;
	uint32_t response_code;
	size_t offset;

	(void)state;
	one_pcr(&selection, &values, TPM2_ALG_SHA256, READ_PCR);

	changed = values;
	changed.count = 0;
	pcr_read_response(&response, &selection, &changed);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_UNEXPECTED);
	changed.count = 2;
	changed.digests[1] = values.digests[0];
	pcr_read_response(&response, &selection, &changed);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_UNEXPECTED);

	/* Nine digests: tss2 stops at eight, so the ninth is appended by hand. */
	changed.count = TPM2_MAX_BANKS;
	for (uint32_t i = 0; i < changed.count; i++)
		changed.digests[i] = values.digests[0];
	pcr_read_response(&response, &selection, &changed);
	offset = response.size;
	MU(Tss2_MU_TPM2B_DIGEST_Marshal(&values.digests[0], response.bytes, BUFFER_SIZE,
					&offset));
	response.size = offset;
	put_u32_at(&response, 10 + 4 + 4 + 2 + 1 + 3, TPM2_MAX_BANKS + 1);
	message_finish(&response);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_MALFORMED);

	/* Digest sizes that do not fit SHA-256. */
	changed = values;
	changed.digests[0].size = TPM2_SHA1_DIGEST_SIZE;
	pcr_read_response(&response, &selection, &changed);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_MALFORMED);
	changed.digests[0].size = TPM2_SHA512_DIGEST_SIZE;
	pcr_read_response(&response, &selection, &changed);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_MALFORMED);
	changed.digests[0].size = 0;
	pcr_read_response(&response, &selection, &changed);
	assert_parse(parse_read_sha256, &response, TPM2_PARSE_MALFORMED);

	/* Larger than any digest: tss2 refuses, so the size is patched and the
	 * bytes appended. */
	pcr_read_response(&response, &selection, &values);
	put_u16_at(&response, response.size - 32 - 2, TPM2_MAX_DIGEST_SIZE + 1);
	memset(response.bytes + response.size, 0, TPM2_MAX_DIGEST_SIZE + 1 - 32);
	response.size += TPM2_MAX_DIGEST_SIZE + 1 - 32;
	message_finish(&response);
	memset(&value, 0xAA, sizeof(value));
	assert_int_equal(tpm2_parse_pcr_read_response(response.bytes, response.size,
						      &response_code, TPM2_ALG_SHA256,
						      READ_PCR, &value),
			 TPM2_PARSE_MALFORMED);
	assert_int_equal(value.size, 0);
}

/* --- TPM2_GetCapability(TPM_CAP_PCRS) ------------------------------------------- */

static void capability_response(struct message *response, uint8_t more_data,
				const TPMS_CAPABILITY_DATA *data)
{
	message_start(response, TPM2_ST_NO_SESSIONS, TPM2_RC_SUCCESS);
	MU(Tss2_MU_BYTE_Marshal(more_data, response->bytes, BUFFER_SIZE, &response->size));
	MU(Tss2_MU_TPMS_CAPABILITY_DATA_Marshal(data, response->bytes, BUFFER_SIZE,
						&response->size));
	message_finish(response);
}

/* What swtpm reports with SHA-256 and SHA-384 allocated: every bank it
 * implements, the unallocated ones with no PCR selected. */
static void typical_allocation(TPMS_CAPABILITY_DATA *data)
{
	TPML_PCR_SELECTION *banks = &data->data.assignedPCR;

	memset(data, 0, sizeof(*data));
	data->capability = TPM2_CAP_PCRS;
	banks->count = 4;
	banks->pcrSelections[0] = (TPMS_PCR_SELECTION){ TPM2_ALG_SHA1, 3, { 0 } };
	banks->pcrSelections[1] = (TPMS_PCR_SELECTION){ TPM2_ALG_SHA256, 3, { 0xFF, 0xFF, 0xFF } };
	banks->pcrSelections[2] = (TPMS_PCR_SELECTION){ TPM2_ALG_SHA384, 3, { 0, 0, 0x80 } };
	banks->pcrSelections[3] = (TPMS_PCR_SELECTION){ TPM2_ALG_SHA512, 0, { 0 } };
}

static void test_get_capability_accepts(void **state)
{
	TPMS_CAPABILITY_DATA data;
	struct message response;
	struct tpm2_bank_list active;
	uint32_t response_code = 0xDEAD;

	(void)state;
	typical_allocation(&data);
	capability_response(&response, TPM2_NO, &data);
	memset(&active, 0xAA, sizeof(active));
	assert_int_equal(tpm2_parse_get_capability_pcrs_response(response.bytes, response.size,
								 &response_code, &active),
			 TPM2_PARSE_OK);
	assert_int_equal(response_code, 0);
	assert_int_equal(active.count, 2);
	assert_int_equal(active.algorithm[0], TPM2_ALG_SHA256);
	assert_int_equal(active.algorithm[1], TPM2_ALG_SHA384);

	/* As many banks as there is room for, including ones unknown here: what
	 * to do with those is the caller's decision. */
	data.data.assignedPCR.count = TPM2_MAX_BANKS;
	for (uint32_t i = 0; i < TPM2_MAX_BANKS; i++)
		data.data.assignedPCR.pcrSelections[i] =
			(TPMS_PCR_SELECTION){ 0x100 + i, 3, { 0, 1, 0 } };
	capability_response(&response, TPM2_NO, &data);
	assert_int_equal(tpm2_parse_get_capability_pcrs_response(response.bytes, response.size,
								 &response_code, &active),
			 TPM2_PARSE_OK);
	assert_int_equal(active.count, TPM2_MAX_BANKS);
	for (uint32_t i = 0; i < TPM2_MAX_BANKS; i++)
		assert_int_equal(active.algorithm[i], 0x100 + i);

	/* No bank at all is well formed; the caller judges it. */
	data.data.assignedPCR.count = 0;
	capability_response(&response, TPM2_NO, &data);
	assert_int_equal(tpm2_parse_get_capability_pcrs_response(response.bytes, response.size,
								 &response_code, &active),
			 TPM2_PARSE_OK);
	assert_int_equal(active.count, 0);
}

static void test_get_capability_rejects(void **state)
{
	TPMS_CAPABILITY_DATA data, changed;
	struct message response;
	struct tpm2_bank_list active;
	uint32_t response_code;

	(void)state;
	typical_allocation(&data);
	capability_response(&response, TPM2_NO, &data);
	assert_every_prefix_truncated(parse_capability, &response);
	assert_size_checked(parse_capability, &response);
	assert_tag_checked(parse_capability, &response);
	assert_response_codes(parse_capability);
	assert_only_parser_accepts(all_parsers, PARSER_COUNT, parse_capability, &response);
	assert_parsers_survive_mutations(all_parsers, PARSER_COUNT, &response);

	capability_response(&response, TPM2_YES, &data);
	memset(&active, 0xAA, sizeof(active));
	assert_int_equal(tpm2_parse_get_capability_pcrs_response(response.bytes, response.size,
								 &response_code, &active),
			 TPM2_PARSE_UNEXPECTED);
	assert_int_equal(active.count, 0);
	capability_response(&response, 2, &data);
	assert_parse(parse_capability, &response, TPM2_PARSE_MALFORMED);

	memset(&changed, 0, sizeof(changed));
	changed.capability = TPM2_CAP_ALGS;
	changed.data.algorithms.count = 1;
	changed.data.algorithms.algProperties[0].alg = TPM2_ALG_SHA256;
	changed.data.algorithms.algProperties[0].algProperties = TPMA_ALGORITHM_HASH;
	capability_response(&response, TPM2_NO, &changed);
	assert_parse(parse_capability, &response, TPM2_PARSE_UNEXPECTED);

	changed = data;
	changed.data.assignedPCR.count = TPM2_MAX_BANKS + 1;
	for (uint32_t i = 0; i < TPM2_MAX_BANKS + 1; i++)
		changed.data.assignedPCR.pcrSelections[i] =
			(TPMS_PCR_SELECTION){ 0x100 + i, 3, { 1, 0, 0 } };
	capability_response(&response, TPM2_NO, &changed);
	assert_parse(parse_capability, &response, TPM2_PARSE_MALFORMED);

	changed = data;
	changed.data.assignedPCR.pcrSelections[2].hash = TPM2_ALG_SHA256;
	capability_response(&response, TPM2_NO, &changed);
	assert_parse(parse_capability, &response, TPM2_PARSE_MALFORMED);

	/* sizeofSelect past 32 PCRs, which tss2 will not marshal. */
	capability_response(&response, TPM2_NO, &data);
	response.bytes[10 + 1 + 4 + 4 + 2] = 5;
	assert_parse(parse_capability, &response, TPM2_PARSE_MALFORMED);
}

/* --- GetRandom ---------------------------------------------------------------- */

static void test_build_get_random(void **state)
{
	uint8_t built[BUFFER_SIZE];
	struct message expected;

	(void)state;
	message_start(&expected, TPM2_ST_NO_SESSIONS, TPM2_CC_GetRandom);
	MU(Tss2_MU_UINT16_Marshal(32, expected.bytes, BUFFER_SIZE, &expected.size));
	message_finish(&expected);

	memset(built, 0xA5, sizeof(built));
	assert_int_equal(tpm2_build_get_random(built, sizeof(built), 32), expected.size);
	assert_memory_equal(built, expected.bytes, expected.size);
	assert_int_equal(built[expected.size], 0xA5);
	assert_int_equal(tpm2_build_get_random(built, expected.size - 1, 32), 0);
	assert_int_equal(tpm2_build_get_random(built, sizeof(built), 0), 0);
	assert_int_equal(tpm2_build_get_random(built, sizeof(built), TPM2_MAX_RANDOM + 1), 0);
}

static void random_response(struct message *response, uint16_t size, uint8_t seed)
{
	TPM2B_DIGEST random = { .size = size };

	fill_bytes(random.buffer, size, seed);
	message_start(response, TPM2_ST_NO_SESSIONS, TPM2_RC_SUCCESS);
	MU(Tss2_MU_TPM2B_DIGEST_Marshal(&random, response->bytes, BUFFER_SIZE, &response->size));
	message_finish(response);
}

static enum tpm2_parse_status parse_random32(const uint8_t *bytes, size_t length)
{
	uint8_t random[32];
	uint16_t received;
	uint32_t code;

	return tpm2_parse_get_random_response(bytes, length, &code, 32, random, &received);
}

static void test_get_random_accepts(void **state)
{
	struct message response;
	uint8_t random[32], expected[32];
	uint16_t received;
	uint32_t code;

	(void)state;
	for (uint16_t size = 1; size <= 32; size++) {
		random_response(&response, size, 7);
		memset(random, 0, sizeof(random));
		assert_int_equal(tpm2_parse_get_random_response(response.bytes, response.size, &code,
								32, random, &received),
				 TPM2_PARSE_OK);
		assert_int_equal(received, size);
		fill_bytes(expected, size, 7);
		assert_memory_equal(random, expected, size);
	}
	random_response(&response, 32, 9);
	assert_every_prefix_truncated(parse_random32, &response);
	assert_size_checked(parse_random32, &response);
	assert_tag_checked(parse_random32, &response);
}

static void test_get_random_rejects(void **state)
{
	struct message response;
	uint8_t random[16];
	uint16_t received;
	uint32_t code;

	(void)state;
	/* More than asked for. */
	random_response(&response, 32, 1);
	assert_int_equal(tpm2_parse_get_random_response(response.bytes, response.size, &code, 16,
							random, &received),
			 TPM2_PARSE_MALFORMED);
	for (size_t i = 0; i < sizeof(random); i++)
		assert_int_equal(random[i], 0);
	/* Nothing at all. */
	random_response(&response, 0, 1);
	assert_int_equal(parse_random32(response.bytes, response.size), TPM2_PARSE_UNEXPECTED);
	/* Trailing bytes. */
	random_response(&response, 32, 1);
	response.bytes[response.size++] = 0;
	message_finish(&response);
	assert_int_equal(parse_random32(response.bytes, response.size), TPM2_PARSE_MALFORMED);
	assert_response_codes(parse_random32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_sizes),
		cmocka_unit_test(test_status_strings),
		cmocka_unit_test(test_build_pcr_event),
		cmocka_unit_test(test_build_pcr_event_rejects),
		cmocka_unit_test(test_build_pcr_read),
		cmocka_unit_test(test_build_get_capability),
		cmocka_unit_test(test_build_get_random),
		cmocka_unit_test(test_get_random_accepts),
		cmocka_unit_test(test_get_random_rejects),
		cmocka_unit_test(test_parse_header),
		cmocka_unit_test(test_pcr_event_accepts),
		cmocka_unit_test(test_pcr_event_rejects_framing),
		cmocka_unit_test(test_pcr_event_rejects_digests),
		cmocka_unit_test(test_pcr_event_rejects_auth),
		cmocka_unit_test(test_pcr_read_accepts),
		cmocka_unit_test(test_pcr_read_rejects_framing),
		cmocka_unit_test(test_pcr_read_rejects_selection),
		cmocka_unit_test(test_pcr_read_rejects_digests),
		cmocka_unit_test(test_get_capability_accepts),
		cmocka_unit_test(test_get_capability_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
