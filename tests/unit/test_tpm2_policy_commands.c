/* Unit tests for the root secret's hand-written TPM 2.0 commands: every command
 * is compared byte for byte with the same command marshalled by libtss2-mu, every
 * parser is fed responses marshalled by libtss2-mu, responses recorded from
 * swtpm 0.7.1, then broken ones; the trial policy digests are checked against an
 * independent computation and against digests swtpm's own trial sessions made. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* First: it settles the names tss2 and sbx both define. */
#include "tpm2_test_messages.h"

#include "sha256.h"
#include "tpm/tpm2_policy_commands.h"

#define KEY_HANDLE     0x80000000u
#define SESSION_HANDLE 0x03000000u
#define PCR_17_18      ((1u << 17) | (1u << 18))

static const char label[] = "sbx root secret v1";

static void from_hex(struct message *message, const char *hex)
{
	message->size = strlen(hex) / 2;
	assert_true(message->size <= BUFFER_SIZE);
	for (size_t i = 0; i < message->size; i++) {
		char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };

		message->bytes[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
}

static void insert_byte(struct message *message, size_t offset, uint8_t value)
{
	memmove(message->bytes + offset + 1, message->bytes + offset, message->size - offset);
	message->bytes[offset] = value;
	message->size++;
}

/* A builder run against the expected bytes: exactly those bytes, nothing written
 * past them, and a refusal when one byte short. BUILD is an expression using
 * `buffer` and `capacity`. */
#define ASSERT_BUILDS(expected, BUILD)                                          \
	do {                                                                    \
		uint8_t buffer[BUFFER_SIZE];                                    \
		size_t capacity = (expected)->size;                             \
                                                                                \
		memset(buffer, 0xA5, sizeof(buffer));                           \
		assert_int_equal((BUILD), (expected)->size);                    \
		assert_memory_equal(buffer, (expected)->bytes, (expected)->size); \
		assert_int_equal(buffer[(expected)->size], 0xA5);               \
		capacity = (expected)->size - 1;                                \
		assert_int_equal((BUILD), 0);                                   \
	} while (0)

/* --- responses recorded from swtpm 0.7.1 --------------------------------------
 * A fresh TPM at locality 2 with PCR 17 and 18 at their reset value (all 0xFF):
 * TPM2_CreatePrimary of the key with swtpm_policy, TPM2_StartAuthSession with a
 * 16-byte nonce, and the TPM2_HMAC of the label. */

static const uint8_t swtpm_policy[TPM2_POLICY_DIGEST_SIZE] = {
	0x14, 0x94, 0xaf, 0x44, 0x9e, 0x20, 0x09, 0x62, 0x07, 0x3f, 0x9f, 0x6b, 0xef, 0x65,
	0x0f, 0x35, 0x93, 0x2c, 0x11, 0x0a, 0xa4, 0xa9, 0x89, 0xf7, 0xaa, 0x08, 0xbf, 0xcb,
	0xe0, 0x8b, 0x83, 0x53,
};

static const char swtpm_create_primary[] =
	"80020000013000000000800000000000011900500008000b000400b200201494af449e2009"
	"62073f9f6bef650f35932c110aa4a989f7aa08bfcbe08b83530005000b00209df15b1cebb9"
	"d4b194a474617ad92d2153364b6aa7f455ce2d0d1e045fd44b430037000000000020e3b0c4"
	"4298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550400100004400000"
	"010004400000010000002095b679381626a8a0a24f71e9badef15beb7991bd95c6965c8775"
	"479461d178968021400000010040cbaf6e03d3ca678efe8e82e81babb1a3b85837e2bee00b"
	"dbe144c23ca7c37e387a068a3e4f2b09f3d0a5d0030ca691c6c1b2cc5b43c90c0531bb0acf"
	"3b6d7daf0022000b23fbd7a6f005b82b23f76d3463247ce20f5c65dc993730c357a815f282"
	"01c2730000010000";
static const char swtpm_start_auth_session[] =
	"8001000000200000000003000000001010c1d57769ef2e33f6c37a122489bea6";
static const char swtpm_hmac[] =
	"8002000000450000000000000022002016d6e22766277898a2892333e146847c52efb8c8ad"
	"2b7e140d8a4c69406a68b50010dee167fbd0fb14f0db5f00a032306fdd000000";
static const uint8_t swtpm_hmac_value[TPM2_HMAC_SIZE] = {
	0x16, 0xd6, 0xe2, 0x27, 0x66, 0x27, 0x78, 0x98, 0xa2, 0x89, 0x23, 0x33, 0xe1, 0x46,
	0x84, 0x7c, 0x52, 0xef, 0xb8, 0xc8, 0xad, 0x2b, 0x7e, 0x14, 0x0d, 0x8a, 0x4c, 0x69,
	0x40, 0x6a, 0x68, 0xb5,
};

/* --- parsers behind one signature, so the rejection loops can share code ----- */

static enum tpm2_parse_status parse_primary(const uint8_t *response, size_t length)
{
	uint32_t response_code, key;

	return tpm2_parse_create_primary_hmac_key_response(response, length, &response_code,
							   swtpm_policy, &key);
}

static enum tpm2_parse_status parse_session(const uint8_t *response, size_t length)
{
	uint32_t response_code, session;

	return tpm2_parse_start_auth_session_response(response, length, &response_code,
						      &session);
}

static enum tpm2_parse_status parse_hmac(const uint8_t *response, size_t length)
{
	uint8_t hmac[TPM2_HMAC_SIZE];
	uint32_t response_code;

	return tpm2_parse_hmac_response(response, length, &response_code, hmac);
}

/* What PolicyLocality, PolicyPCR and FlushContext answers are read with. */
static enum tpm2_parse_status parse_header_only(const uint8_t *response, size_t length)
{
	uint32_t response_code;

	return tpm2_parse_response_header(response, length, &response_code);
}

static const parse_function all_parsers[] = {
	parse_primary, parse_session, parse_hmac, parse_header_only,
};
#define PARSER_COUNT (sizeof(all_parsers) / sizeof(all_parsers[0]))

/* A failed command is a bare header tagged TPM_ST_NO_SESSIONS; with a body, or
 * claiming sessions, it is not one. */
static void assert_response_codes(parse_function parse)
{
	struct message response;

	message_start(&response, TPM2_ST_NO_SESSIONS, TPM2_RC_LOCALITY);
	message_finish(&response);
	assert_parse(parse, &response, TPM2_PARSE_RESPONSE_CODE);
	response.bytes[response.size++] = 0;
	message_finish(&response);
	assert_parse(parse, &response, TPM2_PARSE_MALFORMED);
	message_start(&response, TPM2_ST_SESSIONS, TPM2_RC_LOCALITY);
	message_finish(&response);
	assert_parse(parse, &response, TPM2_PARSE_MALFORMED);
}

static void assert_framing_checked(parse_function parse, const struct message *message)
{
	assert_parse(parse, message, TPM2_PARSE_OK);
	assert_every_prefix_truncated(parse, message);
	assert_size_checked(parse, message);
	assert_tag_checked(parse, message);
	assert_response_codes(parse);
	assert_only_parser_accepts(all_parsers, PARSER_COUNT, parse, message);
	assert_parsers_survive_mutations(all_parsers, PARSER_COUNT, message);
}

/* --- TPM2_CreatePrimary ------------------------------------------------------- */

static void hmac_key_template(TPMT_PUBLIC *public, const uint8_t *policy)
{
	memset(public, 0, sizeof(*public));
	public->type = TPM2_ALG_KEYEDHASH;
	public->nameAlg = TPM2_ALG_SHA256;
	public->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
				   TPMA_OBJECT_SENSITIVEDATAORIGIN |
				   TPMA_OBJECT_ADMINWITHPOLICY | TPMA_OBJECT_SIGN_ENCRYPT;
	public->authPolicy.size = TPM2_POLICY_DIGEST_SIZE;
	memcpy(public->authPolicy.buffer, policy, TPM2_POLICY_DIGEST_SIZE);
	public->parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_HMAC;
	public->parameters.keyedHashDetail.scheme.details.hmac.hashAlg = TPM2_ALG_SHA256;
}

static void expected_create_primary(struct message *command, const uint8_t *policy)
{
	TPMS_AUTH_COMMAND auth = {
		.sessionHandle = TPM2_RS_PW,
		.sessionAttributes = TPMA_SESSION_CONTINUESESSION,
	};
	TPM2B_SENSITIVE_CREATE sensitive = { 0 };
	TPM2B_PUBLIC public = { 0 };
	TPM2B_DATA outside_info = { 0 };
	TPML_PCR_SELECTION creation_pcrs = { 0 };

	hmac_key_template(&public.publicArea, policy);
	message_start(command, TPM2_ST_SESSIONS, TPM2_CC_CreatePrimary);
	MU(Tss2_MU_TPM2_HANDLE_Marshal(TPM2_RH_OWNER, command->bytes, BUFFER_SIZE,
				       &command->size));
	auth_area(command, &auth);
	MU(Tss2_MU_TPM2B_SENSITIVE_CREATE_Marshal(&sensitive, command->bytes, BUFFER_SIZE,
						  &command->size));
	MU(Tss2_MU_TPM2B_PUBLIC_Marshal(&public, command->bytes, BUFFER_SIZE, &command->size));
	MU(Tss2_MU_TPM2B_DATA_Marshal(&outside_info, command->bytes, BUFFER_SIZE,
				      &command->size));
	MU(Tss2_MU_TPML_PCR_SELECTION_Marshal(&creation_pcrs, command->bytes, BUFFER_SIZE,
					      &command->size));
	message_finish(command);
}

static void test_build_create_primary(void **state)
{
	uint8_t policy[TPM2_POLICY_DIGEST_SIZE], buffer[BUFFER_SIZE];
	struct message expected;

	(void)state;
	for (uint8_t seed = 0; seed < 4; seed++) {
		fill_bytes(policy, sizeof(policy), seed * 0x40);
		expected_create_primary(&expected, policy);
		ASSERT_BUILDS(&expected, tpm2_build_create_primary_hmac_key(buffer, capacity,
									    policy));
	}
	assert_int_equal(tpm2_build_create_primary_hmac_key(buffer, sizeof(buffer), NULL), 0);
}

/* The parts of a CreatePrimary answer a test may want to break. */
struct primary_response {
	uint32_t handle;
	TPMT_PUBLIC public;
	bool empty_creation_data;
	TPM2B_DIGEST creation_hash;
	TPMT_TK_CREATION ticket;
	TPM2B_NAME name;
	TPMS_AUTH_RESPONSE auth;
};

static void good_primary(struct primary_response *parts)
{
	memset(parts, 0, sizeof(*parts));
	parts->handle = KEY_HANDLE;
	hmac_key_template(&parts->public, swtpm_policy);
	parts->public.unique.keyedHash.size = 32;
	fill_bytes(parts->public.unique.keyedHash.buffer, 32, 0x11);
	parts->creation_hash.size = 32;
	fill_bytes(parts->creation_hash.buffer, 32, 0x22);
	parts->ticket.tag = TPM2_ST_CREATION;
	parts->ticket.hierarchy = TPM2_RH_OWNER;
	parts->ticket.digest.size = 64;
	fill_bytes(parts->ticket.digest.buffer, 64, 0x33);
	parts->name.size = 34;
	parts->name.name[1] = TPM2_ALG_SHA256;
	fill_bytes(parts->name.name + 2, 32, 0x44);
	parts->auth.sessionAttributes = TPMA_SESSION_CONTINUESESSION;
}

static void primary_response(struct message *response, const struct primary_response *parts)
{
	TPM2B_PUBLIC public = { .publicArea = parts->public };
	TPM2B_CREATION_DATA creation_data = { 0 };
	TPMS_CREATION_DATA *data = &creation_data.creationData;
	size_t parameter_size_offset, parameters_offset;

	data->pcrDigest.size = 32;
	data->locality = TPMA_LOCALITY_TPM2_LOC_TWO;
	data->parentNameAlg = TPM2_ALG_NULL;
	data->parentName.size = 4;
	data->parentQualifiedName.size = 4;

	message_start(response, TPM2_ST_SESSIONS, TPM2_RC_SUCCESS);
	MU(Tss2_MU_TPM2_HANDLE_Marshal(parts->handle, response->bytes, BUFFER_SIZE,
				       &response->size));
	parameter_size_offset = response->size;
	MU(Tss2_MU_UINT32_Marshal(0, response->bytes, BUFFER_SIZE, &response->size));
	parameters_offset = response->size;
	MU(Tss2_MU_TPM2B_PUBLIC_Marshal(&public, response->bytes, BUFFER_SIZE, &response->size));
	if (parts->empty_creation_data)
		MU(Tss2_MU_UINT16_Marshal(0, response->bytes, BUFFER_SIZE, &response->size));
	else
		MU(Tss2_MU_TPM2B_CREATION_DATA_Marshal(&creation_data, response->bytes,
						       BUFFER_SIZE, &response->size));
	MU(Tss2_MU_TPM2B_DIGEST_Marshal(&parts->creation_hash, response->bytes, BUFFER_SIZE,
					&response->size));
	MU(Tss2_MU_TPMT_TK_CREATION_Marshal(&parts->ticket, response->bytes, BUFFER_SIZE,
					    &response->size));
	MU(Tss2_MU_TPM2B_NAME_Marshal(&parts->name, response->bytes, BUFFER_SIZE,
				      &response->size));
	put_u32_at(response, parameter_size_offset, response->size - parameters_offset);
	MU(Tss2_MU_TPMS_AUTH_RESPONSE_Marshal(&parts->auth, response->bytes, BUFFER_SIZE,
					      &response->size));
	message_finish(response);
}

static void test_create_primary_accepts(void **state)
{
	struct primary_response parts;
	struct message response;
	uint32_t response_code = 0xDEAD, key = 0;

	(void)state;
	from_hex(&response, swtpm_create_primary);
	assert_int_equal(tpm2_parse_create_primary_hmac_key_response(response.bytes,
								     response.size,
								     &response_code,
								     swtpm_policy, &key),
			 TPM2_PARSE_OK);
	assert_int_equal(response_code, 0);
	assert_int_equal(key, KEY_HANDLE);

	/* Any transient handle; a ticket HMAC of any size up to 64 bytes. */
	good_primary(&parts);
	parts.handle = 0x80FFFFFF;
	parts.ticket.digest.size = 0;
	primary_response(&response, &parts);
	assert_int_equal(tpm2_parse_create_primary_hmac_key_response(response.bytes,
								     response.size,
								     &response_code,
								     swtpm_policy, &key),
			 TPM2_PARSE_OK);
	assert_int_equal(key, 0x80FFFFFF);
}

static void test_create_primary_rejects_framing(void **state)
{
	struct primary_response parts;
	struct message response, changed;
	uint32_t response_code, key = 0xDEAD;

	(void)state;
	from_hex(&response, swtpm_create_primary);
	assert_framing_checked(parse_primary, &response);
	good_primary(&parts);
	primary_response(&response, &parts);
	assert_framing_checked(parse_primary, &response);

	/* parameterSize cutting into the name, or taking in the auth area. */
	changed = response;
	put_u32_at(&changed, 14, get_u32_at(&response, 14) - 1);
	assert_parse(parse_primary, &changed, TPM2_PARSE_TRUNCATED);
	put_u32_at(&changed, 14, get_u32_at(&response, 14) + 1);
	assert_parse(parse_primary, &changed, TPM2_PARSE_MALFORMED);
	put_u32_at(&changed, 14, 0xFFFFFFFF);
	assert_parse(parse_primary, &changed, TPM2_PARSE_TRUNCATED);

	/* A byte too many inside outPublic, with every size made to agree. */
	changed = response;
	insert_byte(&changed, 20 + get_u16_at(&response, 18), 0);
	put_u16_at(&changed, 18, get_u16_at(&response, 18) + 1);
	put_u32_at(&changed, 14, get_u32_at(&response, 14) + 1);
	message_finish(&changed);
	assert_parse(parse_primary, &changed, TPM2_PARSE_MALFORMED);

	/* No handle is left behind by a failed parse. */
	changed = response;
	changed.size--;
	assert_int_equal(tpm2_parse_create_primary_hmac_key_response(changed.bytes,
								     changed.size,
								     &response_code,
								     swtpm_policy, &key),
			 TPM2_PARSE_TRUNCATED);
	assert_int_equal(key, 0);
}

static void assert_primary(const struct primary_response *parts,
			   enum tpm2_parse_status expected)
{
	struct message response;

	primary_response(&response, parts);
	assert_parse(parse_primary, &response, expected);
}

static void test_create_primary_rejects_public(void **state)
{
	struct primary_response parts;
	uint8_t other_policy[TPM2_POLICY_DIGEST_SIZE];

	(void)state;
	/* Not the key that was asked for. */
	good_primary(&parts);
	memcpy(other_policy, swtpm_policy, sizeof(other_policy));
	other_policy[31] ^= 1;
	hmac_key_template(&parts.public, other_policy);
	parts.public.unique.keyedHash.size = 32;
	assert_primary(&parts, TPM2_PARSE_UNEXPECTED);
	good_primary(&parts);
	parts.public.objectAttributes |= TPMA_OBJECT_USERWITHAUTH;
	assert_primary(&parts, TPM2_PARSE_UNEXPECTED);
	good_primary(&parts);
	parts.public.objectAttributes &= ~TPMA_OBJECT_FIXEDTPM;
	assert_primary(&parts, TPM2_PARSE_UNEXPECTED);
	good_primary(&parts);
	parts.public.nameAlg = TPM2_ALG_SHA1;
	assert_primary(&parts, TPM2_PARSE_UNEXPECTED);
	good_primary(&parts);
	parts.public.parameters.keyedHashDetail.scheme.details.hmac.hashAlg = TPM2_ALG_SHA1;
	assert_primary(&parts, TPM2_PARSE_UNEXPECTED);
	good_primary(&parts);
	parts.public.authPolicy.size = 0;
	assert_primary(&parts, TPM2_PARSE_UNEXPECTED);

	/* unique must be the SHA-256 digest the TPM derives. */
	good_primary(&parts);
	parts.public.unique.keyedHash.size = 0;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	parts.public.unique.keyedHash.size = 20;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	parts.public.unique.keyedHash.size = 64;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);

	/* Not a transient object. */
	good_primary(&parts);
	parts.handle = 0x81000001;
	assert_primary(&parts, TPM2_PARSE_UNEXPECTED);
	parts.handle = SESSION_HANDLE;
	assert_primary(&parts, TPM2_PARSE_UNEXPECTED);
}

