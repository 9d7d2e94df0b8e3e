/* Nested page table builder and invariant checker: the commodity and securebox
 * shapes the hypervisor builds, the exact entry format, every rejected mapping,
 * running out of table pages, and tables broken by hand that the checker must catch.
 * The tables are read back here with a walker of our own, not through the code
 * under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/nested_paging.h"

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull

/* The entry format as the AMD64 APM defines it, written down independently of the
 * builder. */
#define PTE_PRESENT     (1ull << 0)
#define PTE_WRITABLE    (1ull << 1)
#define PTE_USER        (1ull << 2)
#define PTE_WRITE_THROUGH (1ull << 3)
#define PTE_ACCESSED    (1ull << 5)
#define PTE_DIRTY       (1ull << 6)
#define PTE_LARGE       (1ull << 7)
#define PTE_NO_EXECUTE  (1ull << 63)
#define PTE_ADDRESS     0x000ffffffffff000ull

#define RWX (NPT_READ | NPT_WRITE | NPT_EXECUTE)

/* --- page source ----------------------------------------------------------- */

#define POOL_PAGES 64

static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));

struct pool_source {
	size_t used;
	size_t limit;   /* pages it hands out before running dry */
};

static uint64_t pool_allocate(void *context)
{
	struct pool_source *source = context;

	if (source->used == source->limit)
		return 0;
	memset(pool[source->used], 0, sizeof(pool[0]));
	return (uint64_t)(uintptr_t)pool[source->used++];
}

static struct pool_source pool_state;
static const struct npt_page_source pool_pages = { &pool_state, pool_allocate };

static const struct npt_range pool_range[] = {
	{ (uintptr_t)pool, (uintptr_t)pool + sizeof(pool) },
};

static void new_npt(struct npt *npt, bool allow_1g_pages, size_t page_limit)
{
	pool_state.used = 0;
	pool_state.limit = page_limit;
	assert_int_equal(npt_init(npt, &pool_pages, allow_1g_pages), NPT_OK);
}

/* --- reading tables back ----------------------------------------------------- */

static uint64_t *table_at(uint64_t physical)
{
	return (uint64_t *)(uintptr_t)physical;
}

static unsigned int shift_of(int level)
{
	return 12 + 9 * level;
}

/* The entry at `level` on the walk to `guest`, through table entries only. */
static uint64_t *entry_for(const struct npt *npt, uint64_t guest, int level)
{
	uint64_t *entries = table_at(npt->root);

	for (int current = 3; current > level; current--) {
		uint64_t entry = entries[(guest >> shift_of(current)) & 511];

		assert_true(entry & PTE_PRESENT);
		assert_false(current < 3 && (entry & PTE_LARGE));
		entries = table_at(entry & PTE_ADDRESS);
	}
	return &entries[(guest >> shift_of(level)) & 511];
}

#define MAX_SMALL_REGIONS 16

struct census {
	uint64_t leaves[3];     /* by level: 4 KiB, 2 MiB, 1 GiB */
	uint64_t tables;
	/* The distinct 2 MiB regions that hold 4 KiB leaves. */
	uint64_t small_regions[MAX_SMALL_REGIONS];
	size_t small_region_count;
};

static void note_small_region(struct census *census, uint64_t region)
{
	for (size_t i = 0; i < census->small_region_count; i++)
		if (census->small_regions[i] == region)
			return;
	assert_true(census->small_region_count < MAX_SMALL_REGIONS);
	census->small_regions[census->small_region_count++] = region;
}

/* Counts leaves and tables and checks the format of every entry on the way. */
static void census_walk(struct census *census, uint64_t table, int level, uint64_t guest_base)
{
	const uint64_t *entries = table_at(table);

	census->tables++;
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t entry = entries[i];
		uint64_t guest = guest_base + (i << shift_of(level));

		if (!(entry & PTE_PRESENT)) {
			assert_int_equal(entry, 0);
			continue;
		}
		assert_true(entry & PTE_USER);
		if (level == 0 || (level < 3 && (entry & PTE_LARGE))) {
			census->leaves[level]++;
			if (level == 0)
				note_small_region(census, guest & ~(2 * MiB - 1));
		} else {
			assert_int_equal(entry & ~PTE_ADDRESS, PTE_PRESENT | PTE_WRITABLE | PTE_USER);
			census_walk(census, entry & PTE_ADDRESS, level - 1, guest);
		}
	}
}

static struct census take_census(const struct npt *npt)
{
	struct census census = { 0 };

	census_walk(&census, npt->root, 3, 0);
	assert_int_equal(census.tables, npt->table_pages);
	assert_int_equal(census.tables, pool_state.used);
	return census;
}

/* --- the commodity partition ------------------------------------------------- */

static const struct npt_range commodity_ram[] = {
	{ 0, 4 * GiB },
	{ 4 * GiB, 5 * GiB },
};

