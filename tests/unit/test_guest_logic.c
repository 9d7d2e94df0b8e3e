/* Unit tests for the test guest's pure logic: the secret scan (every offset of
 * the pattern, every position in a buffer, runs one byte short), the heapsort
 * and median behind the benchmark, its ratio formatting, and the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../guest/cmdline.h"
#include "../guest/secret_scan.h"
#include "../guest/statistics.h"

#define HAYSTACK_SIZE (64 * 1024)

static struct secret_index index_;
static uint8_t pattern[SBX_SECRET_PATTERN_SIZE];
static uint8_t haystack[HAYSTACK_SIZE];
static uint8_t buffer[HAYSTACK_SIZE];

/* Deterministic noise that never contains a pattern run by accident. */
static void fill_noise(uint8_t *bytes, size_t length, uint32_t seed)
{
	for (size_t i = 0; i < length; i++) {
		seed = seed * 1103515245u + 12345u;
		bytes[i] = (uint8_t)(seed >> 16);
	}
}

/* Copies the noise into `buffer` with pattern[from, from + length) at `at`,
 * the bytes around it differing from the pattern's neighbours, so the run is
 * exactly `length` long. */
static void plant(size_t at, size_t from, size_t length)
{
	memcpy(buffer, haystack, HAYSTACK_SIZE);
	memcpy(buffer + at, pattern + from, length);
	if (at > 0 && from > 0)
		buffer[at - 1] = (uint8_t)~pattern[from - 1];
	if (at + length < HAYSTACK_SIZE && from + length < SBX_SECRET_PATTERN_SIZE)
		buffer[at + length] = (uint8_t)~pattern[from + length];
}

static int setup(void **state)
{
	(void)state;
	secret_index_init(&index_, SBX_SECRET_PATTERN_SEED);
	for (size_t i = 0; i < SBX_SECRET_PATTERN_SIZE; i++)
		pattern[i] = sbx_secret_pattern_byte(SBX_SECRET_PATTERN_SEED, i);
	fill_noise(haystack, sizeof(haystack), 1);
	return 0;
}

static void test_index_holds_the_pattern(void **state)
{
	(void)state;
	assert_memory_equal(index_.pattern, pattern, sizeof(pattern));
}

static void test_noise_holds_no_secret(void **state)
{
	size_t offset;

	(void)state;
	assert_false(secret_find(&index_, haystack, sizeof(haystack), &offset));
}

static void test_whole_pattern_found(void **state)
{
	size_t offset = 1;

	(void)state;
	assert_true(secret_find(&index_, pattern, sizeof(pattern), &offset));
	assert_int_equal(offset, 0);
}

/* Every pattern offset, at positions that cover every residue of the scan's
 * stride and both ends of the buffer. */
static void test_minimal_run_found_everywhere(void **state)
{
	static const size_t positions[] = { 0, 1, 7, 8, 23, 24, 25, 4093, 30000 };

	(void)state;
	for (size_t from = 0; from + SBX_SECRET_MATCH_LENGTH <= SBX_SECRET_PATTERN_SIZE;
	     from += 13) {
		for (size_t p = 0; p < sizeof(positions) / sizeof(positions[0]) + 1; p++) {
			size_t at = p < sizeof(positions) / sizeof(positions[0])
					    ? positions[p]
					    : HAYSTACK_SIZE - SBX_SECRET_MATCH_LENGTH;
			size_t offset = 0;

			plant(at, from, SBX_SECRET_MATCH_LENGTH);
			assert_true(secret_find(&index_, buffer, HAYSTACK_SIZE, &offset));
			assert_int_equal(offset, at);
		}
	}
}

static void test_pattern_edges_found(void **state)
{
	const size_t last = SBX_SECRET_PATTERN_SIZE - SBX_SECRET_MATCH_LENGTH;
	size_t offset;

	(void)state;
	plant(50, 0, SBX_SECRET_MATCH_LENGTH);
	assert_true(secret_find(&index_, buffer, 200, &offset));
	assert_int_equal(offset, 50);

	plant(101, last, SBX_SECRET_MATCH_LENGTH);
	assert_true(secret_find(&index_, buffer, 200, &offset));
	assert_int_equal(offset, 101);
}

static void test_run_one_short_not_found(void **state)
{
	size_t offset;

	(void)state;
	for (size_t at = 0; at < 100; at++) {
		plant(at, 1000, SBX_SECRET_MATCH_LENGTH - 1);
		assert_false(secret_find(&index_, buffer, HAYSTACK_SIZE, &offset));
		plant(HAYSTACK_SIZE - at - SBX_SECRET_MATCH_LENGTH + 1, at,
		      SBX_SECRET_MATCH_LENGTH - 1);
		assert_false(secret_find(&index_, buffer, HAYSTACK_SIZE, &offset));
	}
}

/* Two pattern pieces that abut in memory but not in the pattern are no run. */
static void test_spliced_pieces_not_found(void **state)
{
	size_t offset;

	(void)state;
	plant(64, 100, 20);
	memcpy(buffer + 84, pattern + 2000, 20);
	buffer[104] = (uint8_t)~pattern[2020];
	assert_false(secret_find(&index_, buffer, 256, &offset));
}

static void test_short_buffers(void **state)
{
	size_t offset;

	(void)state;
	assert_false(secret_find(&index_, pattern, 0, &offset));
	assert_false(secret_find(&index_, pattern, SBX_SECRET_MATCH_LENGTH - 1, &offset));
	assert_true(secret_find(&index_, pattern + 7, SBX_SECRET_MATCH_LENGTH, &offset));
	assert_int_equal(offset, 0);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_heapsort_matches_qsort(void **state)
{
	static const size_t counts[] = { 0, 1, 2, 3, 4, 5, 16, 17, 1000, 10000 };
	uint64_t *values = malloc(10000 * sizeof(*values));
	uint64_t *expected = malloc(10000 * sizeof(*expected));
	uint32_t seed = 7;

	(void)state;
	assert_non_null(values);
	assert_non_null(expected);
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		for (size_t shape = 0; shape < 4; shape++) {
			for (size_t i = 0; i < counts[c]; i++) {
				seed = seed * 1103515245u + 12345u;
				values[i] = shape == 0 ? seed >> 8         /* random */
					  : shape == 1 ? i                 /* sorted */
					  : shape == 2 ? counts[c] - i     /* reversed */
						       : seed % 3;         /* duplicates */
			}
			memcpy(expected, values, counts[c] * sizeof(*values));
			qsort(expected, counts[c], sizeof(*expected), compare_u64);
			heapsort_u64(values, counts[c]);
			assert_memory_equal(values, expected, counts[c] * sizeof(*values));
		}
	}
	free(values);
	free(expected);
}

static void test_median(void **state)
{
	uint64_t odd[] = { 9, 1, 5, 3, 7 };
	uint64_t even[] = { 10, 1, 4, 100 };
	uint64_t large[] = { UINT64_MAX, UINT64_MAX - 2 };
	uint64_t one[] = { 42 };

	(void)state;
	assert_int_equal(median_u64(odd, 5), 5);
	assert_int_equal(median_u64(even, 4), 7);
	assert_true(median_u64(large, 2) == UINT64_MAX - 1);
	assert_int_equal(median_u64(one, 1), 42);
	assert_int_equal(median_u64(NULL, 0), 0);
}

static void expect_ratio(uint64_t numerator, uint64_t denominator, const char *expected)
{
	char text[RATIO_TEXT_SIZE];

	assert_int_equal(format_ratio(text, sizeof(text), numerator, denominator),
			 strlen(expected));
	assert_string_equal(text, expected);
}

static void test_format_ratio(void **state)
{
	char small[RATIO_TEXT_SIZE - 1];

	(void)state;
	expect_ratio(2000, 1000, "2.00");
	expect_ratio(2071, 1000, "2.07");
	expect_ratio(2075, 1000, "2.08");       /* halves round up */
	expect_ratio(2074, 1000, "2.07");
	expect_ratio(1999, 1000, "2.00");       /* rounding carries into the units */
	expect_ratio(1, 3, "0.33");
	expect_ratio(2, 3, "0.67");
	expect_ratio(0, 5, "0.00");
	expect_ratio(123456789, 1, "123456789.00");
	expect_ratio(UINT64_MAX, 1, "18446744073709551615.00");
	expect_ratio(UINT64_MAX, UINT64_MAX, "1.00");
	expect_ratio(UINT64_MAX - 1, UINT64_MAX / 2, "2.00");
	expect_ratio(7, 0, "undefined");
	assert_int_equal(format_ratio(small, sizeof(small), 1, 1), 0);
}

static void test_cmdline_words(void **state)
{
	char unterminated[5] = { 'b', 'e', 'n', 'c', 'h' };

	(void)state;
	assert_true(cmdline_has_word("bench", 256, "bench"));
	assert_true(cmdline_has_word("quiet bench", 256, "bench"));
	assert_true(cmdline_has_word("\tbench  quiet", 256, "bench"));
	assert_false(cmdline_has_word("benchmark", 256, "bench"));
	assert_false(cmdline_has_word("nobench", 256, "bench"));
	assert_false(cmdline_has_word("bench=1", 256, "bench"));
	assert_false(cmdline_has_word("", 256, "bench"));
	assert_true(cmdline_has_word(unterminated, sizeof(unterminated), "bench"));
	assert_false(cmdline_has_word(unterminated, sizeof(unterminated) - 1, "bench"));
	assert_false(cmdline_has_word("x bench", 4, "bench"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_holds_the_pattern),
		cmocka_unit_test(test_noise_holds_no_secret),
		cmocka_unit_test(test_whole_pattern_found),
		cmocka_unit_test(test_minimal_run_found_everywhere),
		cmocka_unit_test(test_pattern_edges_found),
		cmocka_unit_test(test_run_one_short_not_found),
		cmocka_unit_test(test_spliced_pieces_not_found),
		cmocka_unit_test(test_short_buffers),
		cmocka_unit_test(test_heapsort_matches_qsort),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_format_ratio),
		cmocka_unit_test(test_cmdline_words),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
