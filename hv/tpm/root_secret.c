/* The root secret is an HMAC under a key the TPM derives from its owner seed and
 * a template; the template holds the key's policy, and the policy holds the PCR
 * values. Another hypervisor, policy or securebox therefore means another key,
 * while the same ones mean the same key after every reboot. The commodity OS can
 * recreate the very same key (the owner hierarchy is its too), but using it needs
 * a policy session that passed PolicyLocality(2), and the OS never reaches
 * locality 2. */
#include <string.h>

#include "mbedtls/platform_util.h"
#include "root_secret.h"
#include "sha256.h"
#include "tpm2_policy_commands.h"

#define ROOT_SECRET_LOCALITY 2
#define SESSION_NONCE_SIZE TPM2_NONCE_MIN

_Static_assert(SBX_ROOT_SECRET_SIZE == TPM2_HMAC_SIZE, "the root secret is one HMAC");

#define PCR_HYPERVISOR_AND_POLICY 17
#define PCR_SECUREBOX             18
#define POLICY_PCR_MASK ((1u << PCR_HYPERVISOR_AND_POLICY) | (1u << PCR_SECUREBOX))

/* In ascending order, as PolicyPCR digests them. */
static const uint32_t policy_pcrs[] = { PCR_HYPERVISOR_AND_POLICY, PCR_SECUREBOX };
#define POLICY_PCR_COUNT (sizeof(policy_pcrs) / sizeof(policy_pcrs[0]))

static const char root_secret_label[] = "sbx root secret v1";

static int fail(struct tpm_error *error, const char *command, const char *reason)
{
	error->command = command;
	error->reason = reason;
	error->has_response_code = false;
	return -1;
}

/* For the commands answered by a bare header. */
static int run_simple(struct tpm *tpm, const char *command, size_t command_size,
		      struct tpm_error *error)
{
	enum tpm2_parse_status parsed;
	size_t response_size;
	uint32_t response_code = 0;

	if (tpm_execute(tpm, command, command_size, &response_size, error))
		return -1;
	parsed = tpm2_parse_response_header(tpm->response, response_size, &response_code);
	if (parsed != TPM2_PARSE_OK)
		return tpm_parse_failed(error, command, parsed, response_code);
	return 0;
}

static int flush(struct tpm *tpm, uint32_t handle, struct tpm_error *error)
{
	return run_simple(tpm, "TPM2_FlushContext",
			  tpm2_build_flush_context(tpm->command, sizeof(tpm->command), handle),
			  error);
}

/* The key's authPolicy: the digest the policy session will reach, computed here
 * from the PCR values the TPM reports now. */
static int key_policy(struct tpm *tpm, uint8_t policy[TPM2_POLICY_DIGEST_SIZE],
		      struct tpm_error *error)
{
	uint8_t values[POLICY_PCR_COUNT * TPM2_POLICY_DIGEST_SIZE];
	uint8_t values_digest[TPM2_POLICY_DIGEST_SIZE];

	for (size_t i = 0; i < POLICY_PCR_COUNT; i++) {
		struct tpm2_digest value;

		/* The parser guarantees a SHA-256 value is 32 bytes. */
		if (tpm_pcr_read(tpm, TPM2_ALG_SHA256, policy_pcrs[i], &value, error))
			return -1;
		memcpy(values + i * TPM2_POLICY_DIGEST_SIZE, value.bytes,
		       TPM2_POLICY_DIGEST_SIZE);
	}
	memset(policy, 0, TPM2_POLICY_DIGEST_SIZE);
	if (sha256(values, sizeof(values), values_digest) ||
	    tpm2_policy_locality_update(policy, ROOT_SECRET_LOCALITY) ||
	    tpm2_policy_pcr_update(policy, POLICY_PCR_MASK, values_digest))
		return fail(error, "root secret policy", "SHA-256 failed");
	return 0;
}

