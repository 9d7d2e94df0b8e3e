/* The hypervisor arena, backed here by a static buffer: pages come out zeroed,
 * contiguous and disjoint, never past the end, and impossible requests get 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"

#define PAGE 4096u
#define ARENA_PAGES 16u
#define GUARD 0x5c

/* The arena's pages with a guard page on either side, to see nothing is written
 * outside it. */
static _Alignas(4096) uint8_t memory[(ARENA_PAGES + 2) * PAGE];
static uint8_t *const pages = memory + PAGE;
static struct arena arena;

static uint64_t address_of(const uint8_t *p)
{
	return (uint64_t)(uintptr_t)p;
}

static int fresh_arena(void **state)
{
	(void)state;
	memset(memory, GUARD, sizeof(memory));
	memset(pages, 0xaa, ARENA_PAGES * PAGE);
	arena_init(&arena, address_of(pages), ARENA_PAGES * PAGE);
	return 0;
}

static void assert_all(const uint8_t *p, size_t size, uint8_t value)
{
	for (size_t i = 0; i < size; i++)
		if (p[i] != value)
			fail_msg("byte %zu of %p is 0x%02x, expected 0x%02x", i, (void *)p, p[i],
				 value);
}

static void assert_guards_intact(void)
{
	assert_all(memory, PAGE, GUARD);
	assert_all(pages + ARENA_PAGES * PAGE, PAGE, GUARD);
}

static void pages_come_out_zeroed(void **state)
{
	uint64_t one, three;

	(void)state;
	one = arena_allocate(&arena, 1);
	three = arena_allocate(&arena, 3);
	assert_int_equal(one, address_of(pages));
	assert_int_equal(three, address_of(pages) + PAGE);
	assert_all((const uint8_t *)(uintptr_t)one, PAGE, 0);
	assert_all((const uint8_t *)(uintptr_t)three, 3 * PAGE, 0);
	/* Only what was handed out was touched. */
	assert_all(pages + 4 * PAGE, (ARENA_PAGES - 4) * PAGE, 0xaa);
	assert_guards_intact();
}

/* Allocations follow each other with no gap and no overlap, page aligned. */
static void contiguous_and_disjoint(void **state)
{
	static const uint64_t requests[] = { 1, 2, 1, 4, 3 };
	uint64_t expected = address_of(pages);

	(void)state;
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		uint64_t address = arena_allocate(&arena, requests[i]);

		assert_int_equal(address, expected);
		assert_int_equal(address % PAGE, 0);
		/* Mark it: a later allocation that overlapped would zero the mark. */
		memset((void *)(uintptr_t)address, (int)(i + 1), requests[i] * PAGE);
		expected += requests[i] * PAGE;
	}
	expected = address_of(pages);
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		assert_all((const uint8_t *)(uintptr_t)expected, requests[i] * PAGE,
			   (uint8_t)(i + 1));
		expected += requests[i] * PAGE;
	}
	assert_guards_intact();
}

/* Exactly the whole arena, then nothing more. */
static void exhaustion(void **state)
{
	(void)state;
	assert_int_equal(arena_allocate(&arena, ARENA_PAGES), address_of(pages));
	assert_all(pages, ARENA_PAGES * PAGE, 0);
	assert_int_equal(arena_allocate(&arena, 1), 0);
	assert_int_equal(arena_allocate(&arena, 1), 0);
	assert_guards_intact();
}

/* A request larger than what is left fails without using anything up: a smaller
 * one still gets the remaining pages. */
static void too_large_leaves_arena_unchanged(void **state)
{
	uint64_t first, last;

	(void)state;
	first = arena_allocate(&arena, ARENA_PAGES - 2);
	assert_int_equal(first, address_of(pages));
	memset(pages, 0x11, (ARENA_PAGES - 2) * PAGE);
	assert_int_equal(arena_allocate(&arena, 3), 0);
	assert_int_equal(arena_allocate(&arena, ARENA_PAGES + 1), 0);
	/* The failed calls zeroed nothing. */
	assert_all(pages, (ARENA_PAGES - 2) * PAGE, 0x11);
	assert_all(pages + (ARENA_PAGES - 2) * PAGE, 2 * PAGE, 0xaa);
	last = arena_allocate(&arena, 2);
	assert_int_equal(last, address_of(pages) + (ARENA_PAGES - 2) * PAGE);
	assert_all(pages + (ARENA_PAGES - 2) * PAGE, 2 * PAGE, 0);
	assert_int_equal(arena_allocate(&arena, 1), 0);
	assert_guards_intact();
}

