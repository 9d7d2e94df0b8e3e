/* Installing the application processors' startup trampoline: the copy is the
 * assembled template, its far jumps become absolute and land on the 32-bit and
 * 64-bit code, the real-mode code reads the parameter block where the C side
 * writes it, and whatever the AP could not load is refused with the page left
 * untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/ap_trampoline.h"
#include "arch/x86/boot_layout.h"

#define PAGE 4096u
#define PAGE_ADDRESS 0x9e000ull
#define UNTOUCHED 0xa5

static uint8_t page[PAGE];

static size_t template_size(void)
{
	return (size_t)(ap_trampoline_end - ap_trampoline_start);
}

static size_t parameters_offset(void)
{
	return (size_t)(ap_trampoline_parameters - ap_trampoline_start);
}

static struct ap_start_parameters good_parameters(void)
{
	return (struct ap_start_parameters){
		.cr3 = 0x127000, .cr4 = CR4_PAE, .efer = EFER_LME | EFER_NXE,
		.gdt_base = 0x113000, .gdt_limit = 31, .stack_top = 0x40008000,
		.entry = 0x109610, .argument = 0x1300000,
	};
}

static const char *install(const struct ap_start_parameters *parameters)
{
	return ap_trampoline_install(page, PAGE_ADDRESS, ap_trampoline_start, template_size(),
				     parameters_offset(), parameters);
}

static uint64_t get(size_t offset, unsigned size)
{
	uint64_t value = 0;

	for (unsigned i = size; i-- > 0;)
		value = value << 8 | page[parameters_offset() + offset + i];
	return value;
}

/* Where in the page a byte pattern occurs, or fails the test. */
static size_t find(const uint8_t *pattern, size_t size)
{
	for (size_t i = 0; i + size <= parameters_offset(); i++)
		if (!memcmp(page + i, pattern, size))
			return i;
	fail_msg("instruction not found in the trampoline's code");
	return 0;
}

static int reset(void **state)
{
	(void)state;
	memset(page, UNTOUCHED, sizeof(page));
	return 0;
}

static void template_fits_its_page_with_a_whole_parameter_block(void **state)
{
	(void)state;
	assert_true(template_size() <= PAGE);
	assert_int_equal(template_size() - parameters_offset(), AP_TRAMPOLINE_PARAMETERS_SIZE);
	/* m16:32 pointers and the 64-bit fields read naturally aligned. */
	assert_int_equal(parameters_offset() % 8, 0);
}

static void code_is_copied_unchanged(void **state)
{
	struct ap_start_parameters parameters = good_parameters();

	(void)state;
	assert_null(install(&parameters));
	assert_memory_equal(page, ap_trampoline_start, parameters_offset());
	for (size_t i = template_size(); i < PAGE; i++)
		assert_int_equal(page[i], UNTOUCHED);
}

static void parameters_land_where_the_assembly_reads_them(void **state)
{
	struct ap_start_parameters parameters = good_parameters();

	(void)state;
	assert_null(install(&parameters));
	assert_int_equal(get(AP_TRAMPOLINE_GDT_POINTER, 2), 31);
	assert_int_equal(get(AP_TRAMPOLINE_GDT_POINTER + 2, 4), 0x113000);
	assert_int_equal(get(AP_TRAMPOLINE_CR3, 4), 0x127000);
	assert_int_equal(get(AP_TRAMPOLINE_CR4, 4), CR4_PAE);
	assert_int_equal(get(AP_TRAMPOLINE_EFER, 4), EFER_LME | EFER_NXE);
	assert_int_equal(get(AP_TRAMPOLINE_STACK_TOP, 8), 0x40008000);
	assert_int_equal(get(AP_TRAMPOLINE_ENTRY, 8), 0x109610);
	assert_int_equal(get(AP_TRAMPOLINE_ARGUMENT, 8), 0x1300000);
}

static void far_jumps_are_absolute_and_land_on_the_mode_switches(void **state)
{
	struct ap_start_parameters parameters = good_parameters();
	/* The first instructions of the 32-bit code (mov $GDT_DATA, %eax) and of the
	 * 64-bit code (mov %ebx, %ebx). */
	static const uint8_t protected_code[] = { 0xb8, GDT_DATA, 0, 0, 0 };
	static const uint8_t long_code[] = { 0x89, 0xdb };
	uint64_t protected_target, long_target;

	(void)state;
	assert_null(install(&parameters));
	protected_target = get(AP_TRAMPOLINE_PROTECTED_JUMP, 4);
	long_target = get(AP_TRAMPOLINE_LONG_JUMP, 4);
	assert_int_equal(get(AP_TRAMPOLINE_PROTECTED_JUMP + 4, 2), GDT_CODE32);
	assert_int_equal(get(AP_TRAMPOLINE_LONG_JUMP + 4, 2), GDT_CODE64);
	assert_true(protected_target > PAGE_ADDRESS && long_target > protected_target);
	assert_true(long_target < PAGE_ADDRESS + parameters_offset());
	assert_memory_equal(page + (protected_target - PAGE_ADDRESS), protected_code,
			    sizeof(protected_code));
	assert_memory_equal(page + (long_target - PAGE_ADDRESS), long_code, sizeof(long_code));
}

