/* The commodity partition's view of physical memory: visible = [0, top) minus the
 * hidden ranges, ram = whole pages of available RAM minus the hidden ranges, and
 * ranges_contain, which every buffer check relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "memory_layout.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct mb2_info info;          /* large: static */
static struct memory_layout layout;

static void add_memory(uint64_t start, uint64_t end, uint32_t type)
{
	assert_true(info.memory_range_count < MB2_MAX_MEMORY_RANGES);
	info.memory[info.memory_range_count++] =
		(struct mb2_memory_range){ .base = start, .length = end - start, .type = type };
}

/* What QEMU's SeaBIOS reports for -m 1G. */
static void qemu_map(void)
{
	memset(&info, 0, sizeof(info));
	add_memory(0, 0x9fc00, MB2_MEMORY_AVAILABLE);
	add_memory(0x9fc00, 0xa0000, MB2_MEMORY_RESERVED);
	add_memory(0xf0000, 0x100000, MB2_MEMORY_RESERVED);
	add_memory(MIB, 0x3ffe0000, MB2_MEMORY_AVAILABLE);
	add_memory(0x3ffe0000, 0x40000000, MB2_MEMORY_RESERVED);
	add_memory(0xfffc0000, 4 * GIB, MB2_MEMORY_RESERVED);
}

/* The hypervisor image, its arena, the securebox (touching the arena) and the TPM
 * localities 1-4, as main.c hides them. */
static const struct phys_range hidden[] = {
	{ 0x100000, 0x129000 },
	{ 0x200000, 0x400000 },
	{ 0x400000, 0x800000 },
	{ 0xfed41000, 0xfed45000 },
};

static const struct phys_range expected_visible[] = {
	{ 0, 0x100000 },
	{ 0x129000, 0x200000 },
	{ 0x800000, 0xfed41000 },
	{ 0xfed45000, 4 * GIB },
};

static const struct phys_range expected_ram[] = {
	{ 0, 0x9f000 },                 /* 0x9fc00 rounded down to a page */
	{ 0x129000, 0x200000 },
	{ 0x800000, 0x3ffe0000 },
};

static void assert_ranges_equal(const struct phys_range *actual, uint32_t actual_count,
				const struct phys_range *expected, size_t expected_count)
{
	assert_int_equal(actual_count, expected_count);
	for (size_t i = 0; i < expected_count; i++) {
		assert_int_equal(actual[i].start, expected[i].start);
		assert_int_equal(actual[i].end, expected[i].end);
	}
}

static int intersect(const struct phys_range *a, const struct phys_range *b)
{
	return a->start < b->end && b->start < a->end;
}

/* Every pair: no visible and no RAM range touches a byte of a hidden range. */
static void assert_nothing_hidden_is_given(const struct memory_layout *l)
{
	for (uint32_t h = 0; h < l->hidden_count; h++) {
		for (uint32_t i = 0; i < l->visible_count; i++)
			assert_false(intersect(&l->visible[i], &l->hidden[h]));
		for (uint32_t i = 0; i < l->ram_count; i++)
			assert_false(intersect(&l->ram[i], &l->hidden[h]));
	}
}

/* Structural invariants of any built layout: ranges non-empty, page-aligned, sorted
 * and disjoint; visible and hidden together tile [0, top) with no gap or overlap;
 * every RAM range lies in visible memory, in one available map entry. */
static void assert_well_formed(const struct memory_layout *l, const struct mb2_info *map)
{
	const struct phys_range *lists[] = { l->hidden, l->visible, l->ram };
	const uint32_t counts[] = { l->hidden_count, l->visible_count, l->ram_count };
	uint32_t h = 0, v = 0;
	uint64_t at = 0;

	for (size_t k = 0; k < ARRAY_SIZE(lists); k++)
		for (uint32_t i = 0; i < counts[k]; i++) {
			assert_true(lists[k][i].start < lists[k][i].end);
			assert_int_equal(lists[k][i].start & 0xfff, 0);
			assert_int_equal(lists[k][i].end & 0xfff, 0);
			if (i > 0)
				assert_true(lists[k][i - 1].end <= lists[k][i].start);
		}

	assert_int_equal(l->top % GIB, 0);
	assert_true(l->top >= 4 * GIB);
	while (at < l->top) {
		if (h < l->hidden_count && l->hidden[h].start == at) {
			at = l->hidden[h++].end;
		} else {
			assert_true(v < l->visible_count);
			assert_int_equal(l->visible[v].start, at);
			at = l->visible[v++].end;
		}
	}
	assert_int_equal(at, l->top);
	assert_int_equal(v, l->visible_count);
	/* Hidden ranges are all below top (or the tiling would have stopped early). */
	assert_int_equal(h, l->hidden_count);

	for (uint32_t i = 0; i < l->ram_count; i++) {
		int in_available = 0;

		assert_true(ranges_contain(l->visible, l->visible_count, l->ram[i].start,
					   l->ram[i].end - l->ram[i].start));
		for (uint32_t m = 0; m < map->memory_range_count; m++) {
			const struct mb2_memory_range *r = &map->memory[m];

			if (r->type == MB2_MEMORY_AVAILABLE && l->ram[i].start >= r->base &&
			    l->ram[i].end <= r->base + r->length)
				in_available = 1;
		}
		assert_true(in_available);
	}
	assert_nothing_hidden_is_given(l);
}

