/* The TPM 2.0 commands behind the hypervisor's TPM-bound root secret: a primary
 * HMAC key that only a policy session can use, that session and its two
 * assertions (locality, PCR values), the HMAC itself, and the trial policy digest
 * the key's template carries. Marshalled by hand like tpm2_command.h, with the
 * same parse statuses and the same strictness; tests/unit cross-checks every byte
 * against libtss2-mu. */
#ifndef SBX_HV_TPM2_POLICY_COMMANDS_H
#define SBX_HV_TPM2_POLICY_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

#include "tpm2_command.h"

/* Policy digests, the key's name algorithm and its HMAC are all SHA-256. */
#define TPM2_POLICY_DIGEST_SIZE 32
#define TPM2_HMAC_SIZE          32
/* Nonces are at least 16 bytes and at most the session hash's digest size. */
#define TPM2_NONCE_MIN          16
#define TPM2_NONCE_MAX          32
#define TPM2_LOCALITY_COUNT     5
#define TPM2_MAX_HMAC_DATA      1024u   /* TPM2B_MAX_BUFFER's limit */

/* --- trial policy digests (TCG Part 3, each command's policyDigest update) --- */

/* policyDigest := SHA-256(policyDigest || TPM_CC_PolicyLocality || 1 << locality).
 * Returns 0, or -1 for a locality above 4 or a failed hash (digest then zeroed). */
int tpm2_policy_locality_update(uint8_t digest[TPM2_POLICY_DIGEST_SIZE], unsigned locality);

/* policyDigest := SHA-256(policyDigest || TPM_CC_PolicyPCR || pcrs || pcr_digest),
 * where pcrs is the SHA-256 bank selection of the PCRs set in `pcr_mask` (bit n =
 * PCR n) and `pcr_digest` is SHA-256 of their values in ascending PCR order. */
int tpm2_policy_pcr_update(uint8_t digest[TPM2_POLICY_DIGEST_SIZE], uint32_t pcr_mask,
			   const uint8_t pcr_digest[TPM2_POLICY_DIGEST_SIZE]);

/* --- builders: like tpm2_command.h, the size written or 0 ------------------ */

/* TPM2_CreatePrimary under TPM_RH_OWNER with an empty password: a KEYEDHASH key,
 * nameAlg SHA-256, fixedTPM | fixedParent | sensitiveDataOrigin | sign |
 * adminWithPolicy (not userWithAuth: every use needs a policy session), scheme
 * HMAC(SHA-256), empty unique, and `auth_policy`. The TPM derives the key from its
 * owner seed and this template, so the same template gives the same key. */
size_t tpm2_build_create_primary_hmac_key(uint8_t *buffer, size_t capacity,
					  const uint8_t auth_policy[TPM2_POLICY_DIGEST_SIZE]);
/* TPM2_StartAuthSession: a policy session hashing with SHA-256, unsalted, unbound,
 * no parameter encryption; nonce_size in TPM2_NONCE_MIN..TPM2_NONCE_MAX. */
size_t tpm2_build_start_policy_session(uint8_t *buffer, size_t capacity,
				       const uint8_t *nonce_caller, size_t nonce_size);
size_t tpm2_build_policy_locality(uint8_t *buffer, size_t capacity, uint32_t session_handle,
				  unsigned locality);
/* TPM2_PolicyPCR with an empty pcrDigest: the TPM takes the PCRs' current values. */
size_t tpm2_build_policy_pcr(uint8_t *buffer, size_t capacity, uint32_t session_handle,
			     uint32_t pcr_mask);
/* TPM2_HMAC with SHA-256, authorised by `session_handle`, a policy session whose
 * policy holds neither PolicyAuthValue nor PolicyPassword: the TPM then takes an
 * empty command HMAC (swtpm rejects a non-empty wrong one with TPM_RC_BAD_AUTH).
 * continueSession is clear, so a successful HMAC also ends the session. */
size_t tpm2_build_hmac(uint8_t *buffer, size_t capacity, uint32_t key_handle,
		       uint32_t session_handle, const void *data, size_t size);
size_t tpm2_build_flush_context(uint8_t *buffer, size_t capacity, uint32_t handle);

/* --- parsers ------------------------------------------------------------------
 * TPM2_PolicyLocality, TPM2_PolicyPCR and TPM2_FlushContext answer with a bare
 * header: tpm2_parse_response_header() reads them. A failed parse zeroes outputs. */

/* The returned public area must be the template sent with `auth_policy`, its
 * unique field filled with a SHA-256 digest; the handle must be transient. */
enum tpm2_parse_status tpm2_parse_create_primary_hmac_key_response(
	const uint8_t *response, size_t length, uint32_t *response_code,
	const uint8_t auth_policy[TPM2_POLICY_DIGEST_SIZE], uint32_t *key_handle);
/* The handle must be a policy session's. */
enum tpm2_parse_status tpm2_parse_start_auth_session_response(const uint8_t *response,
							      size_t length,
							      uint32_t *response_code,
							      uint32_t *session_handle);
/* The session's answer must report it ended, with a fresh nonce and no HMAC. */
enum tpm2_parse_status tpm2_parse_hmac_response(const uint8_t *response, size_t length,
						uint32_t *response_code,
						uint8_t hmac[TPM2_HMAC_SIZE]);

#endif