/* A ticket digest one byte over TPM2B_DIGEST's bound, which tss2 refuses to
 * marshal: made by hand, with every size made to agree. */
static void assert_ticket_digest_bounded(void)
{
	struct primary_response parts;
	struct message response;
	size_t offset = 18;

	good_primary(&parts);
	primary_response(&response, &parts);
	offset += 2 + get_u16_at(&response, offset);     /* outPublic */
	offset += 2 + get_u16_at(&response, offset);     /* creationData */
	offset += 2 + get_u16_at(&response, offset);     /* creationHash */
	offset += 2 + 4;                                 /* ticket tag, hierarchy */
	assert_int_equal(get_u16_at(&response, offset), 64);
	put_u16_at(&response, offset, 65);
	insert_byte(&response, offset + 2 + 64, 0);
	put_u32_at(&response, 14, get_u32_at(&response, 14) + 1);
	message_finish(&response);
	assert_parse(parse_primary, &response, TPM2_PARSE_MALFORMED);
}

static void test_create_primary_rejects_creation_results(void **state)
{
	struct primary_response parts;

	(void)state;
	good_primary(&parts);
	parts.empty_creation_data = true;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);

	good_primary(&parts);
	parts.creation_hash.size = 20;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	parts.creation_hash.size = 0;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);

	good_primary(&parts);
	parts.ticket.tag = TPM2_ST_VERIFIED;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	good_primary(&parts);
	parts.ticket.hierarchy = TPM2_RH_ENDORSEMENT;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	assert_ticket_digest_bounded();

	good_primary(&parts);
	parts.name.size = 32;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	parts.name.size = 22;
	parts.name.name[1] = TPM2_ALG_SHA1;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	good_primary(&parts);
	parts.name.name[1] = TPM2_ALG_SHA384;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	parts.name.size = 0;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
}