static void qemu_layout(void **state)
{
	(void)state;
	qemu_map();
	assert_null(memory_layout_build(&layout, &info, hidden, ARRAY_SIZE(hidden)));
	assert_int_equal(layout.top, 4 * GIB);
	assert_ranges_equal(layout.hidden, layout.hidden_count, hidden, ARRAY_SIZE(hidden));
	assert_ranges_equal(layout.visible, layout.visible_count, expected_visible,
			    ARRAY_SIZE(expected_visible));
	assert_ranges_equal(layout.ram, layout.ram_count, expected_ram, ARRAY_SIZE(expected_ram));
	assert_well_formed(&layout, &info);
}

/* Reserved firmware ranges and the MMIO hole stay visible (devices, the BIOS area):
 * only the hidden ranges are taken away. */
static void reserved_memory_stays_visible(void **state)
{
	static const uint64_t addresses[] = { 0x9fc00, 0xa0000, 0xf0000, 0x3ffe0000,
					      0xfec00000, 0xfee00000, 0xfed40000,
					      0xfffc0000, 4 * GIB - 1 };

	(void)state;
	qemu_map();
	assert_null(memory_layout_build(&layout, &info, hidden, ARRAY_SIZE(hidden)));
	for (size_t i = 0; i < ARRAY_SIZE(addresses); i++) {
		assert_true(ranges_contain(layout.visible, layout.visible_count, addresses[i], 1));
		assert_false(ranges_contain(layout.ram, layout.ram_count, addresses[i], 1));
	}
	/* TPM locality 0 is the commodity's, localities 1-4 are not. */
	assert_true(ranges_contain(layout.visible, layout.visible_count, 0xfed40000, 0x1000));
	for (uint64_t a = 0xfed41000; a < 0xfed45000; a += 0x800)
		assert_false(ranges_contain(layout.visible, layout.visible_count, a, 1));
	assert_true(ranges_contain(layout.visible, layout.visible_count, 0xfed45000, 1));
}

/* The partial page at 0x9f000 (available up to 0x9fc00 only) is not RAM; a range that
 * starts mid-page begins at the next page. */
static void ram_is_rounded_inward(void **state)
{
	static const struct phys_range expected[] = {
		{ 0x2000, 0x9f000 },
		{ 0x100000, 0x200000 },
	};

	(void)state;
	memset(&info, 0, sizeof(info));
	add_memory(0x1001, 0x9fc00, MB2_MEMORY_AVAILABLE);
	add_memory(0xfffff, 0x200fff, MB2_MEMORY_AVAILABLE);
	add_memory(0x300000, 0x300fff, MB2_MEMORY_AVAILABLE);  /* no whole page */
	add_memory(0x400800, 0x401800, MB2_MEMORY_AVAILABLE);  /* a page, not aligned */
	assert_null(memory_layout_build(&layout, &info, NULL, 0));
	assert_ranges_equal(layout.ram, layout.ram_count, expected, ARRAY_SIZE(expected));
	assert_well_formed(&layout, &info);
}

