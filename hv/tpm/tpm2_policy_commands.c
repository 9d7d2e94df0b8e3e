/* The root secret's TPM 2.0 commands, marshalled by hand (TCG TPM 2.0 Library
 * Part 2 for the structures, Part 3 for the commands and the policy digest
 * updates). All integers on the wire are big-endian. As in tpm2_command.c, a
 * response is hostile until every length in it has been checked and every byte
 * accounted for; the byte helpers both use are in tpm2_marshal.c. */
#include <stdbool.h>
#include <string.h>

#include "sha256.h"
#include "tpm2_marshal.h"
#include "tpm2_policy_commands.h"

#define TPM_ST_CREATION    0x8021

#define TPM_CC_CREATE_PRIMARY     0x00000131
#define TPM_CC_HMAC               0x00000155
#define TPM_CC_FLUSH_CONTEXT      0x00000165
#define TPM_CC_POLICY_LOCALITY    0x0000016F
#define TPM_CC_START_AUTH_SESSION 0x00000176
#define TPM_CC_POLICY_PCR         0x0000017F

#define TPM_RH_OWNER 0x40000001
#define TPM_RH_NULL  0x40000007

/* The handle type is a handle's top byte. */
#define TPM_HT_POLICY_SESSION 0x03
#define TPM_HT_TRANSIENT      0x80

#define TPM_ALG_HMAC      0x0005
#define TPM_ALG_KEYEDHASH 0x0008
#define TPM_ALG_NULL      0x0010

#define TPM_SE_POLICY 0x01

#define TPMA_OBJECT_FIXED_TPM             (1u << 1)
#define TPMA_OBJECT_FIXED_PARENT          (1u << 4)
#define TPMA_OBJECT_SENSITIVE_DATA_ORIGIN (1u << 5)
#define TPMA_OBJECT_ADMIN_WITH_POLICY     (1u << 7)
#define TPMA_OBJECT_SIGN                  (1u << 18)
#define HMAC_KEY_ATTRIBUTES (TPMA_OBJECT_FIXED_TPM | TPMA_OBJECT_FIXED_PARENT | \
			     TPMA_OBJECT_SENSITIVE_DATA_ORIGIN | \
			     TPMA_OBJECT_ADMIN_WITH_POLICY | TPMA_OBJECT_SIGN)

/* sessionHandle, empty nonce, attributes, empty hmac. */
#define EMPTY_AUTH_SIZE (4 + 2 + 1 + 2)
/* A PC Client TPM has 24 PCRs: a selection of them takes 3 bytes. */
#define PCR_SELECT_SIZE ((TPM2_PCR_COUNT + 7) / 8)
/* TPML_PCR_SELECTION with one bank: count, hash, sizeofSelect, pcrSelect. */
#define PCR_SELECTION_SIZE (4 + 2 + 1 + PCR_SELECT_SIZE)
/* The HMAC key's TPMT_PUBLIC up to its unique field: type, nameAlg,
 * objectAttributes, authPolicy, scheme, scheme hash. */
#define PUBLIC_PREFIX_SIZE (2 + 2 + 4 + 2 + TPM2_POLICY_DIGEST_SIZE + 2 + 2)
/* TPM2B_NAME of a SHA-256 object: nameAlg, then the digest. */
#define NAME_SIZE (2 + 32)

/* --- building --------------------------------------------------------------- */

/* One session with an empty nonce and an empty hmac: the password session, or a
 * policy session whose policy needs no authValue. */
static uint8_t *put_empty_auth(uint8_t *out, uint32_t session_handle, uint8_t attributes)
{
	out = tpm2_put_u32(out, EMPTY_AUTH_SIZE);
	out = tpm2_put_u32(out, session_handle);
	out = tpm2_put_u16(out, 0);
	out = tpm2_put_u8(out, attributes);
	return tpm2_put_u16(out, 0);
}

static bool is_pcr_mask(uint32_t pcr_mask)
{
	return pcr_mask && !(pcr_mask >> TPM2_PCR_COUNT);
}

static uint8_t *put_pcr_selection(uint8_t *out, uint32_t pcr_mask)
{
	out = tpm2_put_u32(out, 1);
	out = tpm2_put_u16(out, TPM2_ALG_SHA256);
	out = tpm2_put_u8(out, PCR_SELECT_SIZE);
	for (unsigned i = 0; i < PCR_SELECT_SIZE; i++)
		out = tpm2_put_u8(out, pcr_mask >> (8 * i));
	return out;
}