static void test_create_primary_rejects_auth(void **state)
{
	struct primary_response parts;

	(void)state;
	good_primary(&parts);
	parts.auth.nonce.size = 16;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	good_primary(&parts);
	parts.auth.hmac.size = 32;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
	good_primary(&parts);
	parts.auth.sessionAttributes = 0;
	assert_primary(&parts, TPM2_PARSE_MALFORMED);
}

/* --- TPM2_StartAuthSession ---------------------------------------------------- */

static void expected_start_session(struct message *command, const uint8_t *nonce,
				   uint16_t nonce_size)
{
	TPM2B_NONCE nonce_caller = { .size = nonce_size };
	TPM2B_ENCRYPTED_SECRET salt = { 0 };
	TPMT_SYM_DEF symmetric = { .algorithm = TPM2_ALG_NULL };

	memcpy(nonce_caller.buffer, nonce, nonce_size);
	message_start(command, TPM2_ST_NO_SESSIONS, TPM2_CC_StartAuthSession);
	MU(Tss2_MU_TPM2_HANDLE_Marshal(TPM2_RH_NULL, command->bytes, BUFFER_SIZE,
				       &command->size));
	MU(Tss2_MU_TPM2_HANDLE_Marshal(TPM2_RH_NULL, command->bytes, BUFFER_SIZE,
				       &command->size));
	MU(Tss2_MU_TPM2B_NONCE_Marshal(&nonce_caller, command->bytes, BUFFER_SIZE,
				       &command->size));
	MU(Tss2_MU_TPM2B_ENCRYPTED_SECRET_Marshal(&salt, command->bytes, BUFFER_SIZE,
						  &command->size));
	MU(Tss2_MU_TPM2_SE_Marshal(TPM2_SE_POLICY, command->bytes, BUFFER_SIZE, &command->size));
	MU(Tss2_MU_TPMT_SYM_DEF_Marshal(&symmetric, command->bytes, BUFFER_SIZE,
					&command->size));
	MU(Tss2_MU_TPMI_ALG_HASH_Marshal(TPM2_ALG_SHA256, command->bytes, BUFFER_SIZE,
					 &command->size));
	message_finish(command);
}