/* Only type 1 is RAM: ACPI, NVS and bad memory are visible but not RAM. */
static void only_available_memory_is_ram(void **state)
{
	static const struct phys_range expected[] = { { MIB, 16 * MIB } };

	(void)state;
	memset(&info, 0, sizeof(info));
	add_memory(0, 0x1000, MB2_MEMORY_RESERVED);
	add_memory(MIB, 16 * MIB, MB2_MEMORY_AVAILABLE);
	add_memory(16 * MIB, 17 * MIB, MB2_MEMORY_ACPI_RECLAIMABLE);
	add_memory(17 * MIB, 18 * MIB, MB2_MEMORY_NVS);
	add_memory(18 * MIB, 19 * MIB, MB2_MEMORY_BAD);
	add_memory(19 * MIB, 20 * MIB, 99);
	assert_null(memory_layout_build(&layout, &info, NULL, 0));
	assert_ranges_equal(layout.ram, layout.ram_count, expected, ARRAY_SIZE(expected));
	assert_int_equal(layout.visible_count, 1);
	assert_int_equal(layout.visible[0].start, 0);
	assert_int_equal(layout.visible[0].end, 4 * GIB);
}

/* RAM above 4 GiB: top rounds up to the next 1 GiB boundary above the highest RAM. */
static void top_above_4_gib(void **state)
{
	static const struct { uint64_t ram_end, top; } cases[] = {
		{ 4 * GIB + 0x1000, 5 * GIB },
		{ 5 * GIB + GIB / 2, 6 * GIB },
		{ 6 * GIB, 6 * GIB },                   /* already on a boundary */
		{ 6 * GIB + 0x1000, 7 * GIB },
		{ 1024 * GIB - 0x1000, 1024 * GIB },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		qemu_map();
		add_memory(4 * GIB, cases[i].ram_end, MB2_MEMORY_AVAILABLE);
		assert_null(memory_layout_build(&layout, &info, hidden, ARRAY_SIZE(hidden)));
		assert_int_equal(layout.top, cases[i].top);
		assert_int_equal(layout.visible_count, ARRAY_SIZE(expected_visible));
		assert_int_equal(layout.visible[3].start, 0xfed45000);
		assert_int_equal(layout.visible[3].end, cases[i].top);
		assert_int_equal(layout.ram_count, ARRAY_SIZE(expected_ram) + 1);
		assert_int_equal(layout.ram[3].start, 4 * GIB);
		assert_int_equal(layout.ram[3].end, cases[i].ram_end);
		assert_well_formed(&layout, &info);
	}
}

/* Top depends on RAM only: reserved ranges high up do not raise it, and RAM that
 * ends below 4 GiB still gives 4 GiB. */
static void top_ignores_reserved_memory(void **state)
{
	(void)state;
	qemu_map();
	add_memory(0xfd00000000ull, 0x10000000000ull, MB2_MEMORY_RESERVED);
	assert_null(memory_layout_build(&layout, &info, hidden, ARRAY_SIZE(hidden)));
	assert_int_equal(layout.top, 4 * GIB);

	memset(&info, 0, sizeof(info));
	add_memory(MIB, 2 * MIB, MB2_MEMORY_AVAILABLE);
	assert_null(memory_layout_build(&layout, &info, NULL, 0));
	assert_int_equal(layout.top, 4 * GIB);
}

/* A hidden range in the middle of high RAM splits it. */
static void hidden_range_above_4_gib(void **state)
{
	static const struct phys_range high_hidden[] = { { 5 * GIB, 5 * GIB + 2 * MIB } };

	(void)state;
	qemu_map();
	add_memory(4 * GIB, 8 * GIB, MB2_MEMORY_AVAILABLE);
	assert_null(memory_layout_build(&layout, &info, high_hidden, 1));
	assert_int_equal(layout.top, 8 * GIB);
	assert_int_equal(layout.ram_count, 4);
	assert_int_equal(layout.ram[2].end, 5 * GIB);
	assert_int_equal(layout.ram[3].start, 5 * GIB + 2 * MIB);
	assert_int_equal(layout.ram[3].end, 8 * GIB);
	assert_int_equal(layout.visible_count, 2);
	assert_int_equal(layout.visible[0].end, 5 * GIB);
	assert_int_equal(layout.visible[1].start, 5 * GIB + 2 * MIB);
	assert_well_formed(&layout, &info);
}

/* The memory map in any order (firmware is not obliged to sort it): RAM comes out
 * sorted. */
