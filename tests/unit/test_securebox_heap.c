/* Unit tests for the securebox's heap (securebox/heap.c), the allocator under all of
 * mbedTLS's memory: alignment, zeroing, wiping on release, coalescing back to one
 * block whatever the order of release, refusal of pointers it never handed out,
 * and a long random run checked against what each live block must still hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../securebox/heap.h"

#define REGION_SIZE 4096u
#define HEADER_SIZE 16u

static uint8_t memory[REGION_SIZE + HEAP_ALIGNMENT] __attribute__((aligned(HEAP_ALIGNMENT)));
static struct heap heap;

/* The heap over `memory`, made deliberately misaligned so heap_init must align it. */
static int setup(void **state)
{
	(void)state;
	memset(memory, 0x5a, sizeof(memory));
	heap_init(&heap, memory + 3, REGION_SIZE);
	return 0;
}

static size_t region(void)
{
	return heap.end - heap.start;
}

/* The one allocation that takes the whole region: only possible once every block
 * has been merged back. */
static void expect_whole_region_free(void)
{
	void *all = heap_allocate(&heap, 1, region() - HEADER_SIZE);

	assert_non_null(all);
	assert_null(heap_allocate(&heap, 1, 1));
	assert_true(heap_release(&heap, all));
}

static void test_init_aligns_the_region(void **state)
{
	(void)state;
	assert_int_equal(heap.start % HEAP_ALIGNMENT, 0);
	assert_int_equal(heap.end % HEAP_ALIGNMENT, 0);
	assert_true(heap.start >= (uintptr_t)memory + 3);
	assert_true(heap.end <= (uintptr_t)memory + 3 + REGION_SIZE);
	expect_whole_region_free();
}

static void test_allocations_are_aligned_zeroed_and_inside(void **state)
{
	(void)state;
	for (size_t size = 0; size < 100; size++) {
		uint8_t *block = heap_allocate(&heap, 1, size);

		assert_non_null(block);
		assert_int_equal((uintptr_t)block % HEAP_ALIGNMENT, 0);
		assert_true((uintptr_t)block >= heap.start + HEADER_SIZE);
		assert_true((uintptr_t)block + size <= heap.end);
		for (size_t i = 0; i < size; i++)
			assert_int_equal(block[i], 0);
		memset(block, 0xee, size);
		if (size % 3)
			assert_true(heap_release(&heap, block));
	}
}

static void test_zero_bytes_get_distinct_blocks(void **state)
{
	void *first, *second;

	(void)state;
	first = heap_allocate(&heap, 0, 8);
	second = heap_allocate(&heap, 8, 0);
	assert_non_null(first);
	assert_non_null(second);
	assert_ptr_not_equal(first, second);
}

static void test_oversized_and_overflowing_requests(void **state)
{
	(void)state;
	assert_null(heap_allocate(&heap, 1, region()));
	assert_null(heap_allocate(&heap, 1, region() - HEADER_SIZE + 1));
	assert_null(heap_allocate(&heap, SIZE_MAX, 2));
	assert_null(heap_allocate(&heap, 2, SIZE_MAX / 2 + 1));
	assert_null(heap_allocate(&heap, (size_t)1 << 32, (size_t)1 << 32));
	assert_null(heap_allocate(&heap, 1, SIZE_MAX));
	expect_whole_region_free();
}

static void test_release_wipes(void **state)
{
	uint8_t *block;

	(void)state;
	block = heap_allocate(&heap, 1, 200);
	assert_non_null(block);
	memset(block, 0xcc, 200);
	assert_true(heap_release(&heap, block));
	/* The free-list link may sit in the first bytes; nothing of the data may. */
	for (size_t i = 0; i < 200; i++)
		assert_int_not_equal(block[i], 0xcc);
}

/* Fill the heap with equal blocks, release them in several orders, and the whole
 * region must be one block again each time. */
static void test_coalescing_in_any_order(void **state)
{
	enum { BLOCKS = 64 };
	void *blocks[BLOCKS];
	size_t count;

	(void)state;
	for (int order = 0; order < 4; order++) {
		for (count = 0; count < BLOCKS; count++) {
			blocks[count] = heap_allocate(&heap, 1, 24);
			if (!blocks[count])
				break;
		}
		assert_true(count > 16);
		for (size_t i = 0; i < count; i++) {
			size_t index = order == 0 ? i :
				       order == 1 ? count - 1 - i :
				       order == 2 ? (i * 2 < count ? i * 2 : (i * 2 - count) | 1) :
						    (i * 37) % count;

			assert_true(heap_release(&heap, blocks[index]));
		}
		expect_whole_region_free();
	}
}

