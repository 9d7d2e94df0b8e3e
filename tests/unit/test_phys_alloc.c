/* Unit tests for the physical page allocator, with a page-granular model of what it
 * may hand out for the randomized tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "phys_alloc.h"

#define MiB 0x100000ull
#define GiB 0x40000000ull

static struct mb2_info *info;
static struct phys_alloc allocator;

static int setup(void **state)
{
	(void)state;
	info = calloc(1, sizeof(*info));
	return info ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(info);
	return 0;
}

static void add_memory(uint64_t base, uint64_t length, uint32_t type)
{
	struct mb2_memory_range *range = &info->memory[info->memory_range_count++];

	range->base = base;
	range->length = length;
	range->type = type;
}

static bool overlaps(uint64_t start, uint64_t end, uint64_t other_start, uint64_t other_end)
{
	return start < other_end && other_start < end;
}

/* Allocates single pages until exhaustion, checking each against `forbidden`;
 * returns how many there were. */
static uint64_t drain(uint64_t limit, const struct phys_range *forbidden, size_t forbidden_count)
{
	uint64_t count = 0, address;
	size_t i;

	while ((address = phys_alloc_pages(&allocator, 1, PAGE_SIZE)) != 0) {
		assert_true(address >= MiB);
		assert_true(address + PAGE_SIZE <= limit);
		assert_int_equal(address % PAGE_SIZE, 0);
		for (i = 0; i < forbidden_count; i++)
			assert_false(overlaps(address, address + PAGE_SIZE,
					      forbidden[i].start, forbidden[i].end));
		count++;
	}
	return count;
}

static void test_never_below_1mib(void **state)
{
	(void)state;
	add_memory(0, 2 * MiB, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, UINT64_MAX), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), MiB);
	assert_int_equal(drain(UINT64_MAX, NULL, 0), MiB / PAGE_SIZE - 1);

	info->memory_range_count = 0;
	add_memory(0, MiB, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, UINT64_MAX), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), 0);
}

static void test_reserved_ranges_and_modules_avoided(void **state)
{
	static const struct phys_range reserved[] = {
		{ 0x200000, 0x400000 },     /* hypervisor image */
		{ 0x1000000, 0x1000800 },   /* policy: half a page */
		{ 0x1001000, 0x1041000 },   /* securebox */
		{ 0x10000, 0x10230 },       /* multiboot2 block, below 1 MiB */
		{ 0x2000001, 0x2000002 },   /* one byte still costs its page */
		{ 0x3000000, 0x3000000 },   /* empty: costs nothing */
	};

	(void)state;
	add_memory(0, 64 * MiB, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, reserved, 6, UINT64_MAX), 0);
	assert_int_equal(drain(UINT64_MAX, reserved, 6),
			 (63 * MiB - 2 * MiB - 0x1000 - 0x40000 - 0x1000) / PAGE_SIZE);
}

static void test_limit_respected(void **state)
{
	(void)state;
	add_memory(MiB, GiB, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, 8 * MiB), 0);
	assert_int_equal(drain(8 * MiB, NULL, 0), 7 * MiB / PAGE_SIZE);

	/* A limit inside a page excludes that page. */
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, 8 * MiB + 0xfff), 0);
	assert_int_equal(drain(8 * MiB, NULL, 0), 7 * MiB / PAGE_SIZE);

	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, MiB), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), 0);
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, 0), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), 0);
}

static void test_unaligned_available_range_shrinks_inward(void **state)
{
	(void)state;
	add_memory(2 * MiB + 1, 3 * PAGE_SIZE - 2, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, UINT64_MAX), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), 2 * MiB + PAGE_SIZE);
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), 0);
}

static void test_alignment(void **state)
{
	uint64_t address, gap_pages = 0;

	(void)state;
	add_memory(MiB + PAGE_SIZE, 15 * MiB, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, UINT64_MAX), 0);
	address = phys_alloc_pages(&allocator, 3, 2 * MiB);
	assert_int_equal(address, 2 * MiB);
	address = phys_alloc_pages(&allocator, 1, 1 * GiB);
	assert_int_equal(address, 0);
	address = phys_alloc_pages(&allocator, 512, 2 * MiB);
	assert_int_equal(address, 4 * MiB);

	/* The gap left below the first aligned allocation is still handed out. */
	while ((address = phys_alloc_pages(&allocator, 1, PAGE_SIZE)) < 2 * MiB && address)
		gap_pages++;
	assert_int_equal(gap_pages, (MiB - PAGE_SIZE) / PAGE_SIZE);
	assert_int_equal(address, 2 * MiB + 3 * PAGE_SIZE);
}

