/* The securebox's random numbers: a CTR_DRBG (AES-256) instantiated from the seed
 * the hypervisor put in the boot information, and reseeded from RDRAND before each
 * key is made when the CPU has it. Without a seed there is no DRBG, and every
 * service that needs randomness refuses (SBX_SERVICE_E_NO_ENTROPY): a key made
 * from a guessable state would be worse than none. */
#ifndef SBX_SECUREBOX_ENTROPY_H
#define SBX_SECUREBOX_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ctr_drbg.h"
#include "sbx/boot_info.h"

/* A seed must carry the DRBG's full security strength: AES-256, 256 bits. */
#define ENTROPY_SEED_MIN 32u

struct entropy {
	mbedtls_ctr_drbg_context drbg;
	bool ready;                /* instantiated from a seed */
	bool rdrand;               /* the CPU has RDRAND */
	const uint8_t *seed;       /* the boot seed, while it is being consumed */
	size_t seed_size;
};

/* Instantiates the DRBG from the first `seed_size` bytes of `seed`, if that is
 * between ENTROPY_SEED_MIN and SBX_SEED_MAX, and then wipes all of `seed`
 * whatever its size said: the seed's bytes exist nowhere else afterwards. */
void entropy_init(struct entropy *entropy, uint8_t seed[SBX_SEED_MAX], uint32_t seed_size);

bool entropy_ready(const struct entropy *entropy);

/* Mixes fresh RDRAND output into the DRBG, on a CPU that has RDRAND; does nothing
 * on one that has none. Non-zero (an mbedTLS error) when RDRAND failed. */
int entropy_reseed(struct entropy *entropy);

/* mbedTLS's f_rng: `size` bytes from the DRBG; an error when there is none. */
int entropy_random(void *entropy, unsigned char *output, size_t size);

void entropy_free(struct entropy *entropy);

#endif
