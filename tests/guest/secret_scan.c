/* A leak is a run of SBX_SECRET_MATCH_LENGTH bytes equal to the pattern at some
 * offset. Any such run contains an 8-byte key starting at a multiple of
 * SCAN_STRIDE, so only those keys are looked up in the index, and each hit is
 * extended both ways to measure its run. That makes scanning the guest's whole
 * RAM affordable under emulation: one lookup per SCAN_STRIDE bytes. */
#include <string.h>

#include "secret_scan.h"

/* The largest multiple of 8 such that a window of the match length always holds
 * a whole key at a multiple of it: stride + key size - 1 <= match length. */
#define SCAN_STRIDE ((SBX_SECRET_MATCH_LENGTH - SECRET_KEY_SIZE + 1) / 8 * 8)
#define WINDOW_COUNT (SBX_SECRET_PATTERN_SIZE - SECRET_KEY_SIZE + 1)

_Static_assert(SCAN_STRIDE > 0, "the match length must exceed the key size");
_Static_assert(WINDOW_COUNT * 4 <= SECRET_INDEX_SLOTS, "the index must stay sparse");
_Static_assert(WINDOW_COUNT < UINT16_MAX, "slots hold offsets as uint16_t");

static uint64_t load_key(const uint8_t *bytes)
{
	uint64_t key;

	memcpy(&key, bytes, sizeof(key));
	return key;
}

static size_t slot_of(uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 50) & (SECRET_INDEX_SLOTS - 1);
}

void secret_index_init(struct secret_index *index, uint32_t seed)
{
	volatile uint32_t hidden_seed = seed;
	uint32_t generator = hidden_seed;

	for (size_t i = 0; i < SBX_SECRET_PATTERN_SIZE; i++)
		index->pattern[i] = sbx_secret_pattern_byte(generator, i);
	memset(index->slots, 0, sizeof(index->slots));
	for (size_t offset = 0; offset < WINDOW_COUNT; offset++) {
		size_t slot = slot_of(load_key(index->pattern + offset));

		while (index->slots[slot])
			slot = (slot + 1) & (SECRET_INDEX_SLOTS - 1);
		index->slots[slot] = (uint16_t)(offset + 1);
	}
}

/* The length of the run of pattern bytes through bytes[at] == pattern[offset]
 * (the key there already matches), capped at the match length; *start gets
 * where the run begins in `bytes`. */
static size_t run_length(const struct secret_index *index, const uint8_t *bytes,
			 size_t length, size_t at, size_t offset, size_t *start)
{
	size_t before = 0, after = SECRET_KEY_SIZE;

	while (before < SBX_SECRET_MATCH_LENGTH && before < at && before < offset &&
	       bytes[at - before - 1] == index->pattern[offset - before - 1])
		before++;
	while (before + after < SBX_SECRET_MATCH_LENGTH && at + after < length &&
	       offset + after < SBX_SECRET_PATTERN_SIZE &&
	       bytes[at + after] == index->pattern[offset + after])
		after++;
	*start = at - before;
	return before + after;
}

bool secret_find(const struct secret_index *index, const uint8_t *bytes, size_t length,
		 size_t *offset)
{
	if (length < SBX_SECRET_MATCH_LENGTH)
		return false;
	for (size_t at = 0; at <= length - SECRET_KEY_SIZE; at += SCAN_STRIDE) {
		uint64_t key = load_key(bytes + at);
		size_t slot = slot_of(key);

		for (; index->slots[slot]; slot = (slot + 1) & (SECRET_INDEX_SLOTS - 1)) {
			size_t window = index->slots[slot] - 1u;

			if (load_key(index->pattern + window) == key &&
			    run_length(index, bytes, length, at, window, offset) >=
				    SBX_SECRET_MATCH_LENGTH)
				return true;
		}
	}
	return false;
}