static uint8_t *put_public_prefix(uint8_t *out, const uint8_t *auth_policy)
{
	out = tpm2_put_u16(out, TPM_ALG_KEYEDHASH);
	out = tpm2_put_u16(out, TPM2_ALG_SHA256);
	out = tpm2_put_u32(out, HMAC_KEY_ATTRIBUTES);
	out = tpm2_put_u16(out, TPM2_POLICY_DIGEST_SIZE);
	out = tpm2_put_bytes(out, auth_policy, TPM2_POLICY_DIGEST_SIZE);
	out = tpm2_put_u16(out, TPM_ALG_HMAC);
	return tpm2_put_u16(out, TPM2_ALG_SHA256);
}

size_t tpm2_build_create_primary_hmac_key(uint8_t *buffer, size_t capacity,
					  const uint8_t auth_policy[TPM2_POLICY_DIGEST_SIZE])
{
	const size_t public_size = PUBLIC_PREFIX_SIZE + 2;
	const size_t size = TPM2_HEADER_SIZE + 4 + 4 + EMPTY_AUTH_SIZE + 2 + 4 + 2 + public_size +
			    2 + 4;
	uint8_t *out = buffer;

	if (!auth_policy || capacity < size)
		return 0;
	out = tpm2_put_header(out, TPM_ST_SESSIONS, size, TPM_CC_CREATE_PRIMARY);
	out = tpm2_put_u32(out, TPM_RH_OWNER);
	/* An empty owner password, as on a fresh TPM. continueSession makes the
	 * answer predictable: a password session always reports it. */
	out = put_empty_auth(out, TPM_RS_PW, TPMA_SESSION_CONTINUE_SESSION);
	/* TPM2B_SENSITIVE_CREATE: no userAuth, no data (the TPM makes the key). */
	out = tpm2_put_u16(out, 4);
	out = tpm2_put_u16(out, 0);
	out = tpm2_put_u16(out, 0);
	out = tpm2_put_u16(out, public_size);
	out = put_public_prefix(out, auth_policy);
	out = tpm2_put_u16(out, 0);          /* unique */
	out = tpm2_put_u16(out, 0);          /* outsideInfo */
	tpm2_put_u32(out, 0);                /* creationPCR: none */
	return size;
}

size_t tpm2_build_start_policy_session(uint8_t *buffer, size_t capacity,
				       const uint8_t *nonce_caller, size_t nonce_size)
{
	const size_t size = TPM2_HEADER_SIZE + 4 + 4 + 2 + nonce_size + 2 + 1 + 2 + 2;
	uint8_t *out = buffer;

	if (!nonce_caller || nonce_size < TPM2_NONCE_MIN || nonce_size > TPM2_NONCE_MAX ||
	    capacity < size)
		return 0;
	out = tpm2_put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_START_AUTH_SESSION);
	/* Neither salted nor bound: the session key is empty, so no HMAC is
	 * computed by either side (the hypervisor has no HMAC of its own). */
	out = tpm2_put_u32(out, TPM_RH_NULL);
	out = tpm2_put_u32(out, TPM_RH_NULL);
	out = tpm2_put_u16(out, nonce_size);
	out = tpm2_put_bytes(out, nonce_caller, nonce_size);
	out = tpm2_put_u16(out, 0);          /* encryptedSalt */
	out = tpm2_put_u8(out, TPM_SE_POLICY);
	out = tpm2_put_u16(out, TPM_ALG_NULL);
	tpm2_put_u16(out, TPM2_ALG_SHA256);
	return size;
}

size_t tpm2_build_policy_locality(uint8_t *buffer, size_t capacity, uint32_t session_handle,
				  unsigned locality)
{
	const size_t size = TPM2_HEADER_SIZE + 4 + 1;
	uint8_t *out = buffer;

	if (locality >= TPM2_LOCALITY_COUNT || capacity < size)
		return 0;
	out = tpm2_put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_POLICY_LOCALITY);
	out = tpm2_put_u32(out, session_handle);
	/* TPMA_LOCALITY: bit n allows locality n. */
	tpm2_put_u8(out, 1u << locality);
	return size;
}