/* Sorted by start, as complement() needs. */
static const struct npt_range commodity_holes[] = {
	{ 1 * MiB, 1 * MiB + 0x30000 },   /* hypervisor image */
	{ 32 * MiB, 40 * MiB },           /* hypervisor arena, holds the tables */
	{ 40 * MiB, 44 * MiB },           /* securebox memory */
	{ 0xfed41000, 0xfed45000 },       /* TPM localities 1-4 */
};

#define HOLE_COUNT (sizeof(commodity_holes) / sizeof(commodity_holes[0]))

/* The parts of `ram` outside every hole, identity-mapped. */
static size_t complement(struct npt_mapping *out, size_t capacity)
{
	size_t count = 0;

	for (size_t r = 0; r < sizeof(commodity_ram) / sizeof(commodity_ram[0]); r++) {
		uint64_t cursor = commodity_ram[r].start;

		for (size_t h = 0; h < HOLE_COUNT; h++) {
			const struct npt_range *hole = &commodity_holes[h];

			if (hole->end <= cursor || hole->start >= commodity_ram[r].end)
				continue;
			if (hole->start > cursor) {
				assert_true(count < capacity);
				out[count++] = (struct npt_mapping){ cursor, cursor,
								     hole->start - cursor, RWX };
			}
			cursor = hole->end;
		}
		if (cursor < commodity_ram[r].end) {
			assert_true(count < capacity);
			out[count++] = (struct npt_mapping){ cursor, cursor,
							     commodity_ram[r].end - cursor, RWX };
		}
	}
	return count;
}

static void build_commodity(struct npt *npt, bool allow_1g_pages)
{
	struct npt_mapping mappings[8];
	size_t count = complement(mappings, 8);

	assert_int_equal(count, 5);
	new_npt(npt, allow_1g_pages, POOL_PAGES);
	assert_int_equal(npt_map(npt, mappings, count), NPT_OK);
}

static bool in_hole(uint64_t address)
{
	for (size_t h = 0; h < HOLE_COUNT; h++)
		if (commodity_holes[h].start <= address && address < commodity_holes[h].end)
			return true;
	return false;
}

static void assert_identity(const struct npt *npt, uint64_t guest)
{
	uint64_t host, page_size;
	uint32_t permissions;

	assert_int_equal(npt_translate(npt, guest, &host, &permissions, &page_size), 0);
	assert_int_equal(host, guest);
	assert_int_equal(permissions, RWX);
}

static void assert_unmapped(const struct npt *npt, uint64_t guest)
{
	assert_int_equal(npt_translate(npt, guest, NULL, NULL, NULL), -1);
}

/* The holes and the tables themselves are forbidden; W+X is allowed. */
static const char *check_commodity(const struct npt *npt, uint64_t *where)
{
	struct npt_range forbidden[HOLE_COUNT + 1];
	struct npt_invariants invariants = {
		forbidden, HOLE_COUNT + 1, pool_range, 1, false,
	};

	memcpy(forbidden, commodity_holes, sizeof(commodity_holes));
	forbidden[HOLE_COUNT] = pool_range[0];
	return npt_check_invariants(npt, &invariants, where);
}

static void assert_commodity_invariants_hold(const struct npt *npt)
{
	uint64_t where;

	assert_null(check_commodity(npt, &where));
}

/* The 2 MiB regions that a hole edge falls inside of (not on a boundary of). */
static void assert_small_regions_are_hole_edges(const struct census *census)
{
	size_t expected = 0;

	for (size_t h = 0; h < HOLE_COUNT; h++) {
		uint64_t edges[2] = { commodity_holes[h].start, commodity_holes[h].end };

		for (int e = 0; e < 2; e++) {
			bool found = false;

			if (edges[e] % (2 * MiB) == 0)
				continue;
			for (size_t i = 0; i < census->small_region_count; i++)
				found |= census->small_regions[i] == (edges[e] & ~(2 * MiB - 1));
			assert_true(found);
			expected++;
		}
	}
	/* Both edges of the image hole share region 0, both TPM edges share
	 * 0xfec00000: four edges in two regions, and nothing else uses 4 KiB. */
	assert_int_equal(expected, 4);
	assert_int_equal(census->small_region_count, 2);
}

/* 4 KiB leaves: [0, 1M) 256, [1M+0x30000, 2M) 208, [0xfec00000, 0xfed41000) 321,
 * [0xfed45000, 0xfee00000) 187. */
#define COMMODITY_4K_LEAVES (256 + 208 + 321 + 187)

static void test_commodity_shape(void **state)
{
	struct npt npt;
	struct census census;

	(void)state;
	build_commodity(&npt, true);

	census = take_census(&npt);
	assert_int_equal(census.leaves[0], COMMODITY_4K_LEAVES);
	/* [2M, 32M) 15, [44M, 1G) 490, [3G, 0xfec00000) 502, [0xfee00000, 4G) 9 */
	assert_int_equal(census.leaves[1], 15 + 490 + 502 + 9);
	/* [1G, 2G), [2G, 3G), [4G, 5G); [0, 1G) and [3G, 4G) hold holes. */
	assert_int_equal(census.leaves[2], 3);
	/* root, PDPT, PDs for [0, 1G) and [3G, 4G), PTs for the two edge regions */
	assert_int_equal(npt.table_pages, 6);
	assert_small_regions_are_hole_edges(&census);

	assert_commodity_invariants_hold(&npt);
}

