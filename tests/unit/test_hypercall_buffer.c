/* hypercall_check_buffer: the documented order of checks, buffers against the edges
 * of the caller's RAM and the hypervisor's memory, and a randomized comparison with
 * an independent statement of the rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hypercall_buffer.h"
#include "memory_layout.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define MAX SBX_MESSAGE_MAX
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct mb2_info info;
static struct memory_layout layout;

/* The commodity's RAM on QEMU -m 1G with the hypervisor image at [1 MiB, 0x129000),
 * its arena at [2 MiB, 4 MiB) and the securebox at [4 MiB, 8 MiB):
 * [0, 0x9f000), [0x129000, 0x200000), [0x800000, 0x3ffe0000). */
static int build_commodity_ram(void **state)
{
	static const struct phys_range hidden[] = {
		{ 0x100000, 0x129000 }, { 0x200000, 0x400000 }, { 0x400000, 0x800000 },
		{ 0xfed41000, 0xfed45000 },
	};
	static const struct mb2_memory_range map[] = {
		{ 0, 0x9fc00, MB2_MEMORY_AVAILABLE },
		{ 0x9fc00, 0x400, MB2_MEMORY_RESERVED },
		{ 0xf0000, 0x10000, MB2_MEMORY_RESERVED },
		{ MIB, 0x3ffe0000 - MIB, MB2_MEMORY_AVAILABLE },
		{ 0x3ffe0000, 0x20000, MB2_MEMORY_RESERVED },
		{ 0xfffc0000, 0x40000, MB2_MEMORY_RESERVED },
	};

	(void)state;
	memcpy(info.memory, map, sizeof(map));
	info.memory_range_count = ARRAY_SIZE(map);
	if (memory_layout_build(&layout, &info, hidden, ARRAY_SIZE(hidden)))
		return -1;
	if (layout.ram_count != 3 || layout.ram[0].end != 0x9f000 ||
	    layout.ram[1].start != 0x129000 || layout.ram[2].end != 0x3ffe0000)
		return -1;
	return 0;
}

static enum sbx_status check(uint64_t address, uint64_t size, uint64_t limit)
{
	return hypercall_check_buffer(layout.ram, layout.ram_count, address, size, limit);
}

/* Each case breaks the rules the later checks test as well, so only the documented
 * order gives the expected status. */
static void order_of_checks(void **state)
{
	(void)state;
	/* Size 0 first: even unaligned, outside RAM, or with a limit of 0. */
	assert_int_equal(check(0x800000, 0, MAX), SBX_E_INVALID_ARGUMENT);
	assert_int_equal(check(0x100003, 0, MAX), SBX_E_INVALID_ARGUMENT);
	assert_int_equal(check(UINT64_MAX, 0, MAX), SBX_E_INVALID_ARGUMENT);
	assert_int_equal(check(0x800000, 0, 0), SBX_E_INVALID_ARGUMENT);
	/* Then the limit: even unaligned and outside RAM. */
	assert_int_equal(check(0x100003, MAX + 1, MAX), SBX_E_TOO_LARGE);
	assert_int_equal(check(UINT64_MAX, UINT64_MAX, MAX), SBX_E_TOO_LARGE);
	assert_int_equal(check(0x800000, 1, 0), SBX_E_TOO_LARGE);
	/* Then alignment: even outside RAM, and even if address + size overflows. */
	assert_int_equal(check(0x100004, 8, MAX), SBX_E_UNALIGNED);
	assert_int_equal(check(0xfed41001, 8, MAX), SBX_E_UNALIGNED);
	assert_int_equal(check(UINT64_MAX, MAX, MAX), SBX_E_UNALIGNED);
	/* Last, the address. */
	assert_int_equal(check(0x100000, 8, MAX), SBX_E_BAD_ADDRESS);
}

struct buffer_case {
	const char *what;
	uint64_t address;
	uint64_t size;
	uint64_t limit;
	enum sbx_status expected;
};

