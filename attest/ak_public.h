/* The attestation key's public area (ATTESTATION.md, step 2), parsed strictly. sbx
 * pins one AK profile: an RSA-2048 restricted signing key with RSASSA-PKCS1-v1_5
 * over SHA-256 and nameAlg SHA-256. RSA rather than ECDSA P-256 because a verify
 * with mbedTLS 2.28 costs far less, and the verifier checks quotes in batches. */
#ifndef SBX_ATTEST_AK_PUBLIC_H
#define SBX_ATTEST_AK_PUBLIC_H

#include <stddef.h>
#include <stdint.h>

#define AK_RSA_MODULUS_SIZE 256   /* RSA-2048 */
#define AK_NAME_SIZE 34           /* nameAlg (TPM_ALG_SHA256) || SHA-256(public area) */

struct ak_public {
	uint8_t modulus[AK_RSA_MODULUS_SIZE];   /* big-endian, as in the public area */
	uint32_t exponent;                      /* 65537: the area's 0 means the default */
	uint8_t name[AK_NAME_SIZE];
};

/* Parses `bytes`, a TPM2B_PUBLIC (size prefix included, as tpm2_createak -u writes
 * it) that must fill `size` exactly, into `ak`, and computes the Name over the
 * public area exactly as received. Returns an enum verify_status (report_verify.h):
 * VERIFY_MALFORMED if the encoding is wrong, VERIFY_UNTRUSTED if it is a well-formed
 * key outside the pinned profile; `*reason` then names the first failed check. */
int ak_public_parse(const uint8_t *bytes, size_t size, struct ak_public *ak,
		    const char **reason);

#endif
