/* SHA-256 for sbx, backed by mbedTLS (never a hand-written implementation). */
#ifndef SBX_CRYPTO_SHA256_H
#define SBX_CRYPTO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

/* Returns 0 on success; mbedTLS's SHA-256 cannot fail for in-memory input, but its
 * status is passed on rather than assumed. */
int sha256(const void *data, size_t length, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif
