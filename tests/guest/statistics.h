/* The benchmark's arithmetic: medians of cycle counts and their ratio in two
 * decimals, in integers only (the guest has no FPU code). Pure, unit tested. */
#ifndef SBX_TEST_GUEST_STATISTICS_H
#define SBX_TEST_GUEST_STATISTICS_H

#include <stddef.h>
#include <stdint.h>

/* Ascending, in place, O(n log n) whatever the input. */
void heapsort_u64(uint64_t *values, size_t count);

/* Sorts `values` and returns their median (the mean of the middle two, rounded
 * down, for an even count; 0 for none). */
uint64_t median_u64(uint64_t *values, size_t count);

/* Enough for the largest quotient, a point, two decimals and the terminator. */
#define RATIO_TEXT_SIZE 24

/* Writes numerator / denominator, rounded to two decimals ("2.07"), or
 * "undefined" for a zero denominator. Returns the length, or 0 if `capacity`
 * is below RATIO_TEXT_SIZE. */
size_t format_ratio(char *text, size_t capacity, uint64_t numerator, uint64_t denominator);

#endif