static void test_build_start_session(void **state)
{
	static const uint16_t sizes[] = { TPM2_NONCE_MIN, 20, TPM2_NONCE_MAX };
	uint8_t nonce[TPM2_NONCE_MAX + 1], buffer[BUFFER_SIZE];
	struct message expected;

	(void)state;
	fill_bytes(nonce, sizeof(nonce), 0x5A);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		expected_start_session(&expected, nonce, sizes[i]);
		ASSERT_BUILDS(&expected, tpm2_build_start_policy_session(buffer, capacity, nonce,
									 sizes[i]));
	}
	assert_int_equal(tpm2_build_start_policy_session(buffer, sizeof(buffer), nonce,
							 TPM2_NONCE_MIN - 1), 0);
	assert_int_equal(tpm2_build_start_policy_session(buffer, sizeof(buffer), nonce,
							 TPM2_NONCE_MAX + 1), 0);
	assert_int_equal(tpm2_build_start_policy_session(buffer, sizeof(buffer), nonce, 0), 0);
	assert_int_equal(tpm2_build_start_policy_session(buffer, sizeof(buffer), NULL,
							 TPM2_NONCE_MIN), 0);
}

static void session_response(struct message *response, uint32_t handle, uint16_t nonce_size)
{
	TPM2B_NONCE nonce = { .size = nonce_size };

	fill_bytes(nonce.buffer, nonce_size, 0x77);
	message_start(response, TPM2_ST_NO_SESSIONS, TPM2_RC_SUCCESS);
	MU(Tss2_MU_TPM2_HANDLE_Marshal(handle, response->bytes, BUFFER_SIZE, &response->size));
	MU(Tss2_MU_TPM2B_NONCE_Marshal(&nonce, response->bytes, BUFFER_SIZE, &response->size));
	message_finish(response);
}