static void test_commodity_translate(void **state)
{
	struct npt npt;
	uint64_t host, page_size;
	uint32_t permissions;

	(void)state;
	build_commodity(&npt, true);

	for (size_t h = 0; h < HOLE_COUNT; h++) {
		uint64_t start = commodity_holes[h].start, end = commodity_holes[h].end;

		assert_unmapped(&npt, start);
		assert_unmapped(&npt, start + 0x123);
		assert_unmapped(&npt, end - 1);
		if (!in_hole(start - 1))
			assert_identity(&npt, start - 1);
		if (!in_hole(end))
			assert_identity(&npt, end);
	}

	assert_identity(&npt, 0);
	assert_int_equal(npt_translate(&npt, 0xfee00300, &host, &permissions, &page_size), 0);
	assert_int_equal(host, 0xfee00300);
	assert_int_equal(page_size, 2 * MiB);
	assert_int_equal(npt_translate(&npt, 2 * GiB + 0x12345, &host, &permissions, &page_size), 0);
	assert_int_equal(host, 2 * GiB + 0x12345);
	assert_int_equal(page_size, GiB);
	assert_int_equal(npt_translate(&npt, 0xfed40fff, &host, &permissions, &page_size), 0);
	assert_int_equal(page_size, 4 * KiB);
	assert_identity(&npt, 5 * GiB - 1);
	assert_unmapped(&npt, 5 * GiB);
	assert_unmapped(&npt, NPT_GUEST_ADDRESS_LIMIT);
	assert_unmapped(&npt, UINT64_MAX);
}

static void test_commodity_without_1g_pages(void **state)
{
	struct npt npt;
	struct census census;

	(void)state;
	build_commodity(&npt, false);

	census = take_census(&npt);
	assert_int_equal(census.leaves[2], 0);
	assert_int_equal(census.leaves[0], COMMODITY_4K_LEAVES);
	/* The three 1 GiB pages become 512 2 MiB pages each. */
	assert_int_equal(census.leaves[1], 15 + 490 + 502 + 9 + 3 * 512);
	/* root, PDPT, five PDs, two PTs */
	assert_int_equal(npt.table_pages, 9);
	assert_small_regions_are_hole_edges(&census);
	assert_commodity_invariants_hold(&npt);
}

/* --- the securebox partition --------------------------------------------------- */

#define SECUREBOX_HOST (40 * MiB)

/* Out of order on purpose: the builder must not care. */
static const struct npt_mapping securebox_mappings[] = {
	{ 2 * MiB + 512 * KiB, SECUREBOX_HOST + 2 * MiB + 512 * KiB, 1536 * KiB,
	  NPT_READ | NPT_WRITE },                                                   /* data */
	{ 0, SECUREBOX_HOST, 2 * MiB, NPT_READ | NPT_EXECUTE },                     /* text */
	{ 2 * MiB, SECUREBOX_HOST + 2 * MiB, 512 * KiB, NPT_READ },                 /* rodata */
};

static const struct npt_range securebox_forbidden[] = {
	{ 1 * MiB, 1 * MiB + 0x30000 },
	{ 32 * MiB, 40 * MiB },
	{ 0xfed40000, 0xfed45000 },
	{ (uintptr_t)pool, (uintptr_t)pool + sizeof(pool) },
};

static const struct npt_invariants securebox_invariants = {
	securebox_forbidden, sizeof(securebox_forbidden) / sizeof(securebox_forbidden[0]),
	pool_range, 1, true,
};

static void build_securebox(struct npt *npt, bool allow_1g_pages)
{
	new_npt(npt, allow_1g_pages, POOL_PAGES);
	assert_int_equal(npt_map(npt, securebox_mappings, 3), NPT_OK);
}

static void assert_translates(const struct npt *npt, uint64_t guest, uint64_t expected_host,
			      uint32_t expected_permissions, uint64_t expected_page_size)
{
	uint64_t host, page_size;
	uint32_t permissions;

	assert_int_equal(npt_translate(npt, guest, &host, &permissions, &page_size), 0);
	assert_int_equal(host, expected_host);
	assert_int_equal(permissions, expected_permissions);
	assert_int_equal(page_size, expected_page_size);
}