static void unsorted_memory_map(void **state)
{
	(void)state;
	memset(&info, 0, sizeof(info));
	add_memory(0xfffc0000, 4 * GIB, MB2_MEMORY_RESERVED);
	add_memory(MIB, 0x3ffe0000, MB2_MEMORY_AVAILABLE);
	add_memory(0x3ffe0000, 0x40000000, MB2_MEMORY_RESERVED);
	add_memory(0xf0000, 0x100000, MB2_MEMORY_RESERVED);
	add_memory(0, 0x9fc00, MB2_MEMORY_AVAILABLE);
	add_memory(0x9fc00, 0xa0000, MB2_MEMORY_RESERVED);
	assert_null(memory_layout_build(&layout, &info, hidden, ARRAY_SIZE(hidden)));
	assert_ranges_equal(layout.ram, layout.ram_count, expected_ram, ARRAY_SIZE(expected_ram));
	assert_ranges_equal(layout.visible, layout.visible_count, expected_visible,
			    ARRAY_SIZE(expected_visible));
}

/* Every permutation of the hidden ranges gives the same layout. */
static void hidden_ranges_in_any_order(void **state)
{
	static const int orders[][4] = {
		{ 3, 2, 1, 0 }, { 2, 0, 3, 1 }, { 1, 3, 0, 2 }, { 0, 3, 2, 1 }, { 3, 0, 1, 2 },
	};

	(void)state;
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct phys_range shuffled[4];

		for (int i = 0; i < 4; i++)
			shuffled[i] = hidden[orders[o][i]];
		qemu_map();
		assert_null(memory_layout_build(&layout, &info, shuffled, 4));
		assert_ranges_equal(layout.hidden, layout.hidden_count, hidden,
				    ARRAY_SIZE(hidden));
		assert_ranges_equal(layout.visible, layout.visible_count, expected_visible,
				    ARRAY_SIZE(expected_visible));
		assert_ranges_equal(layout.ram, layout.ram_count, expected_ram,
				    ARRAY_SIZE(expected_ram));
		assert_well_formed(&layout, &info);
	}
}

/* Hidden ranges at the very edges: at 0 and ending at top. */
static void hidden_at_the_edges(void **state)
{
	static const struct phys_range edges[] = {
		{ 4 * GIB - 0x1000, 4 * GIB }, { 0, 0x1000 },
	};
	static const struct phys_range expected[] = { { 0x1000, 4 * GIB - 0x1000 } };

	(void)state;
	qemu_map();
	assert_null(memory_layout_build(&layout, &info, edges, ARRAY_SIZE(edges)));
	assert_ranges_equal(layout.visible, layout.visible_count, expected, ARRAY_SIZE(expected));
	assert_int_equal(layout.ram[0].start, 0x1000);
	assert_well_formed(&layout, &info);
}

static void overlapping_hidden_ranges(void **state)
{
	static const struct phys_range bad[][2] = {
		{ { 0x200000, 0x400000 }, { 0x3ff000, 0x500000 } },     /* one page shared */
		{ { 0x3ff000, 0x500000 }, { 0x200000, 0x400000 } },     /* same, reversed */
		{ { 0x200000, 0x800000 }, { 0x300000, 0x400000 } },     /* one inside other */
		{ { 0x300000, 0x400000 }, { 0x200000, 0x800000 } },
		{ { 0x200000, 0x400000 }, { 0x200000, 0x400000 } },     /* identical */
		{ { 0x200000, 0x400000 }, { 0x200000, 0x201000 } },     /* same start */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		qemu_map();
		assert_string_equal(memory_layout_build(&layout, &info, bad[i], 2),
				    "hidden ranges overlap");
	}
	/* Overlap between the first and the last of several, given out of order. */
	{
		const struct phys_range several[] = {
			{ 0x7ff000, 0x900000 }, { 0x100000, 0x129000 },
			{ 0xfed41000, 0xfed45000 }, { 0x400000, 0x800000 },
		};

		qemu_map();
		assert_string_equal(memory_layout_build(&layout, &info, several, 4),
				    "hidden ranges overlap");
	}
}