static const struct buffer_case cases[] = {
	{ "first RAM byte", 0, 8, MAX, SBX_OK },
	{ "exactly the limit", 0x800000, MAX, MAX, SBX_OK },
	{ "one byte over the limit", 0x800000, MAX + 1, MAX, SBX_E_TOO_LARGE },
	{ "one byte, aligned", 0x800008, 1, MAX, SBX_OK },
	{ "odd size, aligned", 0x129000, 7, MAX, SBX_OK },
	{ "a lower limit", 0x800000, 17, 16, SBX_E_TOO_LARGE },
	{ "at a lower limit", 0x800000, 16, 16, SBX_OK },
	{ "every alignment offset 1", 0x800001, 8, MAX, SBX_E_UNALIGNED },
	{ "every alignment offset 4", 0x800004, 8, MAX, SBX_E_UNALIGNED },
	{ "every alignment offset 7", 0x800007, 8, MAX, SBX_E_UNALIGNED },
	/* Hypervisor memory and devices. */
	{ "hypervisor image", 0x100000, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "last byte of the hypervisor image", 0x128ff8, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "from the image into RAM", 0x128ff8, 16, MAX, SBX_E_BAD_ADDRESS },
	{ "hypervisor arena", 0x200000, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "from RAM into the arena", 0x1ffff8, 16, MAX, SBX_E_BAD_ADDRESS },
	{ "securebox memory", 0x400000, MAX, MAX, SBX_E_BAD_ADDRESS },
	{ "last securebox bytes", 0x7ffff8, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "from the securebox into RAM", 0x7ffff8, 16, MAX, SBX_E_BAD_ADDRESS },
	{ "TPM locality 1", 0xfed41000, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "TPM locality 0 (MMIO, not RAM)", 0xfed40000, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "local APIC", 0xfee00000, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "firmware", 0xfffc0000, 8, MAX, SBX_E_BAD_ADDRESS },
	/* The edges of RAM ranges. */
	{ "ending exactly at the end of low RAM", 0x9eff8, 8, MAX, SBX_OK },
	{ "straddling the end of low RAM", 0x9eff8, 9, MAX, SBX_E_BAD_ADDRESS },
	{ "in the partial page below 0xa0000", 0x9f000, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "a whole page ending at the end of RAM", 0x3ffe0000 - MAX, MAX, MAX, SBX_OK },
	{ "last aligned address", 0x3ffdfff8, 8, MAX, SBX_OK },
	{ "last aligned address, one byte too many", 0x3ffdfff8, 9, MAX, SBX_E_BAD_ADDRESS },
	{ "first address past RAM", 0x3ffe0000, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "straddling the hole before the image", 0x9eff8, MAX, MAX, SBX_E_BAD_ADDRESS },
	{ "spanning the image between two RAM ranges", 0x9f000 - 8, 0x129000, UINT64_MAX,
	  SBX_E_BAD_ADDRESS },
	/* Far away and at the top of the address space. */
	{ "above 4 GiB", 4 * GIB, 8, MAX, SBX_E_BAD_ADDRESS },
	{ "last aligned address of the address space", 0xfffffffffffffff8ull, 8, MAX,
	  SBX_E_BAD_ADDRESS },
	{ "wrapping past 2^64", 0xfffffffffffffff8ull, 16, MAX, SBX_E_BAD_ADDRESS },
	{ "wrapping to a RAM address", 0xfffffffffffffff8ull, 0x9f000 + 8, UINT64_MAX,
	  SBX_E_BAD_ADDRESS },
};

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum sbx_status status = check(cases[i].address, cases[i].size, cases[i].limit);

		if (status != cases[i].expected)
			fail_msg("%s: address 0x%llx size 0x%llx: got %d, expected %d",
				 cases[i].what, (unsigned long long)cases[i].address,
				 (unsigned long long)cases[i].size, status, cases[i].expected);
	}
}

/* With all of memory as "RAM", only the overflow of address + size can reject these:
 * the wrapped end is small and would pass a naive `end <= range end`. */
static void overflow_is_rejected(void **state)
{
	static const struct phys_range everything[] = { { 0, UINT64_MAX } };

	(void)state;
	assert_int_equal(hypercall_check_buffer(everything, 1, 0xfffffffffffffff8ull, 8,
						 UINT64_MAX), SBX_E_BAD_ADDRESS);
	assert_int_equal(hypercall_check_buffer(everything, 1, 0xfffffffffffffff0ull, 8,
						 UINT64_MAX), SBX_OK);
	assert_int_equal(hypercall_check_buffer(everything, 1, 0xfffffffffffffff8ull, 16,
						 UINT64_MAX), SBX_E_BAD_ADDRESS);
	assert_int_equal(hypercall_check_buffer(everything, 1, 0x1000, UINT64_MAX - 0xfff,
						 UINT64_MAX), SBX_E_BAD_ADDRESS);
	assert_int_equal(hypercall_check_buffer(everything, 1, 8, UINT64_MAX, UINT64_MAX),
			 SBX_E_BAD_ADDRESS);
	assert_int_equal(hypercall_check_buffer(everything, 1, 0, UINT64_MAX - 1, UINT64_MAX),
			 SBX_OK);
}

