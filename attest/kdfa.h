/* KDFa with SHA-256 (TPM 2.0 Part 1, 11.4.10.2): NIST SP 800-108 in counter mode
 * with HMAC, as a TPM derives the keys that protect a credential. */
#ifndef SBX_ATTEST_KDFA_H
#define SBX_ATTEST_KDFA_H

#include <stddef.h>
#include <stdint.h>

/* Writes `size` bytes of KDFa(SHA-256, key, label, context_u, context_v, size * 8)
 * to `out`. `label` is a C string: the TPM hashes it with its terminating zero.
 * Either context may be empty (NULL, 0). Returns 0, or -1 if mbedTLS fails. */
int kdfa_sha256(const uint8_t *key, size_t key_size, const char *label,
		const uint8_t *context_u, size_t context_u_size, const uint8_t *context_v,
		size_t context_v_size, uint8_t *out, size_t size);

#endif
