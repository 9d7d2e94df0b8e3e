/* ECDSA P-256 keys as the securebox holds them: the identity key and the key vault's
 * keys. The private scalar stays in this structure (and the heap under it); only
 * the public point and signatures are ever copied out. */
#ifndef SBX_SECUREBOX_SIGNING_KEY_H
#define SBX_SECUREBOX_SIGNING_KEY_H

#include <stdint.h>

#include "entropy.h"
#include "mbedtls/ecdsa.h"
#include "sbx/hypercall.h"
#include "sbx/service.h"

struct signing_key {
	mbedtls_ecdsa_context pair;
	/* 0x04 || X || Y. Aligned, because the identity key's is a hypercall
	 * buffer (SBX_HC_SECUREBOX_IDENTITY). */
	uint8_t public_key[SBX_PUBLIC_KEY_SIZE] __attribute__((aligned(SBX_BUFFER_ALIGNMENT)));
};

void signing_key_init(struct signing_key *key);

/* Makes a new key pair from the DRBG, reseeded first (entropy_reseed). Returns
 * SBX_SERVICE_OK; SBX_SERVICE_E_NO_ENTROPY without a DRBG or when RDRAND failed;
 * SBX_SERVICE_E_CRYPTO when mbedTLS failed. On failure the key is left empty. */
int32_t signing_key_generate(struct signing_key *key, struct entropy *entropy);

/* Deterministic ECDSA (RFC 6979) with SHA-256 over a 32-byte digest, DER-encoded
 * into `der`; `*size` bytes of it are used. The DRBG only blinds the computation
 * against side channels; the signature does not depend on it. Returns
 * SBX_SERVICE_OK or SBX_SERVICE_E_CRYPTO. */
int32_t signing_key_sign(struct signing_key *key, struct entropy *entropy,
			 const uint8_t digest[SBX_DIGEST_SIZE], uint8_t der[SBX_SIGNATURE_MAX],
			 uint32_t *size);

/* Wipes the key (mbedTLS zeroizes the private scalar as it frees it). */
void signing_key_free(struct signing_key *key);

#endif