size_t tpm2_build_policy_pcr(uint8_t *buffer, size_t capacity, uint32_t session_handle,
			     uint32_t pcr_mask)
{
	const size_t size = TPM2_HEADER_SIZE + 4 + 2 + PCR_SELECTION_SIZE;
	uint8_t *out = buffer;

	if (!is_pcr_mask(pcr_mask) || capacity < size)
		return 0;
	out = tpm2_put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_POLICY_PCR);
	out = tpm2_put_u32(out, session_handle);
	out = tpm2_put_u16(out, 0);          /* pcrDigest: the current values */
	put_pcr_selection(out, pcr_mask);
	return size;
}

size_t tpm2_build_hmac(uint8_t *buffer, size_t capacity, uint32_t key_handle,
		       uint32_t session_handle, const void *data, size_t size)
{
	const size_t command_size = TPM2_HEADER_SIZE + 4 + 4 + EMPTY_AUTH_SIZE + 2 + size + 2;
	uint8_t *out = buffer;

	if (size > TPM2_MAX_HMAC_DATA || (size && !data) || capacity < command_size)
		return 0;
	out = tpm2_put_header(out, TPM_ST_SESSIONS, command_size, TPM_CC_HMAC);
	out = tpm2_put_u32(out, key_handle);
	out = put_empty_auth(out, session_handle, 0);
	out = tpm2_put_u16(out, size);
	out = tpm2_put_bytes(out, data, size);
	tpm2_put_u16(out, TPM2_ALG_SHA256);
	return command_size;
}

size_t tpm2_build_flush_context(uint8_t *buffer, size_t capacity, uint32_t handle)
{
	const size_t size = TPM2_HEADER_SIZE + 4;
	uint8_t *out = buffer;

	if (capacity < size)
		return 0;
	out = tpm2_put_header(out, TPM_ST_NO_SESSIONS, size, TPM_CC_FLUSH_CONTEXT);
	tpm2_put_u32(out, handle);
	return size;
}

/* --- trial policy digests --------------------------------------------------- */

static int finish_policy_update(uint8_t digest[TPM2_POLICY_DIGEST_SIZE],
				const uint8_t *input, size_t size)
{
	if (sha256(input, size, digest)) {
		memset(digest, 0, TPM2_POLICY_DIGEST_SIZE);
		return -1;
	}
	return 0;
}

int tpm2_policy_locality_update(uint8_t digest[TPM2_POLICY_DIGEST_SIZE], unsigned locality)
{
	uint8_t input[TPM2_POLICY_DIGEST_SIZE + 4 + 1];
	uint8_t *out = input;

	if (locality >= TPM2_LOCALITY_COUNT) {
		memset(digest, 0, TPM2_POLICY_DIGEST_SIZE);
		return -1;
	}
	out = tpm2_put_bytes(out, digest, TPM2_POLICY_DIGEST_SIZE);
	out = tpm2_put_u32(out, TPM_CC_POLICY_LOCALITY);
	tpm2_put_u8(out, 1u << locality);
	return finish_policy_update(digest, input, sizeof(input));
}

int tpm2_policy_pcr_update(uint8_t digest[TPM2_POLICY_DIGEST_SIZE], uint32_t pcr_mask,
			   const uint8_t pcr_digest[TPM2_POLICY_DIGEST_SIZE])
{
	uint8_t input[TPM2_POLICY_DIGEST_SIZE + 4 + PCR_SELECTION_SIZE +
		      TPM2_POLICY_DIGEST_SIZE];
	uint8_t *out = input;

	if (!is_pcr_mask(pcr_mask)) {
		memset(digest, 0, TPM2_POLICY_DIGEST_SIZE);
		return -1;
	}
	out = tpm2_put_bytes(out, digest, TPM2_POLICY_DIGEST_SIZE);
	out = tpm2_put_u32(out, TPM_CC_POLICY_PCR);
	out = put_pcr_selection(out, pcr_mask);
	tpm2_put_bytes(out, pcr_digest, TPM2_POLICY_DIGEST_SIZE);
	return finish_policy_update(digest, input, sizeof(input));
}

/* --- parsing ---------------------------------------------------------------- */