static void test_securebox_shape(void **state)
{
	struct npt npt;
	struct census census;
	uint64_t where;

	(void)state;
	build_securebox(&npt, true);

	assert_translates(&npt, 0, SECUREBOX_HOST, NPT_READ | NPT_EXECUTE, 2 * MiB);
	assert_translates(&npt, 0x1fffff, SECUREBOX_HOST + 0x1fffff, NPT_READ | NPT_EXECUTE, 2 * MiB);
	assert_translates(&npt, 0x200000, SECUREBOX_HOST + 0x200000, NPT_READ, 4 * KiB);
	assert_translates(&npt, 0x27ffff, SECUREBOX_HOST + 0x27ffff, NPT_READ, 4 * KiB);
	assert_translates(&npt, 0x280000, SECUREBOX_HOST + 0x280000, NPT_READ | NPT_WRITE, 4 * KiB);
	assert_translates(&npt, 4 * MiB - 1, 44 * MiB - 1, NPT_READ | NPT_WRITE, 4 * KiB);
	assert_unmapped(&npt, 4 * MiB);
	assert_unmapped(&npt, SECUREBOX_HOST);

	/* The exact bits: U everywhere, NX on every leaf without EXECUTE, table
	 * entries P|RW|U so the leaf decides. */
	assert_int_equal(*entry_for(&npt, 0, 1),
			 SECUREBOX_HOST | PTE_PRESENT | PTE_USER | PTE_LARGE);
	assert_int_equal(*entry_for(&npt, 0x200000, 0),
			 (SECUREBOX_HOST + 0x200000) | PTE_PRESENT | PTE_USER | PTE_NO_EXECUTE);
	assert_int_equal(*entry_for(&npt, 0x280000, 0),
			 (SECUREBOX_HOST + 0x280000) | PTE_PRESENT | PTE_WRITABLE | PTE_USER |
			 PTE_NO_EXECUTE);
	for (int level = 3; level > 0; level--)
		assert_int_equal(*entry_for(&npt, 0x200000, level) & ~PTE_ADDRESS,
				 PTE_PRESENT | PTE_WRITABLE | PTE_USER);

	census = take_census(&npt);
	assert_int_equal(census.leaves[1], 1);
	assert_int_equal(census.leaves[0], 512);
	assert_int_equal(npt.table_pages, 4);

	assert_null(npt_check_invariants(&npt, &securebox_invariants, &where));
}

static void test_host_alignment_limits_page_size(void **state)
{
	/* Guest 1 GiB-aligned but host only 4 KiB-aligned: 4 KiB pages throughout;
	 * host 2 MiB-aligned: 2 MiB pages although the guest allows 1 GiB. */
	static const struct npt_mapping mappings[] = {
		{ 1 * GiB, 40 * MiB + 4 * KiB, 4 * MiB, NPT_READ },
		{ 2 * GiB, 2 * MiB, 1 * GiB, NPT_READ },
	};
	struct npt npt;
	struct census census;

	(void)state;
	new_npt(&npt, true, POOL_PAGES);
	assert_int_equal(npt_map(&npt, mappings, 2), NPT_OK);
	census = take_census(&npt);
	assert_int_equal(census.leaves[0], 1024);
	assert_int_equal(census.leaves[1], 512);
	assert_int_equal(census.leaves[2], 0);
	assert_translates(&npt, 1 * GiB + 0x1234, 40 * MiB + 0x2234, NPT_READ, 4 * KiB);
	assert_translates(&npt, 3 * GiB - 1, 1 * GiB + 2 * MiB - 1, NPT_READ, 2 * MiB);
}

/* --- the checker against broken tables ---------------------------------------- */

static const char *check_securebox(const struct npt *npt, uint64_t *where)
{
	return npt_check_invariants(npt, &securebox_invariants, where);
}

static void test_checker_catches_forbidden_host(void **state)
{
	struct npt npt;
	uint64_t where, *leaf;

	(void)state;
	build_securebox(&npt, true);
	leaf = entry_for(&npt, 0x300000, 0);
	*leaf = (*leaf & ~PTE_ADDRESS) | (32 * MiB + 0x5000);
	assert_string_equal(check_securebox(&npt, &where), "leaf maps a forbidden host range");
	assert_int_equal(where, 0x300000);

	/* A 2 MiB leaf counts with all of its size: the TPM pages lie in its middle. */
	build_securebox(&npt, true);
	leaf = entry_for(&npt, 0, 1);
	*leaf = (*leaf & ~PTE_ADDRESS) | 0xfe00000;
	assert_null(check_securebox(&npt, &where));
	*leaf = (*leaf & ~PTE_ADDRESS) | 0xfec00000;
	assert_string_equal(check_securebox(&npt, &where), "leaf maps a forbidden host range");
	assert_int_equal(where, 0);

	/* A leaf onto the page tables themselves. */
	build_securebox(&npt, true);
	leaf = entry_for(&npt, 0x200000, 0);
	*leaf = (*leaf & ~PTE_ADDRESS) | npt.root;
	assert_string_equal(check_securebox(&npt, &where), "leaf maps a forbidden host range");
	assert_int_equal(where, 0x200000);

	/* A 1 GiB leaf moved onto the hypervisor image. */
	build_commodity(&npt, true);
	leaf = entry_for(&npt, GiB, 2);
	*leaf &= ~PTE_ADDRESS;
	assert_string_equal(check_commodity(&npt, &where), "leaf maps a forbidden host range");
	assert_int_equal(where, GiB);
}

static void test_checker_catches_write_execute(void **state)
{
	struct npt_invariants allow_write_execute = securebox_invariants;
	struct npt npt;
	uint64_t where;

	(void)state;
	build_securebox(&npt, true);
	*entry_for(&npt, 0, 1) |= PTE_WRITABLE;
	assert_string_equal(check_securebox(&npt, &where), "leaf is writable and executable");
	assert_int_equal(where, 0);

	allow_write_execute.forbid_write_execute = false;
	assert_null(npt_check_invariants(&npt, &allow_write_execute, &where));

	build_securebox(&npt, true);
	*entry_for(&npt, 0x3ff000, 0) &= ~PTE_NO_EXECUTE;
	assert_string_equal(check_securebox(&npt, &where), "leaf is writable and executable");
	assert_int_equal(where, 0x3ff000);
}

static uint64_t stray_table[512] __attribute__((aligned(4096)));

static void test_checker_catches_table_outside_memory(void **state)
{
	struct npt npt;
	uint64_t where, *pd_entry;

	(void)state;
	build_securebox(&npt, true);
	pd_entry = entry_for(&npt, 0x200000, 1);
	memcpy(stray_table, table_at(*pd_entry & PTE_ADDRESS), sizeof(stray_table));
	*pd_entry = (*pd_entry & ~PTE_ADDRESS) | (uintptr_t)stray_table;
	/* Same translations, but the table is no longer hypervisor memory. */
	assert_translates(&npt, 0x280000, SECUREBOX_HOST + 0x280000, NPT_READ | NPT_WRITE, 4 * KiB);
	assert_string_equal(check_securebox(&npt, &where), "table page outside table memory");
	assert_int_equal(where, (uintptr_t)stray_table);

	/* The root is a table page too. */
	build_securebox(&npt, true);
	memcpy(stray_table, table_at(npt.root), sizeof(stray_table));
	npt.root = (uintptr_t)stray_table;
	assert_string_equal(check_securebox(&npt, &where), "table page outside table memory");
	assert_int_equal(where, (uintptr_t)stray_table);

	npt.root = (uintptr_t)pool[0] + 8;
	assert_string_equal(check_securebox(&npt, &where), "root is not a page address");
}

static void test_checker_catches_reserved_bits(void **state)
{
	static const struct {
		uint64_t guest;
		int level;
		uint64_t bits;
	} cases[] = {
		{ 0x200000, 0, PTE_WRITE_THROUGH },    /* memory type must stay write-back */
		{ 0x200000, 0, 1ull << 52 },           /* software-available: unused here */
		{ 0x200000, 0, 1ull << 9 },
		{ 0x200000, 0, PTE_LARGE },            /* PAT in a PT entry */
		{ 0, 1, 1ull << 13 },                  /* below a 2 MiB leaf's address */
		{ 0, 1, 1ull << 12 },                  /* PAT in a 2 MiB leaf */
		{ 0, 3, PTE_LARGE },                   /* PS in a PML4 entry */
		{ 0, 3, PTE_NO_EXECUTE },              /* table entries leave it to the leaf */
		{ 0, 2, PTE_DIRTY },
	};
	struct npt npt;
	uint64_t where;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build_securebox(&npt, true);
		*entry_for(&npt, cases[i].guest, cases[i].level) |= cases[i].bits;
		assert_string_equal(check_securebox(&npt, &where), "entry has a reserved bit set");
		assert_int_equal(where, cases[i].guest);
	}

	/* The CPU sets accessed and dirty bits while the partition runs. */
	build_securebox(&npt, true);
	for (int level = 3; level > 0; level--)
		*entry_for(&npt, 0x280000, level) |= PTE_ACCESSED;
	*entry_for(&npt, 0x280000, 0) |= PTE_ACCESSED | PTE_DIRTY;
	*entry_for(&npt, 0, 1) |= PTE_ACCESSED | PTE_DIRTY;
	assert_null(check_securebox(&npt, &where));
}

static void test_checker_catches_1g_leaf_without_support(void **state)
{
	struct npt npt;
	uint64_t where;

	(void)state;
	build_securebox(&npt, false);
	*entry_for(&npt, 2 * GiB, 2) = 2 * GiB | PTE_PRESENT | PTE_USER | PTE_LARGE | PTE_NO_EXECUTE;
	assert_string_equal(check_securebox(&npt, &where), "entry has a reserved bit set");
	assert_int_equal(where, 2 * GiB);

	npt.allow_1g_pages = true;
	assert_null(check_securebox(&npt, &where));
}

static void test_checker_catches_missing_user_bit(void **state)
{
	struct npt npt;
	uint64_t where;

	(void)state;
	build_securebox(&npt, true);
	*entry_for(&npt, 0x201000, 0) &= ~PTE_USER;
	assert_string_equal(check_securebox(&npt, &where), "entry lacks the U bit");
	assert_int_equal(where, 0x201000);

	build_securebox(&npt, true);
	*entry_for(&npt, 0, 2) &= ~PTE_USER;
	assert_string_equal(check_securebox(&npt, &where), "entry lacks the U bit");
	assert_int_equal(where, 0);
}

static void test_checker_catches_read_only_table_entry(void **state)
{
	struct npt npt;
	uint64_t where;

	(void)state;
	build_securebox(&npt, true);
	*entry_for(&npt, 0x200000, 1) &= ~PTE_WRITABLE;
	assert_string_equal(check_securebox(&npt, &where), "table entry is not writable");
	assert_int_equal(where, 0x200000);
	/* translate reports what the CPU would grant: no level allows writes. */
	assert_translates(&npt, 0x280000, SECUREBOX_HOST + 0x280000, NPT_READ, 4 * KiB);

	/* NX on a table entry forbids execution below it. */
	build_securebox(&npt, true);
	*entry_for(&npt, 0, 3) |= PTE_NO_EXECUTE;
	assert_translates(&npt, 0, SECUREBOX_HOST, NPT_READ, 2 * MiB);
}

/* --- rejected mappings ------------------------------------------------------------ */

static void test_bad_mappings(void **state)
{
	static const struct {
		struct npt_mapping mapping;
		enum npt_status status;
	} cases[] = {
		{ { 0x1800, 0x2000, 0x1000, NPT_READ }, NPT_BAD_MAPPING },       /* guest */
		{ { 0x2000, 0x1800, 0x1000, NPT_READ }, NPT_BAD_MAPPING },       /* host */
		{ { 0x2000, 0x2000, 0x1800, NPT_READ }, NPT_BAD_MAPPING },       /* size */
		{ { 0x2000, 0x2000, 0, NPT_READ }, NPT_BAD_MAPPING },
		{ { UINT64_MAX - 0xfff, 0, 0x2000, NPT_READ }, NPT_BAD_MAPPING }, /* wraps */
		{ { 0, UINT64_MAX - 0xfff, 0x2000, NPT_READ }, NPT_BAD_MAPPING },
		{ { 0, 0, 0x1000, NPT_WRITE }, NPT_BAD_MAPPING },                /* no READ */
		{ { 0, 0, 0x1000, NPT_WRITE | NPT_EXECUTE }, NPT_BAD_MAPPING },
		{ { 0, 0, 0x1000, NPT_READ | 8 }, NPT_BAD_MAPPING },             /* unknown */
		{ { 0, 0, 0x1000, RWX | 0x80000000u }, NPT_BAD_MAPPING },
		/* Four levels reach 2^48 of guest, entries hold 52 bits of host. */
		{ { (1ull << 48) - 0x1000, 0, 0x2000, NPT_READ }, NPT_BAD_MAPPING },
		{ { 1ull << 48, 0, 0x1000, NPT_READ }, NPT_BAD_MAPPING },
		{ { 1ull << 50, 0, 0x1000, NPT_READ }, NPT_BAD_MAPPING },
		{ { 0, (1ull << 52) - 0x1000, 0x2000, NPT_READ }, NPT_BAD_MAPPING },
		{ { 0, 1ull << 52, 0x1000, NPT_READ }, NPT_BAD_MAPPING },
		{ { 0, 1ull << 60, 0x1000, NPT_READ }, NPT_BAD_MAPPING },
		{ { 0, 0, 0x1000, NPT_READ }, NPT_OK },
	};
	static const struct npt_mapping highest = {
		(1ull << 48) - 0x1000, (1ull << 52) - 0x1000, 0x1000, NPT_READ,
	};
	struct npt npt;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		new_npt(&npt, true, POOL_PAGES);
		assert_int_equal(npt_map(&npt, &cases[i].mapping, 1), cases[i].status);
		/* Validation comes first: a rejected mapping allocates nothing. */
		if (cases[i].status != NPT_OK)
			assert_int_equal(npt.table_pages, 1);
	}

	assert_translates(&npt, 0xfff, 0xfff, NPT_READ, 4 * KiB);
	new_npt(&npt, true, POOL_PAGES);
	assert_int_equal(npt_map(&npt, &highest, 1), NPT_OK);
	assert_translates(&npt, (1ull << 48) - 1, (1ull << 52) - 1, NPT_READ, 4 * KiB);
}

static void test_bad_mapping_after_good_one_maps_nothing(void **state)
{
	static const struct npt_mapping mappings[] = {
		{ 0, 0, 2 * MiB, NPT_READ },
		{ 2 * MiB, 2 * MiB, 0, NPT_READ },
	};
	struct npt npt;

	(void)state;
	new_npt(&npt, true, POOL_PAGES);
	assert_int_equal(npt_map(&npt, mappings, 2), NPT_BAD_MAPPING);
	assert_int_equal(npt.table_pages, 1);
	assert_unmapped(&npt, 0);
}

static void test_overlaps(void **state)
{
	static const struct {
		struct npt_mapping first, second;
		enum npt_status status;
	} cases[] = {
		/* the second inside a 2 MiB leaf of the first */
		{ { 0, 0, 2 * MiB, NPT_READ }, { 1 * MiB, 8 * MiB, 4 * KiB, NPT_READ }, NPT_OVERLAP },
		/* a 2 MiB leaf over a page table that already holds a page */
		{ { 4 * KiB, 0, 4 * KiB, NPT_READ }, { 0, 0, 2 * MiB, NPT_READ }, NPT_OVERLAP },
		/* inside a 1 GiB leaf */
		{ { 0, 0, GiB, NPT_READ }, { 512 * MiB, 0, 2 * MiB, NPT_READ }, NPT_OVERLAP },
		/* a 1 GiB leaf over a page directory that already holds a page */
		{ { GiB + 6 * MiB, 0, 2 * MiB, NPT_READ }, { GiB, GiB, GiB, NPT_READ }, NPT_OVERLAP },
		/* the same 4 KiB page, with different hosts */
		{ { 0, 0, 8 * KiB, NPT_READ }, { 4 * KiB, 64 * KiB, 4 * KiB, NPT_READ }, NPT_OVERLAP },
		/* adjacent is fine */
		{ { 0, 0, 2 * MiB, NPT_READ }, { 2 * MiB, 2 * MiB, 4 * KiB, NPT_READ }, NPT_OK },
		{ { 4 * KiB, 0, 4 * KiB, NPT_READ }, { 0, 0, 4 * KiB, NPT_READ }, NPT_OK },
	};
	struct npt npt;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct npt_mapping both[2] = { cases[i].first, cases[i].second };

		/* once in two calls, once in the same call */
		new_npt(&npt, true, POOL_PAGES);
		assert_int_equal(npt_map(&npt, &cases[i].first, 1), NPT_OK);
		assert_int_equal(npt_map(&npt, &cases[i].second, 1), cases[i].status);

		new_npt(&npt, true, POOL_PAGES);
		assert_int_equal(npt_map(&npt, both, 2), cases[i].status);
	}

	/* A range mapped again after everything else. */
	new_npt(&npt, true, POOL_PAGES);
	assert_int_equal(npt_map(&npt, securebox_mappings, 3), NPT_OK);
	assert_int_equal(npt_map(&npt, &securebox_mappings[2], 1), NPT_OVERLAP);
}

/* Once a vCPU may hold translations from the tables, nothing changes them: not even
 * a mapping that would otherwise be fine, and what was mapped stays as it was. */
static void test_frozen_tables_refuse_changes(void **state)
{
	static const struct npt_mapping more = { 64 * MiB, 64 * MiB, 2 * MiB, NPT_READ };
	struct npt npt;
	uint64_t pages;

	(void)state;
	new_npt(&npt, true, POOL_PAGES);
	assert_int_equal(npt_map(&npt, securebox_mappings, 3), NPT_OK);
	pages = npt.table_pages;
	npt_freeze(&npt);
	assert_int_equal(npt_map(&npt, &more, 1), NPT_FROZEN);
	assert_int_equal(npt.table_pages, pages);
	assert_unmapped(&npt, more.guest_start);
	assert_translates(&npt, securebox_mappings[1].guest_start,
			  securebox_mappings[1].host_start, securebox_mappings[1].permissions,
			  2 * MiB);
}

/* --- running out of table pages ----------------------------------------------------- */

static void test_out_of_memory(void **state)
{
	struct npt_mapping mappings[8];
	size_t count = complement(mappings, 8);
	struct npt npt;
	uint64_t where;

	(void)state;
	pool_state.used = 0;
	pool_state.limit = 0;
	assert_int_equal(npt_init(&npt, &pool_pages, true), NPT_OUT_OF_MEMORY);
	assert_int_equal(npt.table_pages, 0);

	/* The commodity shape needs 6 table pages; every smaller supply fails cleanly
	 * and leaves tables that are still well formed. */
	for (size_t limit = 1; limit < 6; limit++) {
		new_npt(&npt, true, limit);
		assert_int_equal(npt_map(&npt, mappings, count), NPT_OUT_OF_MEMORY);
		assert_int_equal(npt.table_pages, limit);
		take_census(&npt);
		assert_null(npt_check_invariants(&npt,
			&(struct npt_invariants){ commodity_holes, HOLE_COUNT, pool_range, 1, false },
			&where));
	}
	new_npt(&npt, true, 6);
	assert_int_equal(npt_map(&npt, mappings, count), NPT_OK);
}

/* --- random mappings against a page-granular model ------------------------------------ */

#define MODEL_SPACE (64 * MiB)
#define MODEL_PAGES (MODEL_SPACE / (4 * KiB))

/* A page the failed mapping may or may not have entered. */
#define MODEL_UNKNOWN -2

static struct {
	int mapping;            /* index of the mapping, -1 if unmapped, or MODEL_UNKNOWN */
	uint64_t host;
	uint32_t permissions;
} model[MODEL_PAGES];

static uint64_t random_state = 0x5eed;

static uint64_t random_below(uint64_t bound)
{
	random_state = random_state * 6364136223846793005ull + 1442695040888963407ull;
	return (random_state >> 33) % bound;
}

static struct npt_mapping random_mapping(void)
{
	struct npt_mapping mapping;
	uint64_t pages = random_below(2) ? 1 + random_below(8) : 1 + random_below(2048);
	uint64_t start = random_below(MODEL_PAGES) * 4 * KiB;