static void one_page_at_a_time(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < ARENA_PAGES; i++)
		assert_int_equal(arena_allocate(&arena, 1), address_of(pages) + i * PAGE);
	assert_int_equal(arena_allocate(&arena, 1), 0);
	assert_all(pages, ARENA_PAGES * PAGE, 0);
	assert_guards_intact();
}

static void zero_pages(void **state)
{
	(void)state;
	assert_int_equal(arena_allocate(&arena, 0), 0);
	/* And nothing was used up by it. */
	assert_int_equal(arena_allocate(&arena, 1), address_of(pages));
	assert_int_equal(arena_allocate(&arena, 0), 0);
	assert_int_equal(arena_allocate(&arena, 1), address_of(pages) + PAGE);
	assert_all(pages + 2 * PAGE, (ARENA_PAGES - 2) * PAGE, 0xaa);
}

/* Counts whose byte size overflows 64 bits (pages * 4096 wraps to a small number,
 * or to 0) must be refused, not wrapped into a small allocation. */
static void absurd_counts(void **state)
{
	static const uint64_t counts[] = {
		UINT64_MAX,
		UINT64_MAX / PAGE + 1,          /* pages * PAGE wraps to 0 */
		(UINT64_MAX / PAGE + 1) + 1,    /* ... to one page */
		(1ull << 52) + 2,               /* ... to two pages */
		1ull << 63,
		ARENA_PAGES + 1,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		assert_int_equal(arena_allocate(&arena, counts[i]), 0);
	assert_all(pages, ARENA_PAGES * PAGE, 0xaa);
	/* The arena is still whole. */
	assert_int_equal(arena_allocate(&arena, ARENA_PAGES), address_of(pages));
	assert_guards_intact();
}

/* An arena whose size is not a whole number of pages hands out whole pages only. */
static void partial_last_page_not_handed_out(void **state)
{
	(void)state;
	arena_init(&arena, address_of(pages), 3 * PAGE + PAGE / 2);
	assert_int_equal(arena_allocate(&arena, 4), 0);
	assert_int_equal(arena_allocate(&arena, 3), address_of(pages));
	assert_int_equal(arena_allocate(&arena, 1), 0);
	assert_all(pages + 3 * PAGE, (ARENA_PAGES - 3) * PAGE, 0xaa);
}

/* An empty arena (what main.c gets when the allocator returned nothing) gives
 * nothing. */
static void empty_arena(void **state)
{
	(void)state;
	arena_init(&arena, 0, 0);
	assert_int_equal(arena_allocate(&arena, 1), 0);
	assert_int_equal(arena_allocate(&arena, UINT64_MAX), 0);
	arena_init(&arena, address_of(pages), 0);
	assert_int_equal(arena_allocate(&arena, 1), 0);
	assert_all(pages, ARENA_PAGES * PAGE, 0xaa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(pages_come_out_zeroed, fresh_arena),
		cmocka_unit_test_setup(contiguous_and_disjoint, fresh_arena),
		cmocka_unit_test_setup(exhaustion, fresh_arena),
		cmocka_unit_test_setup(too_large_leaves_arena_unchanged, fresh_arena),
		cmocka_unit_test_setup(one_page_at_a_time, fresh_arena),
		cmocka_unit_test_setup(zero_pages, fresh_arena),
		cmocka_unit_test_setup(absurd_counts, fresh_arena),
		cmocka_unit_test_setup(partial_last_page_not_handed_out, fresh_arena),
		cmocka_unit_test_setup(empty_arena, fresh_arena),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