/* A TPM2B holding exactly `expected` bytes, copied to `out` when it is not NULL. */
static enum tpm2_parse_status read_sized_exact(struct tpm2_reader *reader, uint16_t expected,
					       uint8_t *out)
{
	struct tpm2_reader contents;
	uint16_t size;

	if (!tpm2_read_sized(reader, &size, &contents))
		return TPM2_PARSE_TRUNCATED;
	if (size != expected)
		return TPM2_PARSE_MALFORMED;
	if (out)
		memcpy(out, contents.next, size);
	return TPM2_PARSE_OK;
}

/* The answer to a command's one session, which carried an empty hmac: a nonce
 * within the bounds given, the attributes expected, and no hmac. */
static enum tpm2_parse_status read_auth(struct tpm2_reader *reader, uint16_t nonce_minimum,
					uint16_t nonce_maximum, uint8_t attributes)
{
	struct tpm2_reader nonce, hmac;
	uint16_t nonce_size, hmac_size;
	uint8_t returned_attributes;

	if (!tpm2_read_sized(reader, &nonce_size, &nonce) ||
	    !tpm2_read_u8(reader, &returned_attributes) ||
	    !tpm2_read_sized(reader, &hmac_size, &hmac))
		return TPM2_PARSE_TRUNCATED;
	if (nonce_size < nonce_minimum || nonce_size > nonce_maximum || hmac_size ||
	    returned_attributes != attributes)
		return TPM2_PARSE_MALFORMED;
	return TPM2_PARSE_OK;
}

static bool has_handle_type(uint32_t handle, uint8_t type)
{
	return handle >> 24 == type;
}

/* outPublic: the template we sent, with unique now the SHA-256 digest the TPM
 * derived from the key. */
static enum tpm2_parse_status read_hmac_key_public(struct tpm2_reader *reader,
						   const uint8_t *auth_policy)
{
	uint8_t expected[PUBLIC_PREFIX_SIZE], returned[PUBLIC_PREFIX_SIZE];
	struct tpm2_reader public_area;
	enum tpm2_parse_status status;
	uint16_t size;

	if (!tpm2_read_sized(reader, &size, &public_area))
		return TPM2_PARSE_TRUNCATED;
	if (!tpm2_read_bytes(&public_area, returned, sizeof(returned)))
		return TPM2_PARSE_TRUNCATED;
	put_public_prefix(expected, auth_policy);
	if (memcmp(returned, expected, sizeof(expected)))
		return TPM2_PARSE_UNEXPECTED;
	status = read_sized_exact(&public_area, TPM2_POLICY_DIGEST_SIZE, NULL);
	if (status != TPM2_PARSE_OK)
		return status;
	return tpm2_expect_end(&public_area);
}

/* creationData, creationHash, creationTicket and name: nothing in them is used,
 * but each is framed and bounded. */
static enum tpm2_parse_status read_creation_results(struct tpm2_reader *reader)
{
	struct tpm2_reader creation_data, ticket_digest, name;
	enum tpm2_parse_status status;
	uint16_t size, tag, name_algorithm;
	uint32_t hierarchy;

	if (!tpm2_read_sized(reader, &size, &creation_data))
		return TPM2_PARSE_TRUNCATED;
	if (size == 0)
		return TPM2_PARSE_MALFORMED;
	status = read_sized_exact(reader, TPM2_POLICY_DIGEST_SIZE, NULL);
	if (status != TPM2_PARSE_OK)
		return status;
	/* The ticket's HMAC uses the TPM's own context hash (SHA-512 in swtpm). */
	if (!tpm2_read_u16(reader, &tag) || !tpm2_read_u32(reader, &hierarchy) ||
	    !tpm2_read_sized(reader, &size, &ticket_digest))
		return TPM2_PARSE_TRUNCATED;
	if (tag != TPM_ST_CREATION || hierarchy != TPM_RH_OWNER ||
	    size > TPM2_MAX_DIGEST_SIZE)
		return TPM2_PARSE_MALFORMED;
	if (!tpm2_read_sized(reader, &size, &name))
		return TPM2_PARSE_TRUNCATED;
	if (size != NAME_SIZE || !tpm2_read_u16(&name, &name_algorithm) ||
	    name_algorithm != TPM2_ALG_SHA256)
		return TPM2_PARSE_MALFORMED;
	return tpm2_expect_end(reader);
}