static void test_start_session_accepts(void **state)
{
	struct message response;
	uint32_t response_code = 0xDEAD, session = 0;

	(void)state;
	from_hex(&response, swtpm_start_auth_session);
	assert_int_equal(tpm2_parse_start_auth_session_response(response.bytes, response.size,
								&response_code, &session),
			 TPM2_PARSE_OK);
	assert_int_equal(response_code, 0);
	assert_int_equal(session, SESSION_HANDLE);

	for (uint16_t size = TPM2_NONCE_MIN; size <= TPM2_NONCE_MAX; size++) {
		session_response(&response, 0x03000002, size);
		assert_int_equal(tpm2_parse_start_auth_session_response(response.bytes,
									response.size,
									&response_code,
									&session),
				 TPM2_PARSE_OK);
		assert_int_equal(session, 0x03000002);
	}
}

static void test_start_session_rejects(void **state)
{
	struct message response;
	uint32_t response_code, session = 0xDEAD;

	(void)state;
	from_hex(&response, swtpm_start_auth_session);
	assert_framing_checked(parse_session, &response);
	session_response(&response, SESSION_HANDLE, TPM2_NONCE_MAX);
	assert_framing_checked(parse_session, &response);

	session_response(&response, SESSION_HANDLE, TPM2_NONCE_MIN - 1);
	assert_parse(parse_session, &response, TPM2_PARSE_MALFORMED);
	session_response(&response, SESSION_HANDLE, TPM2_NONCE_MAX + 1);
	assert_parse(parse_session, &response, TPM2_PARSE_MALFORMED);
	session_response(&response, SESSION_HANDLE, 0);
	assert_parse(parse_session, &response, TPM2_PARSE_MALFORMED);

	/* An HMAC session, or any other handle, is not the policy session asked for. */
	session_response(&response, 0x02000000, TPM2_NONCE_MIN);
	assert_int_equal(tpm2_parse_start_auth_session_response(response.bytes, response.size,
								&response_code, &session),
			 TPM2_PARSE_UNEXPECTED);
	assert_int_equal(session, 0);
	session_response(&response, KEY_HANDLE, TPM2_NONCE_MIN);
	assert_parse(parse_session, &response, TPM2_PARSE_UNEXPECTED);
}

/* --- TPM2_PolicyLocality, TPM2_PolicyPCR, TPM2_FlushContext ------------------- */

static void test_build_policy_locality(void **state)
{
	uint8_t buffer[BUFFER_SIZE];
	struct message expected;

	(void)state;
	for (unsigned locality = 0; locality < TPM2_LOCALITY_COUNT; locality++) {
		message_start(&expected, TPM2_ST_NO_SESSIONS, TPM2_CC_PolicyLocality);
		MU(Tss2_MU_TPM2_HANDLE_Marshal(SESSION_HANDLE + locality, expected.bytes,
					       BUFFER_SIZE, &expected.size));
		MU(Tss2_MU_TPMA_LOCALITY_Marshal(1u << locality, expected.bytes, BUFFER_SIZE,
						 &expected.size));
		message_finish(&expected);
		ASSERT_BUILDS(&expected, tpm2_build_policy_locality(buffer, capacity,
								    SESSION_HANDLE + locality,
								    locality));
	}
	/* TPM_LOC_TWO is what the root secret's policy names. */
	assert_int_equal(tpm2_build_policy_locality(buffer, sizeof(buffer), SESSION_HANDLE, 2),
			 15);
	assert_int_equal(buffer[14], TPMA_LOCALITY_TPM2_LOC_TWO);
	assert_int_equal(tpm2_build_policy_locality(buffer, sizeof(buffer), SESSION_HANDLE,
						    TPM2_LOCALITY_COUNT), 0);
}

static void pcr_selection(TPML_PCR_SELECTION *selection, uint32_t pcr_mask)
{
	memset(selection, 0, sizeof(*selection));
	selection->count = 1;
	selection->pcrSelections[0].hash = TPM2_ALG_SHA256;
	selection->pcrSelections[0].sizeofSelect = 3;
	for (unsigned pcr = 0; pcr < TPM2_PCR_COUNT; pcr++)
		if (pcr_mask & (1u << pcr))
			selection->pcrSelections[0].pcrSelect[pcr / 8] |= 1u << (pcr % 8);
}

static void test_build_policy_pcr(void **state)
{
	static const uint32_t masks[] = { PCR_17_18, 1u, 1u << 23, 0x00FFFFFF, 0x00A50F00 };
	uint8_t buffer[BUFFER_SIZE];
	struct message expected;

	(void)state;
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		TPM2B_DIGEST empty = { 0 };
		TPML_PCR_SELECTION selection;

		pcr_selection(&selection, masks[i]);
		message_start(&expected, TPM2_ST_NO_SESSIONS, TPM2_CC_PolicyPCR);
		MU(Tss2_MU_TPM2_HANDLE_Marshal(SESSION_HANDLE, expected.bytes, BUFFER_SIZE,
					       &expected.size));
		MU(Tss2_MU_TPM2B_DIGEST_Marshal(&empty, expected.bytes, BUFFER_SIZE,
						&expected.size));
		MU(Tss2_MU_TPML_PCR_SELECTION_Marshal(&selection, expected.bytes, BUFFER_SIZE,
						      &expected.size));
		message_finish(&expected);
		ASSERT_BUILDS(&expected, tpm2_build_policy_pcr(buffer, capacity, SESSION_HANDLE,
							       masks[i]));
	}
	assert_int_equal(tpm2_build_policy_pcr(buffer, sizeof(buffer), SESSION_HANDLE, 0), 0);
	assert_int_equal(tpm2_build_policy_pcr(buffer, sizeof(buffer), SESSION_HANDLE,
					       1u << 24), 0);
	assert_int_equal(tpm2_build_policy_pcr(buffer, sizeof(buffer), SESSION_HANDLE,
					       PCR_17_18 | 1u << 31), 0);
}