/* No RAM at all: nothing is accepted. */
static void no_ram(void **state)
{
	(void)state;
	assert_int_equal(hypercall_check_buffer(NULL, 0, 0x800000, 8, MAX), SBX_E_BAD_ADDRESS);
	assert_int_equal(hypercall_check_buffer(NULL, 0, 0x800000, 0, MAX),
			 SBX_E_INVALID_ARGUMENT);
}

/* xorshift64*, fixed seed: the same sequence on every run. */
static uint64_t random_state = 0x5bd1e9955bd1e995ull;

static uint64_t next_random(void)
{
	random_state ^= random_state >> 12;
	random_state ^= random_state << 25;
	random_state ^= random_state >> 27;
	return random_state * 0x2545f4914f6cdd1dull;
}

/* An address that is likely to be interesting: near an edge of a RAM or hidden
 * range, anywhere below 4 GiB, or anywhere at all. */
static uint64_t random_address(void)
{
	static const uint64_t edges[] = {
		0, 0x9f000, 0xa0000, 0x100000, 0x129000, 0x200000, 0x400000, 0x800000,
		0x3ffe0000, 0xfed41000, 4 * GIB, 0xfffffffffffff000ull, 0,
	};
	uint64_t r = next_random();

	switch (r % 4) {
	case 0:
	case 1:
		return edges[(r >> 8) % ARRAY_SIZE(edges)] + (int64_t)(next_random() % 0x4000) -
		       0x2000;
	case 2:
		return next_random() % (4 * GIB);
	default:
		return next_random();
	}
}

static uint64_t random_size(void)
{
	uint64_t r = next_random();

	switch (r % 6) {
	case 0:
		return 0;
	case 1:
	case 2:
		return 1 + next_random() % 64;
	case 3:
		return 1 + next_random() % (MAX + 16);
	case 4:
		return MAX - 8 + next_random() % 16;
	default:
		return next_random();
	}
}

/* The rule, stated independently of ranges_contain: 128-bit arithmetic, no early
 * exits. */
static bool inside_one_range(uint64_t address, uint64_t size)
{
	unsigned __int128 end = (unsigned __int128)address + size;

	for (uint32_t i = 0; i < layout.ram_count; i++)
		if (address >= layout.ram[i].start && end <= layout.ram[i].end)
			return true;
	return false;
}

static void random_buffers_follow_the_rule(void **state)
{
	unsigned int accepted = 0, statuses[6] = { 0 };

	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint64_t address = random_address(), size = random_size();
		uint64_t limit = (i % 8 == 0) ? next_random() % (2 * MAX) : MAX;
		enum sbx_status status = check(address, size, limit);
		bool valid = size > 0 && size <= limit && address % SBX_BUFFER_ALIGNMENT == 0 &&
			     inside_one_range(address, size);

		if ((status == SBX_OK) != valid)
			fail_msg("address 0x%llx size 0x%llx limit 0x%llx: status %d",
				 (unsigned long long)address, (unsigned long long)size,
				 (unsigned long long)limit, status);
		if (size == 0)
			assert_int_equal(status, SBX_E_INVALID_ARGUMENT);
		else if (size > limit)
			assert_int_equal(status, SBX_E_TOO_LARGE);
		else if (address % SBX_BUFFER_ALIGNMENT)
			assert_int_equal(status, SBX_E_UNALIGNED);
		else if (!valid)
			assert_int_equal(status, SBX_E_BAD_ADDRESS);
		accepted += status == SBX_OK;
		statuses[-status < 6 ? -status : 0]++;
	}
	/* The generator must exercise both outcomes and every status. */
	assert_true(accepted > 1000);
	assert_true(statuses[-SBX_E_INVALID_ARGUMENT] > 1000);
	assert_true(statuses[-SBX_E_BAD_ADDRESS] > 1000);
	assert_true(statuses[-SBX_E_TOO_LARGE] > 1000);
	assert_true(statuses[-SBX_E_UNALIGNED] > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order_of_checks),
		cmocka_unit_test(table),
		cmocka_unit_test(overflow_is_rejected),
		cmocka_unit_test(no_ram),
		cmocka_unit_test(random_buffers_follow_the_rule),
	};

	return cmocka_run_group_tests(tests, build_commodity_ram, NULL);
}