static void malformed_hidden_range(void **state)
{
	static const struct phys_range bad[] = {
		{ 0x100800, 0x129000 },         /* start not page aligned */
		{ 0x100000, 0x128800 },         /* end not page aligned */
		{ 0x100000, 0x100001 },
		{ 0x100000, 0x100000 },         /* empty */
		{ 0x129000, 0x100000 },         /* reversed */
		{ 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct phys_range list[] = { { 0xfed41000, 0xfed45000 }, bad[i] };

		qemu_map();
		assert_string_equal(memory_layout_build(&layout, &info, list, 2),
				    "hidden range empty or not page aligned");
	}
}

static void hidden_range_limit(void **state)
{
	struct phys_range many[LAYOUT_MAX_HIDDEN + 1];

	(void)state;
	for (uint32_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct phys_range){ 0x1000000 + i * 0x2000ull,
					       0x1000000 + i * 0x2000ull + 0x1000 };
	qemu_map();
	assert_null(memory_layout_build(&layout, &info, many, LAYOUT_MAX_HIDDEN));
	assert_int_equal(layout.hidden_count, LAYOUT_MAX_HIDDEN);
	assert_well_formed(&layout, &info);

	qemu_map();
	assert_string_equal(memory_layout_build(&layout, &info, many, LAYOUT_MAX_HIDDEN + 1),
			    "too many hidden ranges");
}

static void no_ram_left(void **state)
{
	static const struct phys_range all[] = { { 0, 0x1000 }, { MIB, 2 * MIB } };

	(void)state;
	memset(&info, 0, sizeof(info));
	add_memory(MIB, 2 * MIB, MB2_MEMORY_AVAILABLE);
	add_memory(0, 0x1000, MB2_MEMORY_AVAILABLE);
	assert_string_equal(memory_layout_build(&layout, &info, all, ARRAY_SIZE(all)),
			    "no RAM left for the commodity partition");

	/* No whole page of available memory. */
	memset(&info, 0, sizeof(info));
	add_memory(0x1001, 0x2fff, MB2_MEMORY_AVAILABLE);
	add_memory(MIB, 2 * MIB, MB2_MEMORY_RESERVED);
	assert_string_equal(memory_layout_build(&layout, &info, NULL, 0),
			    "no RAM left for the commodity partition");

	/* No map at all. */
	memset(&info, 0, sizeof(info));
	assert_string_equal(memory_layout_build(&layout, &info, NULL, 0),
			    "no RAM left for the commodity partition");
}

/* LAYOUT_MAX_RANGES pieces of RAM fit; one more is an error, not an overflow. */
static void ram_range_limit(void **state)
{
	(void)state;
	memset(&info, 0, sizeof(info));
	for (uint32_t i = 0; i < LAYOUT_MAX_RANGES; i++)
		add_memory(MIB + i * 0x2000ull, MIB + i * 0x2000ull + 0x1000,
			   MB2_MEMORY_AVAILABLE);
	assert_null(memory_layout_build(&layout, &info, NULL, 0));
	assert_int_equal(layout.ram_count, LAYOUT_MAX_RANGES);
	assert_well_formed(&layout, &info);

	add_memory(8 * MIB, 9 * MIB, MB2_MEMORY_AVAILABLE);
	assert_string_equal(memory_layout_build(&layout, &info, NULL, 0), "too many RAM ranges");

	/* The split by a hidden range is what goes over the limit: 64 map entries, the
	 * first three pages long, a hidden page in the middle of it. */
	memset(&info, 0, sizeof(info));
	add_memory(MIB, MIB + 0x3000, MB2_MEMORY_AVAILABLE);
	for (uint32_t i = 1; i < LAYOUT_MAX_RANGES; i++)
		add_memory(MIB + 0x2000 + i * 0x2000ull, MIB + 0x3000 + i * 0x2000ull,
			   MB2_MEMORY_AVAILABLE);
	assert_null(memory_layout_build(&layout, &info, NULL, 0));
	assert_int_equal(layout.ram_count, LAYOUT_MAX_RANGES);
	{
		const struct phys_range split = { MIB + 0x1000, MIB + 0x2000 };

		assert_string_equal(memory_layout_build(&layout, &info, &split, 1),
				    "too many RAM ranges");
	}

	/* The piece before a hidden range is the 65th. */
	memset(&info, 0, sizeof(info));
	for (uint32_t i = 0; i < LAYOUT_MAX_RANGES; i++)
		add_memory(MIB + i * 0x2000ull, MIB + i * 0x2000ull + 0x1000,
			   MB2_MEMORY_AVAILABLE);
	add_memory(8 * MIB, 8 * MIB + 0x3000, MB2_MEMORY_AVAILABLE);
	{
		const struct phys_range split = { 8 * MIB + 0x1000, 8 * MIB + 0x2000 };

		assert_string_equal(memory_layout_build(&layout, &info, &split, 1),
				    "too many RAM ranges");
	}
}

static void contain_inside_and_edges(void **state)
{
	static const struct phys_range ranges[] = {
		{ 0x1000, 0x2000 }, { 0x5000, 0x8000 }, { 0x8000, 0x9000 },
	};
	const size_t n = ARRAY_SIZE(ranges);

	(void)state;
	assert_true(ranges_contain(ranges, n, 0x1000, 0x1000));   /* the whole range */
	assert_true(ranges_contain(ranges, n, 0x1000, 1));        /* first byte */
	assert_true(ranges_contain(ranges, n, 0x1fff, 1));        /* last byte */
	assert_true(ranges_contain(ranges, n, 0x1800, 0x800));    /* touching the end */
	assert_false(ranges_contain(ranges, n, 0x1800, 0x801));   /* one byte past */
	assert_false(ranges_contain(ranges, n, 0x2000, 1));       /* just past */
	assert_false(ranges_contain(ranges, n, 0xfff, 1));        /* just before */
	assert_false(ranges_contain(ranges, n, 0xfff, 2));        /* straddling the start */
	assert_false(ranges_contain(ranges, n, 0x3000, 0x10));    /* in a hole */
	assert_true(ranges_contain(ranges, n, 0x6000, 0x2000));
	assert_true(ranges_contain(ranges, n, 0x8000, 0x1000));
	/* Adjacent ranges are not merged: a buffer must lie in one range. */
	assert_false(ranges_contain(ranges, n, 0x7ff8, 0x10));
	assert_false(ranges_contain(ranges, n, 0x5000, 0x4000));
	/* A buffer spanning a hole between two ranges. */
	assert_false(ranges_contain(ranges, n, 0x1000, 0x5000));
}

static void contain_size_zero_and_overflow(void **state)
{
	static const struct phys_range everything[] = { { 0, UINT64_MAX } };
	static const struct phys_range top[] = { { 0xfffffffffffff000ull, UINT64_MAX } };

	(void)state;
	assert_false(ranges_contain(everything, 1, 0x1000, 0));
	assert_false(ranges_contain(everything, 1, 0, 0));
	assert_true(ranges_contain(everything, 1, 0, UINT64_MAX));
	assert_true(ranges_contain(everything, 1, 0x1000, 0x1000));
	/* address + size wraps to a small number that would pass `<= end`. */
	assert_false(ranges_contain(everything, 1, 0x1000, UINT64_MAX));
	assert_false(ranges_contain(everything, 1, UINT64_MAX, 2));
	assert_false(ranges_contain(everything, 1, 0xfffffffffffff000ull, 0x1001));
	assert_false(ranges_contain(top, 1, 0xfffffffffffffff8ull, 0x10));
	assert_false(ranges_contain(top, 1, UINT64_MAX, UINT64_MAX));
	assert_true(ranges_contain(top, 1, 0xfffffffffffffff0ull, 0xf));
	assert_false(ranges_contain(top, 1, 0xfffffffffffffff0ull, 0x10)); /* end exclusive */
	/* No ranges: nothing is contained. */
	assert_false(ranges_contain(NULL, 0, 0x1000, 1));
}

static void ram_at_the_top_of_the_address_space(void **state)
{
	(void)state;
	qemu_map();
	add_memory(0x8000000000000000ull, 0xfffffffffffff000ull, MB2_MEMORY_AVAILABLE);
	assert_string_equal(memory_layout_build(&layout, &info, hidden, ARRAY_SIZE(hidden)),
			    "RAM reaches the top of the address space");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_layout),
		cmocka_unit_test(reserved_memory_stays_visible),
		cmocka_unit_test(ram_is_rounded_inward),
		cmocka_unit_test(only_available_memory_is_ram),
		cmocka_unit_test(top_above_4_gib),
		cmocka_unit_test(top_ignores_reserved_memory),
		cmocka_unit_test(hidden_range_above_4_gib),
		cmocka_unit_test(unsorted_memory_map),
		cmocka_unit_test(hidden_ranges_in_any_order),
		cmocka_unit_test(hidden_at_the_edges),
		cmocka_unit_test(overlapping_hidden_ranges),
		cmocka_unit_test(malformed_hidden_range),
		cmocka_unit_test(hidden_range_limit),
		cmocka_unit_test(no_ram_left),
		cmocka_unit_test(ram_range_limit),
		cmocka_unit_test(ram_at_the_top_of_the_address_space),
		cmocka_unit_test(contain_inside_and_edges),
		cmocka_unit_test(contain_size_zero_and_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