static void test_build_flush_context(void **state)
{
	static const uint32_t handles[] = { KEY_HANDLE, SESSION_HANDLE, 0x80000002 };
	struct message expected;

	(void)state;
	for (size_t i = 0; i < sizeof(handles) / sizeof(handles[0]); i++) {
		message_start(&expected, TPM2_ST_NO_SESSIONS, TPM2_CC_FlushContext);
		MU(Tss2_MU_TPM2_HANDLE_Marshal(handles[i], expected.bytes, BUFFER_SIZE,
					       &expected.size));
		message_finish(&expected);
		ASSERT_BUILDS(&expected, tpm2_build_flush_context(buffer, capacity, handles[i]));
	}
}

/* The bare-header answers these three get, as swtpm sends them. */
static void test_policy_and_flush_responses(void **state)
{
	struct message response;
	uint32_t response_code = 0xDEAD;

	(void)state;
	from_hex(&response, "80010000000a00000000");
	assert_int_equal(tpm2_parse_response_header(response.bytes, response.size,
						    &response_code),
			 TPM2_PARSE_OK);
	assert_int_equal(response_code, 0);
	/* TPM_RC_HANDLE for handle 1: flushing a session that is already gone. */
	from_hex(&response, "80010000000a000001cb");
	assert_int_equal(tpm2_parse_response_header(response.bytes, response.size,
						    &response_code),
			 TPM2_PARSE_RESPONSE_CODE);
	assert_int_equal(response_code, 0x1cb);
}

/* --- TPM2_HMAC ------------------------------------------------------------------- */

static void expected_hmac(struct message *command, uint32_t key, uint32_t session,
			  const void *data, uint16_t size)
{
	TPMS_AUTH_COMMAND auth = { .sessionHandle = session };
	TPM2B_MAX_BUFFER buffer = { .size = size };

	memcpy(buffer.buffer, data, size);
	message_start(command, TPM2_ST_SESSIONS, TPM2_CC_HMAC);
	MU(Tss2_MU_TPM2_HANDLE_Marshal(key, command->bytes, BUFFER_SIZE, &command->size));
	auth_area(command, &auth);
	MU(Tss2_MU_TPM2B_MAX_BUFFER_Marshal(&buffer, command->bytes, BUFFER_SIZE,
					    &command->size));
	MU(Tss2_MU_TPMI_ALG_HASH_Marshal(TPM2_ALG_SHA256, command->bytes, BUFFER_SIZE,
					 &command->size));
	message_finish(command);
}

static void test_build_hmac(void **state)
{
	static const size_t sizes[] = { 0, 1, sizeof(label) - 1, 200, TPM2_MAX_HMAC_DATA };
	static uint8_t data[TPM2_MAX_HMAC_DATA + 1];
	uint8_t buffer[BUFFER_SIZE];
	struct message expected;

	(void)state;
	fill_bytes(data, sizeof(data), 9);
	memcpy(data, label, sizeof(label) - 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		expected_hmac(&expected, KEY_HANDLE + i, SESSION_HANDLE + i, data, sizes[i]);
		ASSERT_BUILDS(&expected, tpm2_build_hmac(buffer, capacity, KEY_HANDLE + i,
							 SESSION_HANDLE + i, data, sizes[i]));
	}
	assert_int_equal(tpm2_build_hmac(buffer, sizeof(buffer), KEY_HANDLE, SESSION_HANDLE,
					 data, TPM2_MAX_HMAC_DATA + 1), 0);
	assert_int_equal(tpm2_build_hmac(buffer, sizeof(buffer), KEY_HANDLE, SESSION_HANDLE,
					 NULL, 4), 0);
	assert_int_not_equal(tpm2_build_hmac(buffer, sizeof(buffer), KEY_HANDLE,
					     SESSION_HANDLE, NULL, 0), 0);
}

static const TPMS_AUTH_RESPONSE policy_auth = {
	.nonce = { .size = TPM2_NONCE_MIN },
};

static void hmac_response(struct message *response, uint16_t hmac_size,
			  const TPMS_AUTH_RESPONSE *auth)
{
	TPM2B_DIGEST hmac = { .size = hmac_size };
	size_t parameter_size_offset, parameters_offset;

	fill_bytes(hmac.buffer, hmac_size, 0x61);
	message_start(response, TPM2_ST_SESSIONS, TPM2_RC_SUCCESS);
	parameter_size_offset = response->size;
	MU(Tss2_MU_UINT32_Marshal(0, response->bytes, BUFFER_SIZE, &response->size));
	parameters_offset = response->size;
	MU(Tss2_MU_TPM2B_DIGEST_Marshal(&hmac, response->bytes, BUFFER_SIZE, &response->size));
	put_u32_at(response, parameter_size_offset, response->size - parameters_offset);
	MU(Tss2_MU_TPMS_AUTH_RESPONSE_Marshal(auth, response->bytes, BUFFER_SIZE,
					      &response->size));
	message_finish(response);
}

