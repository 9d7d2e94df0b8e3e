/* Choosing the page below 1 MiB the application processors start from: whole
 * available RAM that no other map entry touches, clear of what is reserved, in
 * [0x10000, 0x80000) (clear of Linux's early scans), the highest such page; none
 * is an answer (0), not a guess. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "startup_page.h"

static struct mb2_info info;

static void add_memory(uint64_t base, uint64_t length, uint32_t type)
{
	info.memory[info.memory_range_count++] = (struct mb2_memory_range){ base, length, type };
}

/* SeaBIOS under QEMU with 1 GiB: the EBDA and the BIOS area are reserved. */
static int seabios_map(void **state)
{
	(void)state;
	memset(&info, 0, sizeof(info));
	add_memory(0, 0x9fc00, MB2_MEMORY_AVAILABLE);
	add_memory(0x9fc00, 0x400, MB2_MEMORY_RESERVED);
	add_memory(0xf0000, 0x10000, MB2_MEMORY_RESERVED);
	add_memory(0x100000, 0x3fee0000, MB2_MEMORY_AVAILABLE);
	return 0;
}

static void the_highest_page_below_linux_s_ibft_scan(void **state)
{
	(void)state;
	assert_int_equal(startup_page_find(&info, NULL, 0), 0x7f000);
}

static void reserved_ranges_are_stepped_over(void **state)
{
	const struct phys_range reserved[] = {
		{ 0x7e800, 0x7f001 },    /* a module touching two pages */
		{ 0x100000, 0x200000 },  /* the hypervisor, far away */
	};

	(void)state;
	assert_int_equal(startup_page_find(&info, reserved, 2), 0x7d000);
}

static void a_page_any_other_entry_touches_is_not_taken(void **state)
{
	(void)state;
	/* Firmware maps may overlap: reserved wins over available. */
	add_memory(0x7d010, 0x10, MB2_MEMORY_NVS);
	add_memory(0x7f000, 0x1000, MB2_MEMORY_ACPI_RECLAIMABLE);
	assert_int_equal(startup_page_find(&info, NULL, 0), 0x7e000);
}

static void pages_linux_scans_early_are_never_chosen(void **state)
{
	(void)state;
	memset(&info, 0, sizeof(info));
	add_memory(0, 0x10000, MB2_MEMORY_AVAILABLE);
	add_memory(0x80000, 0x80000, MB2_MEMORY_AVAILABLE);
	add_memory(0x100000, 0x100000, MB2_MEMORY_AVAILABLE);
	assert_int_equal(startup_page_find(&info, NULL, 0), 0);
}

static void no_low_ram_means_no_page(void **state)
{
	const struct phys_range everything[] = { { 0, 0x100000 } };

	(void)state;
	assert_int_equal(startup_page_find(&info, everything, 1), 0);
	memset(&info, 0, sizeof(info));
	assert_int_equal(startup_page_find(&info, NULL, 0), 0);
}

static void ranges_reaching_the_top_of_the_address_space_do_not_wrap(void **state)
{
	(void)state;
	memset(&info, 0, sizeof(info));
	add_memory(0x12000, UINT64_MAX, MB2_MEMORY_AVAILABLE);
	add_memory(0x50000, UINT64_MAX, MB2_MEMORY_RESERVED);
	assert_int_equal(startup_page_find(&info, NULL, 0), 0x4f000);
}

static void a_page_only_partly_available_is_not_taken(void **state)
{
	(void)state;
	memset(&info, 0, sizeof(info));
	add_memory(0x18000, 0x800, MB2_MEMORY_AVAILABLE);
	add_memory(0x18800, 0x800, MB2_MEMORY_AVAILABLE);
	add_memory(0x20000, 0x1fff, MB2_MEMORY_AVAILABLE);
	assert_int_equal(startup_page_find(&info, NULL, 0), 0x20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(the_highest_page_below_linux_s_ibft_scan, seabios_map),
		cmocka_unit_test_setup(reserved_ranges_are_stepped_over, seabios_map),
		cmocka_unit_test_setup(a_page_any_other_entry_touches_is_not_taken, seabios_map),
		cmocka_unit_test_setup(pages_linux_scans_early_are_never_chosen, seabios_map),
		cmocka_unit_test_setup(no_low_ram_means_no_page, seabios_map),
		cmocka_unit_test_setup(ranges_reaching_the_top_of_the_address_space_do_not_wrap,
				       seabios_map),
		cmocka_unit_test_setup(a_page_only_partly_available_is_not_taken, seabios_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
