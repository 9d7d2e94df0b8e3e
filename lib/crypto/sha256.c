#include "sha256.h"

#include "mbedtls/sha256.h"

int sha256(const void *data, size_t length, uint8_t digest[SHA256_DIGEST_SIZE])
{
	return mbedtls_sha256_ret(data, length, digest, 0);
}
