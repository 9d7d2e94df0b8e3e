/* The secret is computed at start rather than stored, so the securebox image (which
 * the commodity OS can read, e.g. on the boot medium) never contains its bytes. */
#include <stddef.h>
#include <stdint.h>

#include "sbx/secret_pattern.h"
#include "secret.h"

/* Read through a volatile lvalue, so the compiler cannot fold the page into a
 * constant table in the image. (A const volatile object would land in .data; this
 * one stays in read-only memory.) */
static const uint32_t secret_seed = SBX_SECRET_PATTERN_SEED;

static uint8_t secret_page[SBX_SECRET_PATTERN_SIZE] __attribute__((aligned(4096)));

void secret_generate(void)
{
	uint32_t seed = *(const volatile uint32_t *)&secret_seed;
	size_t i;

	for (i = 0; i < SBX_SECRET_PATTERN_SIZE; i++)
		secret_page[i] = sbx_secret_pattern_byte(seed, i);
	/* Nothing in the securebox reads the page; this tells the compiler that
	 * something may, so the stores above must happen. */
	__asm__ volatile("" : : "r"(secret_page) : "memory");
}