static void test_exhaustion(void **state)
{
	(void)state;
	add_memory(MiB, 16 * PAGE_SIZE, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, UINT64_MAX), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 17, PAGE_SIZE), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 16, PAGE_SIZE), MiB);
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), 0);
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	add_memory(MiB, GiB, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, UINT64_MAX), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 0, PAGE_SIZE), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 1, 0), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE / 2), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 1, 3 * PAGE_SIZE), 0);
	assert_int_equal(phys_alloc_pages(&allocator, UINT64_MAX, PAGE_SIZE), 0);
	assert_int_equal(phys_alloc_pages(&allocator, UINT64_MAX / PAGE_SIZE + 1, PAGE_SIZE), 0);
	assert_int_equal(phys_alloc_pages(&allocator, UINT64_MAX / PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(phys_alloc_pages(&allocator, 1, 1ull << 63), 0);
	/* Nothing was consumed by the rejected requests. */
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), MiB);
}

static void test_malformed_reserved_range(void **state)
{
	static const struct phys_range reserved[] = { { 0x300000, 0x200000 } };

	(void)state;
	add_memory(MiB, GiB, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, reserved, 1, UINT64_MAX), -1);
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), 0);
}

static void test_too_many_free_ranges(void **state)
{
	struct phys_range reserved[PHYS_ALLOC_MAX_RANGES];
	uint64_t i;

	(void)state;
	add_memory(MiB, GiB, MB2_MEMORY_AVAILABLE);
	for (i = 0; i < PHYS_ALLOC_MAX_RANGES; i++) {
		reserved[i].start = 2 * MiB * (i + 1);
		reserved[i].end = reserved[i].start + PAGE_SIZE;
	}
	/* 63 holes leave 64 ranges; the 64th hole needs a 65th. */
	assert_int_equal(phys_alloc_init(&allocator, info, reserved, PHYS_ALLOC_MAX_RANGES - 1,
					 UINT64_MAX), 0);
	assert_int_equal(allocator.count, PHYS_ALLOC_MAX_RANGES);
	assert_int_equal(phys_alloc_init(&allocator, info, reserved, PHYS_ALLOC_MAX_RANGES,
					 UINT64_MAX), -1);
	/* A failed init must not leave pages it had not yet checked. */
	assert_int_equal(phys_alloc_pages(&allocator, 1, PAGE_SIZE), 0);
}

/* With a full list, an aligned allocation cannot keep its gap as a separate range;
 * it must still succeed and never hand out the gap twice. */
static void test_full_list_gives_up_alignment_gap(void **state)
{
	struct phys_range reserved[PHYS_ALLOC_MAX_RANGES - 1];
	uint64_t i, address;

	(void)state;
	add_memory(MiB, GiB, MB2_MEMORY_AVAILABLE);
	for (i = 0; i < PHYS_ALLOC_MAX_RANGES - 1; i++) {
		reserved[i].start = 4 * MiB * (i + 1) + PAGE_SIZE;
		reserved[i].end = reserved[i].start + PAGE_SIZE;
	}
	assert_int_equal(phys_alloc_init(&allocator, info, reserved, PHYS_ALLOC_MAX_RANGES - 1,
					 UINT64_MAX), 0);
	assert_int_equal(allocator.count, PHYS_ALLOC_MAX_RANGES);
	/* The first range is [1 MiB, 4 MiB + 4 KiB): the 2 MiB-aligned block in it
	 * leaves room on both sides. */
	address = phys_alloc_pages(&allocator, 1, 2 * MiB);
	assert_int_equal(address, 2 * MiB);
	assert_int_equal(allocator.count, PHYS_ALLOC_MAX_RANGES);
	assert_int_equal(allocator.free[0].start, 2 * MiB + PAGE_SIZE);
	while ((address = phys_alloc_pages(&allocator, 1, PAGE_SIZE)) != 0)
		assert_false(address >= MiB && address <= 2 * MiB);
}