static int create_key(struct tpm *tpm, const uint8_t policy[TPM2_POLICY_DIGEST_SIZE],
		      uint32_t *key, struct tpm_error *error)
{
	enum tpm2_parse_status parsed;
	size_t response_size;
	uint32_t response_code = 0;

	if (tpm_execute(tpm, "TPM2_CreatePrimary",
			tpm2_build_create_primary_hmac_key(tpm->command, sizeof(tpm->command),
							   policy),
			&response_size, error))
		return -1;
	parsed = tpm2_parse_create_primary_hmac_key_response(tpm->response, response_size,
							     &response_code, policy, key);
	if (parsed != TPM2_PARSE_OK)
		return tpm_parse_failed(error, "TPM2_CreatePrimary", parsed, response_code);
	return 0;
}

static int start_session(struct tpm *tpm, uint32_t *session, struct tpm_error *error)
{
	uint8_t nonce[SESSION_NONCE_SIZE];
	enum tpm2_parse_status parsed;
	size_t response_size;
	uint32_t response_code = 0;

	if (tpm_get_random(tpm, nonce, sizeof(nonce), error) ||
	    tpm_execute(tpm, "TPM2_StartAuthSession",
			tpm2_build_start_policy_session(tpm->command, sizeof(tpm->command), nonce,
							sizeof(nonce)),
			&response_size, error))
		return -1;
	parsed = tpm2_parse_start_auth_session_response(tpm->response, response_size,
							&response_code, session);
	if (parsed != TPM2_PARSE_OK)
		return tpm_parse_failed(error, "TPM2_StartAuthSession", parsed, response_code);
	return 0;
}

/* The same assertions, in the same order, as key_policy() digested. */
static int satisfy_policy(struct tpm *tpm, uint32_t session, struct tpm_error *error)
{
	if (run_simple(tpm, "TPM2_PolicyLocality",
		       tpm2_build_policy_locality(tpm->command, sizeof(tpm->command), session,
						  ROOT_SECRET_LOCALITY),
		       error) ||
	    run_simple(tpm, "TPM2_PolicyPCR",
		       tpm2_build_policy_pcr(tpm->command, sizeof(tpm->command), session,
					     POLICY_PCR_MASK),
		       error))
		return -1;
	return 0;
}

static int compute_hmac(struct tpm *tpm, uint32_t key, uint32_t session,
			uint8_t secret[SBX_ROOT_SECRET_SIZE], struct tpm_error *error)
{
	enum tpm2_parse_status parsed;
	size_t response_size;
	uint32_t response_code = 0;

	if (tpm_execute(tpm, "TPM2_HMAC",
			tpm2_build_hmac(tpm->command, sizeof(tpm->command), key, session,
					root_secret_label, sizeof(root_secret_label) - 1),
			&response_size, error))
		return -1;
	parsed = tpm2_parse_hmac_response(tpm->response, response_size, &response_code, secret);
	/* The response buffer outlives this call: leave no copy of the secret. */
	mbedtls_platform_zeroize(tpm->response, sizeof(tpm->response));
	if (parsed != TPM2_PARSE_OK)
		return tpm_parse_failed(error, "TPM2_HMAC", parsed, response_code);
	return 0;
}

int tpm_derive_root_secret(struct tpm *tpm, uint8_t secret[SBX_ROOT_SECRET_SIZE],
			   struct tpm_error *error)
{
	uint8_t policy[TPM2_POLICY_DIGEST_SIZE];
	struct tpm_error cleanup_error;
	uint32_t key = 0, session = 0;

	memset(secret, 0, SBX_ROOT_SECRET_SIZE);
	if (tpm->tis.locality != ROOT_SECRET_LOCALITY)
		return fail(error, "root secret", "the TPM is not held at locality 2");
	if (key_policy(tpm, policy, error) || create_key(tpm, policy, &key, error))
		return -1;
	if (start_session(tpm, &session, error) || satisfy_policy(tpm, session, error) ||
	    compute_hmac(tpm, key, session, secret, error)) {
		/* Only a successful HMAC ends the session. The first error is the
		 * one to report; these flushes just free the TPM's slots. */
		if (session)
			flush(tpm, session, &cleanup_error);
		flush(tpm, key, &cleanup_error);
		mbedtls_platform_zeroize(secret, SBX_ROOT_SECRET_SIZE);
		return -1;
	}
	if (flush(tpm, key, error)) {
		mbedtls_platform_zeroize(secret, SBX_ROOT_SECRET_SIZE);
		return -1;
	}
	return 0;
}