	if (random_below(2))
		start &= ~(2 * MiB - 1);
	if (start + pages * 4 * KiB > MODEL_SPACE)
		pages = (MODEL_SPACE - start) / (4 * KiB);
	mapping.guest_start = start;
	mapping.size = pages * 4 * KiB;
	/* Half keep the guest's offset in its 2 MiB region, so large pages can fit. */
	mapping.host_start = GiB + random_below(512) * 2 * MiB +
			     (random_below(2) ? start % (2 * MiB) : random_below(512) * 4 * KiB);
	mapping.permissions = NPT_READ | (random_below(2) ? NPT_WRITE : 0) |
			      (random_below(2) ? NPT_EXECUTE : 0);
	return mapping;
}

static bool model_is_free(const struct npt_mapping *mapping)
{
	for (uint64_t page = mapping->guest_start / (4 * KiB);
	     page < (mapping->guest_start + mapping->size) / (4 * KiB); page++)
		if (model[page].mapping >= 0)
			return false;
	return true;
}

/* Whether the greedy builder must use a 2 MiB page for this region: one mapping
 * covers it entirely, with a 2 MiB-aligned host. */
static bool model_wants_large_page(uint64_t region_page)
{
	for (uint64_t page = region_page; page < region_page + 512; page++)
		if (model[page].mapping < 0 || model[page].mapping != model[region_page].mapping)
			return false;
	return model[region_page].host % (2 * MiB) == 0;
}

static void test_random_mappings_match_model(void **state)
{
	struct npt npt;
	uint64_t where;

	(void)state;
	for (int round = 0; round < 20; round++) {
		int mapped = 0;

		for (uint64_t page = 0; page < MODEL_PAGES; page++)
			model[page].mapping = -1;
		new_npt(&npt, true, POOL_PAGES);

		for (int attempt = 0; attempt < 40; attempt++) {
			struct npt_mapping mapping = random_mapping();

			if (!model_is_free(&mapping)) {
				assert_int_equal(npt_map(&npt, &mapping, 1), NPT_OVERLAP);
				/* The free pages it covers may be half entered: the
				 * round ends there, and only the rest is compared. */
				for (uint64_t page = mapping.guest_start / (4 * KiB);
				     page < (mapping.guest_start + mapping.size) / (4 * KiB); page++)
					if (model[page].mapping == -1)
						model[page].mapping = MODEL_UNKNOWN;
				break;
			}
			assert_int_equal(npt_map(&npt, &mapping, 1), NPT_OK);
			for (uint64_t offset = 0; offset < mapping.size; offset += 4 * KiB) {
				uint64_t page = (mapping.guest_start + offset) / (4 * KiB);

				model[page].mapping = mapped;
				model[page].host = mapping.host_start + offset;
				model[page].permissions = mapping.permissions;
			}
			mapped++;
		}

		for (uint64_t page = 0; page < MODEL_PAGES; page++) {
			uint64_t guest = page * 4 * KiB + 0x7f8, host, page_size;
			uint32_t permissions;

			if (model[page].mapping == MODEL_UNKNOWN)
				continue;
			if (model[page].mapping < 0) {
				assert_unmapped(&npt, guest);
				continue;
			}
			assert_int_equal(npt_translate(&npt, guest, &host, &permissions, &page_size), 0);
			assert_int_equal(host, model[page].host + 0x7f8);
			assert_int_equal(permissions, model[page].permissions);
			assert_int_equal(page_size == 2 * MiB, model_wants_large_page(page & ~511ull));
		}
	}
	assert_null(npt_check_invariants(&npt,
		&(struct npt_invariants){ pool_range, 1, pool_range, 1, false }, &where));
}

static void test_status_strings(void **state)
{
	(void)state;
	assert_string_equal(npt_status_string(NPT_OK), "ok");
	assert_string_not_equal(npt_status_string(NPT_OUT_OF_MEMORY),
				npt_status_string(NPT_BAD_MAPPING));
	assert_string_not_equal(npt_status_string(NPT_BAD_MAPPING), npt_status_string(NPT_OVERLAP));
	assert_string_not_equal(npt_status_string(NPT_FROZEN), npt_status_string(NPT_OVERLAP));
	assert_string_equal(npt_status_string((enum npt_status)99), "unknown status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commodity_shape),
		cmocka_unit_test(test_frozen_tables_refuse_changes),
		cmocka_unit_test(test_commodity_translate),
		cmocka_unit_test(test_commodity_without_1g_pages),
		cmocka_unit_test(test_securebox_shape),
		cmocka_unit_test(test_host_alignment_limits_page_size),
		cmocka_unit_test(test_checker_catches_forbidden_host),
		cmocka_unit_test(test_checker_catches_write_execute),
		cmocka_unit_test(test_checker_catches_table_outside_memory),
		cmocka_unit_test(test_checker_catches_reserved_bits),
		cmocka_unit_test(test_checker_catches_1g_leaf_without_support),
		cmocka_unit_test(test_checker_catches_missing_user_bit),
		cmocka_unit_test(test_checker_catches_read_only_table_entry),
		cmocka_unit_test(test_bad_mappings),
		cmocka_unit_test(test_bad_mapping_after_good_one_maps_nothing),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_random_mappings_match_model),
		cmocka_unit_test(test_status_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