static enum tpm2_parse_status parse_create_primary(const uint8_t *response, size_t length,
						   uint32_t *response_code,
						   const uint8_t *auth_policy,
						   uint32_t *key_handle)
{
	struct tpm2_reader body, parameters;
	enum tpm2_parse_status status;
	uint32_t handle;

	status = tpm2_parse_header(response, length, TPM_ST_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!tpm2_read_u32(&body, &handle))
		return TPM2_PARSE_TRUNCATED;
	status = tpm2_read_parameters(&body, &parameters);
	if (status != TPM2_PARSE_OK)
		return status;
	status = read_hmac_key_public(&parameters, auth_policy);
	if (status != TPM2_PARSE_OK)
		return status;
	status = read_creation_results(&parameters);
	if (status != TPM2_PARSE_OK)
		return status;
	status = read_auth(&body, 0, 0, TPMA_SESSION_CONTINUE_SESSION);
	if (status != TPM2_PARSE_OK)
		return status;
	status = tpm2_expect_end(&body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!has_handle_type(handle, TPM_HT_TRANSIENT))
		return TPM2_PARSE_UNEXPECTED;
	*key_handle = handle;
	return TPM2_PARSE_OK;
}

enum tpm2_parse_status tpm2_parse_create_primary_hmac_key_response(
	const uint8_t *response, size_t length, uint32_t *response_code,
	const uint8_t auth_policy[TPM2_POLICY_DIGEST_SIZE], uint32_t *key_handle)
{
	*key_handle = 0;
	return parse_create_primary(response, length, response_code, auth_policy, key_handle);
}

static enum tpm2_parse_status parse_start_auth_session(const uint8_t *response,
						       size_t length,
						       uint32_t *response_code,
						       uint32_t *session_handle)
{
	enum tpm2_parse_status status;
	struct tpm2_reader body, nonce;
	uint32_t handle;
	uint16_t size;

	status = tpm2_parse_header(response, length, TPM_ST_NO_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!tpm2_read_u32(&body, &handle) || !tpm2_read_sized(&body, &size, &nonce))
		return TPM2_PARSE_TRUNCATED;
	/* swtpm answers with a nonce as long as ours; the TCG bounds are wider. */
	if (size < TPM2_NONCE_MIN || size > TPM2_NONCE_MAX)
		return TPM2_PARSE_MALFORMED;
	status = tpm2_expect_end(&body);
	if (status != TPM2_PARSE_OK)
		return status;
	if (!has_handle_type(handle, TPM_HT_POLICY_SESSION))
		return TPM2_PARSE_UNEXPECTED;
	*session_handle = handle;
	return TPM2_PARSE_OK;
}

enum tpm2_parse_status tpm2_parse_start_auth_session_response(const uint8_t *response,
							      size_t length,
							      uint32_t *response_code,
							      uint32_t *session_handle)
{
	*session_handle = 0;
	return parse_start_auth_session(response, length, response_code, session_handle);
}

static enum tpm2_parse_status parse_hmac(const uint8_t *response, size_t length,
					 uint32_t *response_code, uint8_t *hmac)
{
	struct tpm2_reader body, parameters;
	enum tpm2_parse_status status;

	status = tpm2_parse_header(response, length, TPM_ST_SESSIONS, response_code, &body);
	if (status != TPM2_PARSE_OK)
		return status;
	status = tpm2_read_parameters(&body, &parameters);
	if (status != TPM2_PARSE_OK)
		return status;
	status = read_sized_exact(&parameters, TPM2_HMAC_SIZE, hmac);
	if (status != TPM2_PARSE_OK)
		return status;
	status = tpm2_expect_end(&parameters);
	if (status != TPM2_PARSE_OK)
		return status;
	/* With no session key and no authValue the response HMAC is empty, and
	 * the attributes echo ours: continueSession clear, the session is over. */
	status = read_auth(&body, TPM2_NONCE_MIN, TPM2_NONCE_MAX, 0);
	if (status != TPM2_PARSE_OK)
		return status;
	return tpm2_expect_end(&body);
}

enum tpm2_parse_status tpm2_parse_hmac_response(const uint8_t *response, size_t length,
						uint32_t *response_code,
						uint8_t hmac[TPM2_HMAC_SIZE])
{
	enum tpm2_parse_status status;

	status = parse_hmac(response, length, response_code, hmac);
	if (status != TPM2_PARSE_OK)
		memset(hmac, 0, TPM2_HMAC_SIZE);
	return status;
}