static void test_hmac_accepts(void **state)
{
	TPMS_AUTH_RESPONSE auth = policy_auth;
	uint8_t hmac[TPM2_HMAC_SIZE], expected[TPM2_HMAC_SIZE];
	struct message response;
	uint32_t response_code = 0xDEAD;

	(void)state;
	from_hex(&response, swtpm_hmac);
	assert_int_equal(tpm2_parse_hmac_response(response.bytes, response.size,
						  &response_code, hmac),
			 TPM2_PARSE_OK);
	assert_int_equal(response_code, 0);
	assert_memory_equal(hmac, swtpm_hmac_value, TPM2_HMAC_SIZE);

	fill_bytes(expected, sizeof(expected), 0x61);
	for (auth.nonce.size = TPM2_NONCE_MIN; auth.nonce.size <= TPM2_NONCE_MAX;
	     auth.nonce.size++) {
		hmac_response(&response, TPM2_HMAC_SIZE, &auth);
		memset(hmac, 0xAA, sizeof(hmac));
		assert_int_equal(tpm2_parse_hmac_response(response.bytes, response.size,
							  &response_code, hmac),
				 TPM2_PARSE_OK);
		assert_memory_equal(hmac, expected, TPM2_HMAC_SIZE);
	}
}

static void test_hmac_rejects(void **state)
{
	static const uint8_t zero[TPM2_HMAC_SIZE];
	TPMS_AUTH_RESPONSE auth;
	uint8_t hmac[TPM2_HMAC_SIZE];
	struct message response, changed;
	uint32_t response_code;
	size_t offset;

	(void)state;
	from_hex(&response, swtpm_hmac);
	assert_framing_checked(parse_hmac, &response);
	hmac_response(&response, TPM2_HMAC_SIZE, &policy_auth);
	assert_framing_checked(parse_hmac, &response);

	/* parameterSize cutting into the HMAC, or taking in the auth area. */
	changed = response;
	put_u32_at(&changed, 10, get_u32_at(&response, 10) - 1);
	assert_parse(parse_hmac, &changed, TPM2_PARSE_TRUNCATED);
	put_u32_at(&changed, 10, get_u32_at(&response, 10) + 1);
	assert_parse(parse_hmac, &changed, TPM2_PARSE_MALFORMED);

	/* A failed parse leaves no part of an HMAC behind. */
	memset(hmac, 0xAA, sizeof(hmac));
	assert_int_equal(tpm2_parse_hmac_response(changed.bytes, changed.size, &response_code,
						  hmac),
			 TPM2_PARSE_MALFORMED);
	assert_memory_equal(hmac, zero, sizeof(zero));

	/* Only a SHA-256 HMAC. */
	hmac_response(&response, 20, &policy_auth);
	assert_parse(parse_hmac, &response, TPM2_PARSE_MALFORMED);
	hmac_response(&response, 64, &policy_auth);
	assert_parse(parse_hmac, &response, TPM2_PARSE_MALFORMED);
	hmac_response(&response, 0, &policy_auth);
	assert_parse(parse_hmac, &response, TPM2_PARSE_MALFORMED);

	/* The session's answer: a nonce in bounds, continueSession clear as asked,
	 * no HMAC (there is no session key). */
	auth = policy_auth;
	auth.nonce.size = 0;
	hmac_response(&response, TPM2_HMAC_SIZE, &auth);
	assert_parse(parse_hmac, &response, TPM2_PARSE_MALFORMED);
	auth.nonce.size = TPM2_NONCE_MIN - 1;
	hmac_response(&response, TPM2_HMAC_SIZE, &auth);
	assert_parse(parse_hmac, &response, TPM2_PARSE_MALFORMED);
	auth.nonce.size = TPM2_NONCE_MAX + 1;
	hmac_response(&response, TPM2_HMAC_SIZE, &auth);
	assert_parse(parse_hmac, &response, TPM2_PARSE_MALFORMED);
	auth = policy_auth;
	auth.sessionAttributes = TPMA_SESSION_CONTINUESESSION;
	hmac_response(&response, TPM2_HMAC_SIZE, &auth);
	assert_parse(parse_hmac, &response, TPM2_PARSE_MALFORMED);
	auth = policy_auth;
	auth.hmac.size = TPM2_HMAC_SIZE;
	hmac_response(&response, TPM2_HMAC_SIZE, &auth);
	assert_parse(parse_hmac, &response, TPM2_PARSE_MALFORMED);

	/* Two sessions answered for our one; none at all. */
	hmac_response(&response, TPM2_HMAC_SIZE, &policy_auth);
	offset = response.size;
	MU(Tss2_MU_TPMS_AUTH_RESPONSE_Marshal(&policy_auth, response.bytes, BUFFER_SIZE,
					      &offset));
	response.size = offset;
	message_finish(&response);
	assert_parse(parse_hmac, &response, TPM2_PARSE_MALFORMED);
	hmac_response(&response, TPM2_HMAC_SIZE, &policy_auth);
	response.size -= 2 + TPM2_NONCE_MIN + 1 + 2;
	message_finish(&response);
	assert_parse(parse_hmac, &response, TPM2_PARSE_TRUNCATED);
}

/* --- trial policy digests -------------------------------------------------------- */

static void from_hex_digest(uint8_t digest[32], const char *hex)
{
	struct message message;

	from_hex(&message, hex);
	assert_int_equal(message.size, 32);
	memcpy(digest, message.bytes, 32);
}

/* SHA-256 of the parts, marshalled by tss2 rather than by the code under test. */
static void expected_locality_update(uint8_t digest[32], unsigned locality)
{
	struct message input = { .size = 0 };

	memcpy(input.bytes, digest, 32);
	input.size = 32;
	MU(Tss2_MU_TPM2_CC_Marshal(TPM2_CC_PolicyLocality, input.bytes, BUFFER_SIZE,
				   &input.size));
	MU(Tss2_MU_TPMA_LOCALITY_Marshal(1u << locality, input.bytes, BUFFER_SIZE, &input.size));
	assert_int_equal(sha256(input.bytes, input.size, digest), 0);
}

