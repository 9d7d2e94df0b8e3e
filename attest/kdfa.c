#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "kdfa.h"

#include <string.h>

#include "mbedtls/md.h"
#include "mbedtls/platform_util.h"

#define SHA256_SIZE 32

static void put_u32(uint8_t bytes[4], uint32_t value)
{
	bytes[0] = value >> 24;
	bytes[1] = value >> 16;
	bytes[2] = value >> 8;
	bytes[3] = value;
}

/* K(i) = HMAC(key, [i]32 || label || 0 || contextU || contextV || [bits]32). */
static int derive_block(mbedtls_md_context_t *hmac, uint32_t counter, const char *label,
			const uint8_t *context_u, size_t context_u_size,
			const uint8_t *context_v, size_t context_v_size, uint32_t bits,
			uint8_t block[SHA256_SIZE])
{
	uint8_t counter_bytes[4], bits_bytes[4];

	put_u32(counter_bytes, counter);
	put_u32(bits_bytes, bits);
	if (mbedtls_md_hmac_reset(hmac) != 0 ||
	    mbedtls_md_hmac_update(hmac, counter_bytes, sizeof(counter_bytes)) != 0 ||
	    mbedtls_md_hmac_update(hmac, (const uint8_t *)label, strlen(label) + 1) != 0 ||
	    (context_u_size && mbedtls_md_hmac_update(hmac, context_u, context_u_size) != 0) ||
	    (context_v_size && mbedtls_md_hmac_update(hmac, context_v, context_v_size) != 0) ||
	    mbedtls_md_hmac_update(hmac, bits_bytes, sizeof(bits_bytes)) != 0 ||
	    mbedtls_md_hmac_finish(hmac, block) != 0)
		return -1;
	return 0;
}

int kdfa_sha256(const uint8_t *key, size_t key_size, const char *label,
		const uint8_t *context_u, size_t context_u_size, const uint8_t *context_v,
		size_t context_v_size, uint8_t *out, size_t size)
{
	mbedtls_md_context_t hmac;
	uint8_t block[SHA256_SIZE];
	size_t done = 0;
	uint32_t counter = 1;
	int result = -1;

	/* [bits]32 must hold the output length. */
	if (size > UINT32_MAX / 8)
		return -1;
	mbedtls_md_init(&hmac);
	if (mbedtls_md_setup(&hmac, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1) != 0 ||
	    mbedtls_md_hmac_starts(&hmac, key, key_size) != 0)
		goto out;
	while (done < size) {
		size_t chunk = size - done < SHA256_SIZE ? size - done : SHA256_SIZE;

		if (derive_block(&hmac, counter++, label, context_u, context_u_size, context_v,
				 context_v_size, (uint32_t)(size * 8), block) != 0)
			goto out;
		memcpy(out + done, block, chunk);
		done += chunk;
	}
	result = 0;
out:
	if (result != 0)
		mbedtls_platform_zeroize(out, size);
	mbedtls_platform_zeroize(block, sizeof(block));
	mbedtls_md_free(&hmac);
	return result;
}