static void test_refuses_pointers_it_did_not_hand_out(void **state)
{
	uint8_t *block, *other;
	uint8_t outside[64] __attribute__((aligned(HEAP_ALIGNMENT)));

	(void)state;
	block = heap_allocate(&heap, 1, 64);
	other = heap_allocate(&heap, 1, 64);
	assert_non_null(block);
	assert_non_null(other);
	assert_true(heap_release(&heap, NULL));
	assert_false(heap_release(&heap, outside + HEADER_SIZE));
	assert_false(heap_release(&heap, block + 1));
	assert_false(heap_release(&heap, block + HEAP_ALIGNMENT));
	assert_false(heap_release(&heap, (void *)heap.start));
	assert_false(heap_release(&heap, (void *)heap.end));
	assert_true(heap_release(&heap, block));
	assert_false(heap_release(&heap, block));          /* double free */
	assert_true(heap_release(&heap, other));
	assert_false(heap_release(&heap, other));
	expect_whole_region_free();
}

/* A forged live header inside a free block is still refused. */
static void test_refuses_a_forged_header_in_free_memory(void **state)
{
	uint8_t *block, *forged;
	uint8_t header[HEADER_SIZE];

	(void)state;
	block = heap_allocate(&heap, 1, 256);
	assert_non_null(block);
	memcpy(header, block - HEADER_SIZE, HEADER_SIZE);
	assert_true(heap_release(&heap, block));
	forged = (uint8_t *)heap.start + 1024;
	memcpy(forged, header, HEADER_SIZE);
	assert_false(heap_release(&heap, forged + HEADER_SIZE));
}

/* A long random run: every live block keeps its own pattern, so any overlap
 * between blocks shows as a changed byte. */
static void test_random_run(void **state)
{
	enum { SLOTS = 48, STEPS = 20000 };
	struct {
		uint8_t *data;
		size_t size;
		uint8_t pattern;
	} live[SLOTS] = { 0 };
	uint32_t random = 12345;

	(void)state;
	for (int step = 0; step < STEPS; step++) {
		size_t slot;

		random = random * 1103515245u + 12345u;
		slot = (random >> 8) % SLOTS;
		if (live[slot].data) {
			for (size_t i = 0; i < live[slot].size; i++)
				assert_int_equal(live[slot].data[i], live[slot].pattern);
			assert_true(heap_release(&heap, live[slot].data));
			live[slot].data = NULL;
		} else {
			live[slot].size = (random >> 16) % 300;
			live[slot].pattern = (uint8_t)(step | 1);
			live[slot].data = heap_allocate(&heap, 1, live[slot].size);
			if (live[slot].data)
				memset(live[slot].data, live[slot].pattern, live[slot].size);
		}
	}
	for (size_t slot = 0; slot < SLOTS; slot++)
		assert_true(heap_release(&heap, live[slot].data));
	expect_whole_region_free();
}

static void test_region_too_small(void **state)
{
	struct heap tiny;
	uint8_t small[40] __attribute__((aligned(HEAP_ALIGNMENT)));

	(void)state;
	heap_init(&tiny, small + 1, 20);
	assert_null(heap_allocate(&tiny, 1, 1));
	assert_false(heap_release(&tiny, small + HEADER_SIZE));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_aligns_the_region, setup),
		cmocka_unit_test_setup(test_allocations_are_aligned_zeroed_and_inside, setup),
		cmocka_unit_test_setup(test_zero_bytes_get_distinct_blocks, setup),
		cmocka_unit_test_setup(test_oversized_and_overflowing_requests, setup),
		cmocka_unit_test_setup(test_release_wipes, setup),
		cmocka_unit_test_setup(test_coalescing_in_any_order, setup),
		cmocka_unit_test_setup(test_refuses_pointers_it_did_not_hand_out, setup),
		cmocka_unit_test_setup(test_refuses_a_forged_header_in_free_memory, setup),
		cmocka_unit_test_setup(test_random_run, setup),
		cmocka_unit_test_setup(test_region_too_small, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