static void expected_pcr_update(uint8_t digest[32], uint32_t pcr_mask,
				const uint8_t pcr_digest[32])
{
	struct message input = { .size = 0 };
	TPML_PCR_SELECTION selection;

	pcr_selection(&selection, pcr_mask);
	memcpy(input.bytes, digest, 32);
	input.size = 32;
	MU(Tss2_MU_TPM2_CC_Marshal(TPM2_CC_PolicyPCR, input.bytes, BUFFER_SIZE, &input.size));
	MU(Tss2_MU_TPML_PCR_SELECTION_Marshal(&selection, input.bytes, BUFFER_SIZE,
					      &input.size));
	memcpy(input.bytes + input.size, pcr_digest, 32);
	input.size += 32;
	assert_int_equal(sha256(input.bytes, input.size, digest), 0);
}

/* The root secret's policy for PCR 17 and 18 values, as the hypervisor makes it. */
static void root_secret_policy(uint8_t policy[32], unsigned locality, const char *pcr_17,
			       const char *pcr_18)
{
	uint8_t values[64], values_digest[32];

	from_hex_digest(values, pcr_17);
	from_hex_digest(values + 32, pcr_18);
	assert_int_equal(sha256(values, sizeof(values), values_digest), 0);
	memset(policy, 0, 32);
	assert_int_equal(tpm2_policy_locality_update(policy, locality), 0);
	assert_int_equal(tpm2_policy_pcr_update(policy, PCR_17_18, values_digest), 0);
}

#define ALL_FF "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

/* Digests swtpm 0.7.1 itself reached in trial sessions (tpm2_startauthsession,
 * tpm2_policylocality, tpm2_policypcr -l sha256:17,18): distinct PCR values pin the
 * order of the two values, and the locality byte. */
static void test_policy_known_answers(void **state)
{
	uint8_t policy[32], expected[32];

	(void)state;
	memset(policy, 0, sizeof(policy));
	assert_int_equal(tpm2_policy_locality_update(policy, 2), 0);
	from_hex_digest(expected,
			"f3d7b918b2fa2a1c108cc717e7fb52f543184580a34e9fdbba2fbb2bbd11b07b");
	assert_memory_equal(policy, expected, 32);

	root_secret_policy(policy, 2, ALL_FF, ALL_FF);
	assert_memory_equal(policy, swtpm_policy, 32);

	root_secret_policy(policy, 2,
			   "2b4fa8cd2e2780b42e7f8a5e63bb015962342864129e1d523b7d93e876b37f96",
			   "5f416733b5a65ae92ebee8a37a156df0ac6d41bb73feba2b11afd048ef5cce84");
	from_hex_digest(expected,
			"16cb81b8ceeaf47f0bfc48c018aac020376c2e385ae86cbffa6cf2d663e72f7b");
	assert_memory_equal(policy, expected, 32);

	root_secret_policy(policy, 0,
			   "2b4fa8cd2e2780b42e7f8a5e63bb015962342864129e1d523b7d93e876b37f96",
			   "5f416733b5a65ae92ebee8a37a156df0ac6d41bb73feba2b11afd048ef5cce84");
	from_hex_digest(expected,
			"b43f9c2f52b83b2e68c36c4ec3be15f97e858ed9aee5b6ac908ae6cce8cd3ae4");
	assert_memory_equal(policy, expected, 32);
}

static void test_policy_matches_independent_computation(void **state)
{
	static const uint32_t masks[] = { PCR_17_18, 1u, 1u << 23, 0x00FFFFFF };
	uint8_t policy[32], expected[32], pcr_digest[32];

	(void)state;
	for (unsigned locality = 0; locality < TPM2_LOCALITY_COUNT; locality++)
		for (size_t m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
			fill_bytes(pcr_digest, sizeof(pcr_digest), locality * 16 + m);
			fill_bytes(policy, sizeof(policy), m);
			memcpy(expected, policy, sizeof(expected));
			assert_int_equal(tpm2_policy_locality_update(policy, locality), 0);
			assert_int_equal(tpm2_policy_pcr_update(policy, masks[m], pcr_digest), 0);
			expected_locality_update(expected, locality);
			expected_pcr_update(expected, masks[m], pcr_digest);
			assert_memory_equal(policy, expected, 32);
		}
}

static void test_policy_rejects(void **state)
{
	static const uint8_t zero[32];
	uint8_t policy[32], pcr_digest[32] = { 0 };

	(void)state;
	memset(policy, 0xAA, sizeof(policy));
	assert_int_equal(tpm2_policy_locality_update(policy, TPM2_LOCALITY_COUNT), -1);
	assert_memory_equal(policy, zero, sizeof(zero));
	memset(policy, 0xAA, sizeof(policy));
	assert_int_equal(tpm2_policy_pcr_update(policy, 0, pcr_digest), -1);
	assert_memory_equal(policy, zero, sizeof(zero));
	memset(policy, 0xAA, sizeof(policy));
	assert_int_equal(tpm2_policy_pcr_update(policy, 1u << 24, pcr_digest), -1);
	assert_memory_equal(policy, zero, sizeof(zero));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_create_primary),
		cmocka_unit_test(test_create_primary_accepts),
		cmocka_unit_test(test_create_primary_rejects_framing),
		cmocka_unit_test(test_create_primary_rejects_public),
		cmocka_unit_test(test_create_primary_rejects_creation_results),
		cmocka_unit_test(test_create_primary_rejects_auth),
		cmocka_unit_test(test_build_start_session),
		cmocka_unit_test(test_start_session_accepts),
		cmocka_unit_test(test_start_session_rejects),
		cmocka_unit_test(test_build_policy_locality),
		cmocka_unit_test(test_build_policy_pcr),
		cmocka_unit_test(test_build_flush_context),
		cmocka_unit_test(test_policy_and_flush_responses),
		cmocka_unit_test(test_build_hmac),
		cmocka_unit_test(test_hmac_accepts),
		cmocka_unit_test(test_hmac_rejects),
		cmocka_unit_test(test_policy_known_answers),
		cmocka_unit_test(test_policy_matches_independent_computation),
		cmocka_unit_test(test_policy_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
