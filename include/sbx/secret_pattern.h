/* The securebox's test secret: a page of bytes that the securebox computes at start
 * and keeps in its memory, so that attack tests can prove it never reaches the
 * commodity OS. It is generated, never stored: neither the securebox image nor the
 * test guest image contains the bytes, so finding them anywhere the commodity can
 * read means they leaked from securebox memory. */
#ifndef SBX_SECRET_PATTERN_H
#define SBX_SECRET_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define SBX_SECRET_PATTERN_SIZE 4096u
/* A leak is reported when this many consecutive pattern bytes are found. */
#define SBX_SECRET_MATCH_LENGTH 32u

/* Byte i of the pattern, from a seed the caller passes through a volatile so that
 * the compiler cannot fold the page into a constant table. */
static inline uint8_t sbx_secret_pattern_byte(uint32_t seed, size_t index)
{
	uint32_t x = seed ^ (uint32_t)(index * 0x9e3779b9u);

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	return (uint8_t)(x >> 7);
}

#define SBX_SECRET_PATTERN_SEED 0x5ec12e75u

#endif