static void test_overlapping_memory_map(void **state)
{
	static const struct phys_range forbidden[] = {
		{ 4 * MiB, 5 * MiB },
		{ 6 * MiB + 0x10, 6 * MiB + 0x20 },
		{ 7 * MiB - 1, 7 * MiB + 1 },
		{ 8 * MiB, 9 * MiB },
		{ 12 * MiB, 13 * MiB },
	};
	uint64_t count;

	(void)state;
	/* Reserved entries listed both before and after the available one they
	 * overlap, and an available duplicate that must not bring pages back. */
	add_memory(4 * MiB, MiB, MB2_MEMORY_RESERVED);
	add_memory(MiB, 15 * MiB, MB2_MEMORY_AVAILABLE);
	add_memory(6 * MiB + 0x10, 0x10, MB2_MEMORY_ACPI_RECLAIMABLE);
	add_memory(7 * MiB - 1, 2, MB2_MEMORY_NVS);
	add_memory(8 * MiB, MiB, MB2_MEMORY_BAD);
	add_memory(3 * MiB, 3 * MiB, MB2_MEMORY_AVAILABLE);
	add_memory(12 * MiB, MiB, 0x1234);  /* unknown types are not RAM either */
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, UINT64_MAX), 0);
	count = drain(UINT64_MAX, forbidden, 5);
	assert_int_equal(count, (15 * MiB - MiB - PAGE_SIZE - 2 * PAGE_SIZE - MiB - MiB) / PAGE_SIZE);
}

static void test_adjacent_and_overlapping_available_ranges_merge(void **state)
{
	(void)state;
	add_memory(3 * MiB, MiB, MB2_MEMORY_AVAILABLE);
	add_memory(MiB, MiB, MB2_MEMORY_AVAILABLE);
	add_memory(2 * MiB, MiB, MB2_MEMORY_AVAILABLE);
	add_memory(MiB + PAGE_SIZE, 2 * MiB, MB2_MEMORY_AVAILABLE);
	assert_int_equal(phys_alloc_init(&allocator, info, NULL, 0, UINT64_MAX), 0);
	assert_int_equal(allocator.count, 1);
	assert_int_equal(phys_alloc_pages(&allocator, 3 * MiB / PAGE_SIZE, PAGE_SIZE), MiB);
}

static void test_ranges_at_top_of_address_space(void **state)
{
	static const struct phys_range reserved[] = { { UINT64_MAX - 10, UINT64_MAX } };

	(void)state;
	add_memory(0xfffffffffff00000ull, 0xfffff, MB2_MEMORY_AVAILABLE);
	add_memory(0xffffffffffff0000ull, 0xffff, MB2_MEMORY_RESERVED);
	assert_int_equal(phys_alloc_init(&allocator, info, reserved, 1, UINT64_MAX), 0);
	assert_int_equal(drain(UINT64_MAX, reserved, 1), 0xf0000 / PAGE_SIZE);
}

/* --- randomized properties ---------------------------------------------------- */

#define MODEL_SIZE  (96 * MiB)
#define MODEL_PAGES (MODEL_SIZE / PAGE_SIZE)

struct model {
	bool allowed[MODEL_PAGES];
	bool used[MODEL_PAGES];
	struct phys_range reserved[6];
	size_t reserved_count;
	uint64_t limit;
};

static uint64_t random_state = 0x9e3779b97f4a7c15ull;

static uint64_t random_below(uint64_t bound)
{
	random_state ^= random_state << 13;
	random_state ^= random_state >> 7;
	random_state ^= random_state << 17;
	return random_state % bound;
}

/* Addresses on odd boundaries now and then, to exercise the rounding. */
static uint64_t random_address(uint64_t bound)
{
	uint64_t address = random_below(bound / PAGE_SIZE) * PAGE_SIZE;

	if (random_below(4) == 0)
		address += random_below(PAGE_SIZE);
	return address;
}

