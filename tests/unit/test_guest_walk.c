/* The guest page walk on tables laid out in a simulated guest-physical memory: 4 KiB,
 * 2 MiB and 1 GiB pages, kernel (upper-half) addresses, and the refusals: not
 * present, non-canonical, a table the reader will not read, a large-page bit in the
 * PML4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/guest_walk.h"

#define MEMORY_PAGES 8
#define PAGE 0x1000ull
#define PRESENT 0x1ull
#define WRITABLE 0x2ull
#define LARGE 0x80ull
/* Where the simulated memory sits in guest-physical space. */
#define MEMORY_BASE 0x100000ull

static uint64_t memory[MEMORY_PAGES][512];

static int read_simulated(void *context, uint64_t address, uint64_t *value)
{
	(void)context;
	if (address < MEMORY_BASE || address >= MEMORY_BASE + sizeof(memory) || (address & 7))
		return -1;
	*value = memory[(address - MEMORY_BASE) / PAGE][((address - MEMORY_BASE) % PAGE) / 8];
	return 0;
}

static const struct guest_memory_reader reader = { NULL, read_simulated };

static uint64_t page_address(int page)
{
	return MEMORY_BASE + (uint64_t)page * PAGE;
}

static uint64_t index_of(uint64_t address, int level)
{
	return (address >> (12 + 9 * (level - 1))) & 511;
}

/* PML4 in page 0, PDPT in page 1, directory in page 2, table in page 3. */
static void map_chain(uint64_t virtual_address)
{
	memory[0][index_of(virtual_address, 4)] = page_address(1) | PRESENT | WRITABLE;
	memory[1][index_of(virtual_address, 3)] = page_address(2) | PRESENT | WRITABLE;
	memory[2][index_of(virtual_address, 2)] = page_address(3) | PRESENT | WRITABLE;
}

static int setup(void **state)
{
	(void)state;
	memset(memory, 0, sizeof(memory));
	return 0;
}

static uint64_t translate_ok(uint64_t cr3, uint64_t virtual_address)
{
	uint64_t physical = 0;
	const char *error = NULL;

	assert_int_equal(guest_walk_translate(&reader, cr3, virtual_address, &physical, &error), 0);
	return physical;
}

static void assert_refused(uint64_t cr3, uint64_t virtual_address, const char *expected)
{
	uint64_t physical = 0;
	const char *error = NULL;

	assert_int_equal(guest_walk_translate(&reader, cr3, virtual_address, &physical, &error), -1);
	assert_string_equal(error, expected);
}

static void four_kilobyte_page_of_a_kernel_address(void **state)
{
	uint64_t rip = 0xffffffff81234567ull;

	(void)state;
	map_chain(rip);
	memory[3][index_of(rip, 1)] = 0x7654000ull | PRESENT | (1ull << 63);   /* NX ignored */
	/* CR3's low flag bits (PCD, PWT) are not part of the address. */
	assert_int_equal(translate_ok(page_address(0) | 0x18, rip), 0x7654567ull);
}

static void two_megabyte_page(void **state)
{
	uint64_t rip = 0xffffffff81234567ull;

	(void)state;
	map_chain(rip);
	memory[2][index_of(rip, 2)] = 0x40000000ull | PRESENT | LARGE;
	assert_int_equal(translate_ok(page_address(0), rip), 0x40034567ull);
}

static void one_gigabyte_page(void **state)
{
	uint64_t rip = 0x0000000041234567ull;

	(void)state;
	map_chain(rip);
	/* Bit 12 is the large page's PAT bit, not an address bit. */
	memory[1][index_of(rip, 3)] = 0x80000000ull | 0x1000 | PRESENT | LARGE;
	assert_int_equal(translate_ok(page_address(0), rip), 0x81234567ull);
}

static void refusals(void **state)
{
	uint64_t rip = 0xffffffff81234567ull;

	(void)state;
	assert_refused(page_address(0), rip, "page not present");
	map_chain(rip);
	assert_refused(page_address(0), rip, "page not present");
	assert_refused(page_address(0), 0x0000800000000000ull, "non-canonical address");
	assert_refused(page_address(0), 0xffff7fffffffffffull, "non-canonical address");
	assert_refused(0x5000, rip, "page table outside the guest's readable memory");
	memory[2][index_of(rip, 2)] = 0x200000000ull | PRESENT;   /* table outside memory */
	assert_refused(page_address(0), rip, "page table outside the guest's readable memory");
	memory[0][index_of(rip, 4)] |= LARGE;
	assert_refused(page_address(0), rip, "large page bit set in a PML4 entry");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(four_kilobyte_page_of_a_kernel_address, setup),
		cmocka_unit_test_setup(two_megabyte_page, setup),
		cmocka_unit_test_setup(one_gigabyte_page, setup),
		cmocka_unit_test_setup(refusals, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
