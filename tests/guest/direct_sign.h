/* A key vault signature computed directly in the test guest, as the securebox
 * computes one (securebox/key_vault.c, signing_key.c) with the same mbedTLS build:
 * SHA-256 over SBX_KEY_SIGN_DOMAIN, usage, label and digest, then deterministic
 * ECDSA P-256 (RFC 6979) with SHA-256, DER-encoded. The benchmark times it against
 * a KEY_SIGN round trip, to show what the securebox adds. */
#ifndef SBX_TEST_GUEST_DIRECT_SIGN_H
#define SBX_TEST_GUEST_DIRECT_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include <sbx/service.h>

#include "mbedtls/ecdsa.h"
#include "mbedtls/hmac_drbg.h"

struct direct_signer {
	mbedtls_ecdsa_context key;
	/* Blinds the computation, as the securebox's DRBG does; the signature
	 * does not depend on it, so a fixed seed serves. */
	mbedtls_hmac_drbg_context blinding;
};

/* Loads a fixed private key (RFC 6979 A.2.5's) and checks that this build signs
 * as RFC 6979 says it must. NULL on success, else why not; direct_signer_free()
 * afterwards either way. */
const char *direct_signer_init(struct direct_signer *signer);

/* Signs `digest` as KEY_SIGN with a key of `usage` and `label` would. Returns 0, or
 * the mbedTLS error; `*size` bytes of `der` are then the signature. */
int direct_sign(struct direct_signer *signer, uint32_t usage,
		const uint8_t label[SBX_KEY_LABEL_SIZE], const uint8_t digest[SBX_DIGEST_SIZE],
		uint8_t der[SBX_SIGNATURE_MAX], size_t *size);

void direct_signer_free(struct direct_signer *signer);

#endif
