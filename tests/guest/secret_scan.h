/* Finding the securebox's test secret (<sbx/secret_pattern.h>) in memory the
 * commodity can read: SBX_SECRET_MATCH_LENGTH consecutive pattern bytes, from
 * any offset of the pattern, anywhere in a buffer. Pure code, unit tested. */
#ifndef SBX_TEST_GUEST_SECRET_SCAN_H
#define SBX_TEST_GUEST_SECRET_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sbx/secret_pattern.h>

#define SECRET_KEY_SIZE    8
#define SECRET_INDEX_SLOTS 16384   /* a power of two, four times the pattern's keys */

/* The pattern, and a hash index of every 8-byte window of it. The index holds
 * offsets only, so `pattern` is the one copy of the secret a scan must skip. */
struct secret_index {
	uint8_t pattern[SBX_SECRET_PATTERN_SIZE];
	uint16_t slots[SECRET_INDEX_SLOTS];   /* window offset + 1; 0 = empty */
};

/* Generates the pattern from `seed` (read through a volatile, so the compiler
 * cannot turn the pattern into a constant table in the image) and indexes it. */
void secret_index_init(struct secret_index *index, uint32_t seed);

/* Whether `bytes` hold a leak; if so, *offset is where the matching run starts. */
bool secret_find(const struct secret_index *index, const uint8_t *bytes, size_t length,
		 size_t *offset);

#endif
