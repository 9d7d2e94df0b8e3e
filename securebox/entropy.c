#include <limits.h>
#include <string.h>

#include "entropy.h"
#include "mbedtls/platform_util.h"
#include "rdrand.h"

/* Domain separation from any other CTR_DRBG the same seed might ever feed. */
static const char personalization[] = "sbx securebox drbg v1";

/* The DRBG's entropy source: the boot seed once, when it is instantiated; RDRAND
 * for every reseed after that. */
static int entropy_source(void *context, unsigned char *output, size_t size)
{
	struct entropy *entropy = context;

	if (entropy->seed) {
		if (size != entropy->seed_size)
			return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
		memcpy(output, entropy->seed, size);
		entropy->seed = NULL;
		return 0;
	}
	if (!entropy->rdrand || !rdrand_fill(output, size))
		return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
	return 0;
}

void entropy_init(struct entropy *entropy, uint8_t seed[SBX_SEED_MAX], uint32_t seed_size)
{
	memset(entropy, 0, sizeof(*entropy));
	mbedtls_ctr_drbg_init(&entropy->drbg);
	if (seed_size >= ENTROPY_SEED_MIN && seed_size <= SBX_SEED_MAX) {
		entropy->rdrand = rdrand_available();
		entropy->seed = seed;
		entropy->seed_size = seed_size;
		/* One read of the whole seed, and the same amount from RDRAND at each
		 * reseed; no separate nonce, since the seed alone carries the DRBG's
		 * full strength. */
		mbedtls_ctr_drbg_set_entropy_len(&entropy->drbg, seed_size);
		(void)mbedtls_ctr_drbg_set_nonce_len(&entropy->drbg, 0);
		entropy->ready = mbedtls_ctr_drbg_seed(&entropy->drbg, entropy_source, entropy,
						       (const unsigned char *)personalization,
						       sizeof(personalization) - 1) == 0;
		/* Reseeds happen where keys are made (entropy_reseed). Without RDRAND
		 * an automatic one could only fail, so the DRBG never asks for one:
		 * the seed is its entropy for the whole boot. */
		mbedtls_ctr_drbg_set_reseed_interval(&entropy->drbg, INT_MAX);
		entropy->seed = NULL;
	}
	mbedtls_platform_zeroize(seed, SBX_SEED_MAX);
}

bool entropy_ready(const struct entropy *entropy)
{
	return entropy->ready;
}

int entropy_reseed(struct entropy *entropy)
{
	if (!entropy->ready)
		return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
	if (!entropy->rdrand)
		return 0;
	return mbedtls_ctr_drbg_reseed(&entropy->drbg, NULL, 0);
}

int entropy_random(void *context, unsigned char *output, size_t size)
{
	struct entropy *entropy = context;

	if (!entropy->ready)
		return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
	return mbedtls_ctr_drbg_random(&entropy->drbg, output, size);
}

void entropy_free(struct entropy *entropy)
{
	mbedtls_ctr_drbg_free(&entropy->drbg);
	entropy->ready = false;
}
