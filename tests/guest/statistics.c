#include <string.h>

#include "statistics.h"

#define UNDEFINED "undefined"

static void swap(uint64_t *a, uint64_t *b)
{
	uint64_t t = *a;

	*a = *b;
	*b = t;
}

/* Moves values[root] down the max-heap values[0, count) to its place. */
static void sift_down(uint64_t *values, size_t root, size_t count)
{
	for (;;) {
		size_t largest = root, left = 2 * root + 1, right = left + 1;

		if (left < count && values[left] > values[largest])
			largest = left;
		if (right < count && values[right] > values[largest])
			largest = right;
		if (largest == root)
			return;
		swap(&values[root], &values[largest]);
		root = largest;
	}
}

void heapsort_u64(uint64_t *values, size_t count)
{
	for (size_t root = count / 2; root-- > 0;)
		sift_down(values, root, count);
	for (size_t end = count; end > 1; end--) {
		swap(&values[0], &values[end - 1]);
		sift_down(values, 0, end - 1);
	}
}

uint64_t median_u64(uint64_t *values, size_t count)
{
	uint64_t low, high;

	if (!count)
		return 0;
	heapsort_u64(values, count);
	if (count % 2)
		return values[count / 2];
	low = values[count / 2 - 1];
	high = values[count / 2];
	return low + (high - low) / 2;
}

/* Writes `value` in decimal at `text`; returns the digits written. */
static size_t put_decimal(char *text, uint64_t value, unsigned min_digits)
{
	char digits[20];
	size_t count = 0, written = 0;

	do {
		digits[count++] = (char)('0' + value % 10);
		value /= 10;
	} while (value || count < min_digits);
	while (count)
		text[written++] = digits[--count];
	return written;
}

size_t format_ratio(char *text, size_t capacity, uint64_t numerator, uint64_t denominator)
{
	uint64_t whole, hundredths;
	size_t length;

	if (capacity < RATIO_TEXT_SIZE)
		return 0;
	if (!denominator) {
		memcpy(text, UNDEFINED, sizeof(UNDEFINED));
		return sizeof(UNDEFINED) - 1;
	}
	/* remainder * 100 + denominator / 2 < 101 * denominator must not
	 * overflow; halving both sides keeps the ratio to far better than the
	 * two decimals printed. */
	while (denominator > UINT64_MAX / 101) {
		numerator >>= 1;
		denominator >>= 1;
	}
	whole = numerator / denominator;
	hundredths = (numerator % denominator * 100 + denominator / 2) / denominator;
	if (hundredths == 100) {
		whole++;
		hundredths = 0;
	}
	length = put_decimal(text, whole, 1);
	text[length++] = '.';
	length += put_decimal(text + length, hundredths, 2);
	text[length] = '\0';
	return length;
}