static void random_world(struct model *model)
{
	uint32_t entries = 1 + random_below(12), i;
	uint64_t page;
	size_t j;

	memset(model, 0, sizeof(*model));
	info->memory_range_count = 0;
	for (i = 0; i < entries; i++)
		add_memory(random_address(MODEL_SIZE - 16 * MiB), 1 + random_address(16 * MiB),
			   random_below(3) ? MB2_MEMORY_AVAILABLE : 2 + random_below(4));
	model->reserved_count = random_below(7);
	for (j = 0; j < model->reserved_count; j++) {
		model->reserved[j].start = random_address(MODEL_SIZE - 4 * MiB);
		model->reserved[j].end = model->reserved[j].start + random_address(4 * MiB);
	}
	model->limit = random_below(2) ? MODEL_SIZE : random_address(MODEL_SIZE);

	/* A page may be handed out iff it lies fully inside one available entry, above
	 * 1 MiB and below the limit, and nothing else touches it. */
	for (page = 0; page < MODEL_PAGES; page++) {
		uint64_t start = page * PAGE_SIZE, end = start + PAGE_SIZE;
		bool available = false, claimed = false;

		for (i = 0; i < info->memory_range_count; i++) {
			const struct mb2_memory_range *range = &info->memory[i];

			if (range->type == MB2_MEMORY_AVAILABLE)
				available |= range->base <= start && end <= range->base + range->length;
			else
				claimed |= overlaps(start, end, range->base, range->base + range->length);
		}
		for (j = 0; j < model->reserved_count; j++)
			claimed |= overlaps(start, end, model->reserved[j].start, model->reserved[j].end);
		model->allowed[page] = available && !claimed && start >= MiB && end <= model->limit;
	}
}

static void check_and_mark(struct model *model, uint64_t address, uint64_t pages, uint64_t align)
{
	uint64_t page;

	assert_int_equal(address % align, 0);
	assert_true(address + pages * PAGE_SIZE <= MODEL_SIZE);
	for (page = address / PAGE_SIZE; page < address / PAGE_SIZE + pages; page++) {
		assert_true(model->allowed[page]);
		assert_false(model->used[page]);
		model->used[page] = true;
	}
}

static void test_random_mixed_allocations(void **state)
{
	static struct model model;
	int world, request;

	(void)state;
	for (world = 0; world < 300; world++) {
		uint64_t address, page, left = 0;
		bool list_was_full = false;

		random_world(&model);
		assert_int_equal(phys_alloc_init(&allocator, info, model.reserved,
						 model.reserved_count, model.limit), 0);
		for (request = 0; request < 200; request++) {
			uint64_t pages = 1 + random_below(random_below(2) ? 8 : 1024);
			uint64_t align = PAGE_SIZE << random_below(11);

			list_was_full |= allocator.count == PHYS_ALLOC_MAX_RANGES;
			address = phys_alloc_pages(&allocator, pages, align);
			if (address)
				check_and_mark(&model, address, pages, align);
		}
		while ((address = phys_alloc_pages(&allocator, 1, PAGE_SIZE)) != 0)
			check_and_mark(&model, address, 1, PAGE_SIZE);
		/* Exhausted: only alignment gaps given up while the list was full may
		 * remain unused. */
		for (page = 0; page < MODEL_PAGES; page++)
			left += model.allowed[page] && !model.used[page];
		if (!list_was_full)
			assert_int_equal(left, 0);
	}
}

static void test_random_single_pages_exact(void **state)
{
	static struct model model;
	int world;

	(void)state;
	for (world = 0; world < 300; world++) {
		uint64_t address, page, allowed = 0, handed_out = 0;

		random_world(&model);
		assert_int_equal(phys_alloc_init(&allocator, info, model.reserved,
						 model.reserved_count, model.limit), 0);
		for (page = 0; page < MODEL_PAGES; page++)
			allowed += model.allowed[page];
		while ((address = phys_alloc_pages(&allocator, 1, PAGE_SIZE)) != 0) {
			check_and_mark(&model, address, 1, PAGE_SIZE);
			handed_out++;
		}
		assert_int_equal(handed_out, allowed);
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_never_below_1mib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_ranges_and_modules_avoided, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_respected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_available_range_shrinks_inward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_reserved_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_free_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_list_gives_up_alignment_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlapping_memory_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adjacent_and_overlapping_available_ranges_merge,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranges_at_top_of_address_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_mixed_allocations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_single_pages_exact, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