static void real_mode_code_addresses_the_parameter_block(void **state)
{
	struct ap_start_parameters parameters = good_parameters();
	uint16_t gdt_pointer = (uint16_t)(parameters_offset() + AP_TRAMPOLINE_GDT_POINTER);
	uint16_t jump = (uint16_t)(parameters_offset() + AP_TRAMPOLINE_PROTECTED_JUMP);
	/* lgdtl disp16 and ljmpl *disp16, both DS-relative with DS = CS = the page. */
	const uint8_t lgdt[] = { 0x66, 0x0f, 0x01, 0x16, gdt_pointer & 0xff, gdt_pointer >> 8 };
	const uint8_t ljmp[] = { 0x66, 0xff, 0x2e, jump & 0xff, jump >> 8 };

	(void)state;
	assert_null(install(&parameters));
	assert_true(find(lgdt, sizeof(lgdt)) < find(ljmp, sizeof(ljmp)));
}

static void assert_refused(const struct ap_start_parameters *parameters, uint64_t page_address,
			   const char *expected)
{
	assert_string_equal(ap_trampoline_install(page, page_address, ap_trampoline_start,
						  template_size(), parameters_offset(),
						  parameters),
			    expected);
	for (size_t i = 0; i < PAGE; i++)
		assert_int_equal(page[i], UNTOUCHED);
}

static void pages_the_ap_cannot_start_at_are_refused(void **state)
{
	struct ap_start_parameters parameters = good_parameters();
	static const uint64_t bad[] = { 0, 0x9e800, 0xa0000, 0xfe000, 0x100000, 1ull << 32 };
	const char *expected = "the trampoline page is not a page in [0x1000, 0xa0000)";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(&parameters, bad[i], expected);
}

static void values_the_32_bit_code_cannot_load_are_refused(void **state)
{
	const char *above = "CR3, CR4, EFER or the GDT is not below 4 GiB";
	struct ap_start_parameters parameters;

	(void)state;
	parameters = good_parameters();
	parameters.cr3 = 1ull << 32;
	assert_refused(&parameters, PAGE_ADDRESS, above);
	parameters = good_parameters();
	parameters.gdt_base = 0x100000000ull;
	assert_refused(&parameters, PAGE_ADDRESS, above);
	parameters = good_parameters();
	parameters.efer = (1ull << 32) | EFER_LME;
	assert_refused(&parameters, PAGE_ADDRESS, above);
	parameters = good_parameters();
	parameters.cr4 = 0;
	assert_refused(&parameters, PAGE_ADDRESS, "long mode needs CR4.PAE and EFER.LME");
	parameters = good_parameters();
	parameters.efer = EFER_NXE;
	assert_refused(&parameters, PAGE_ADDRESS, "long mode needs CR4.PAE and EFER.LME");
	parameters = good_parameters();
	parameters.stack_top += 8;
	assert_refused(&parameters, PAGE_ADDRESS, "the stack top is not 16-byte aligned");
}

static void templates_that_do_not_fit_are_refused(void **state)
{
	struct ap_start_parameters parameters = good_parameters();
	static uint8_t big[PAGE + 1];
	const char *expected = "the trampoline does not fit its page";

	(void)state;
	assert_string_equal(ap_trampoline_install(page, PAGE_ADDRESS, big, sizeof(big),
						  sizeof(big) - AP_TRAMPOLINE_PARAMETERS_SIZE,
						  &parameters), expected);
	/* A parameter block cut short, or placed past the end. */
	assert_string_equal(ap_trampoline_install(page, PAGE_ADDRESS, ap_trampoline_start,
						  template_size(), parameters_offset() + 8,
						  &parameters), expected);
	assert_string_equal(ap_trampoline_install(page, PAGE_ADDRESS, ap_trampoline_start,
						  template_size(), template_size() + 1,
						  &parameters), expected);
	for (size_t i = 0; i < PAGE; i++)
		assert_int_equal(page[i], UNTOUCHED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(template_fits_its_page_with_a_whole_parameter_block, reset),
		cmocka_unit_test_setup(code_is_copied_unchanged, reset),
		cmocka_unit_test_setup(parameters_land_where_the_assembly_reads_them, reset),
		cmocka_unit_test_setup(far_jumps_are_absolute_and_land_on_the_mode_switches, reset),
		cmocka_unit_test_setup(real_mode_code_addresses_the_parameter_block, reset),
		cmocka_unit_test_setup(pages_the_ap_cannot_start_at_are_refused, reset),
		cmocka_unit_test_setup(values_the_32_bit_code_cannot_load_are_refused, reset),
		cmocka_unit_test_setup(templates_that_do_not_fit_are_refused, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
