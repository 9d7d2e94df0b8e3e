/* Unit tests for assigning roles to multiboot2 modules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot_modules.h"

static struct mb2_info *info;
static struct boot_modules modules;
static const char *error;
static int module_index;

static int setup(void **state)
{
	(void)state;
	info = calloc(1, sizeof(*info));
	error = NULL;
	module_index = 12345;
	return info ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(info);
	return 0;
}

static void add(uint64_t start, uint64_t end, const char *cmdline)
{
	struct mb2_module *module = &info->modules[info->module_count++];

	module->start = start;
	module->end = end;
	strcpy(module->cmdline, cmdline);
}

/* GRUB keeps grub.cfg order, which need not be the role order. */
static void add_all_roles(const char *kernel_cmdline)
{
	add(0x1a00000, 0x3000000, "initrd");
	add(0x1042000, 0x1a00000, kernel_cmdline);
	add(0x1000000, 0x1000800, "policy");
	add(0x1001000, 0x1041000, "securebox");
}

static void expect_failure(const char *message, int index)
{
	assert_int_equal(boot_modules_assign(info, &modules, &error, &module_index), -1);
	assert_string_equal(error, message);
	assert_int_equal(module_index, index);
}

static void test_all_roles(void **state)
{
	(void)state;
	add_all_roles("kernel console=ttyS0 quiet");
	assert_int_equal(boot_modules_assign(info, &modules, &error, &module_index), 0);

	assert_int_equal(modules.module[MODULE_POLICY].start, 0x1000000);
	assert_int_equal(modules.module[MODULE_POLICY].size, 0x800);
	assert_string_equal(modules.module[MODULE_POLICY].arguments, "");
	assert_int_equal(modules.module[MODULE_SECUREBOX].start, 0x1001000);
	assert_int_equal(modules.module[MODULE_SECUREBOX].size, 0x40000);
	assert_int_equal(modules.module[MODULE_KERNEL].start, 0x1042000);
	assert_int_equal(modules.module[MODULE_KERNEL].size, 0x1a00000 - 0x1042000);
	assert_string_equal(modules.module[MODULE_KERNEL].arguments, "console=ttyS0 quiet");
	assert_int_equal(modules.module[MODULE_INITRD].start, 0x1a00000);
	assert_int_equal(modules.module[MODULE_INITRD].size, 0x1600000);
	assert_string_equal(modules.module[MODULE_INITRD].arguments, "");

	/* Arguments are not copied: they point into the parsed block's copy. */
	assert_ptr_equal(modules.module[MODULE_KERNEL].arguments,
			 info->modules[1].cmdline + strlen("kernel "));
}

static void test_kernel_without_arguments(void **state)
{
	(void)state;
	add_all_roles("kernel");
	assert_int_equal(boot_modules_assign(info, &modules, &error, &module_index), 0);
	assert_string_equal(modules.module[MODULE_KERNEL].arguments, "");
}

static void test_spaces_after_role_word_skipped(void **state)
{
	(void)state;
	add_all_roles("kernel    console=ttyS0  quiet ");
	assert_int_equal(boot_modules_assign(info, &modules, &error, &module_index), 0);
	assert_string_equal(modules.module[MODULE_KERNEL].arguments, "console=ttyS0  quiet ");
}

static void test_other_roles_keep_arguments(void **state)
{
	(void)state;
	add(0x1000000, 0x1000800, "policy strict");
	add(0x1001000, 0x1041000, "securebox  v1");
	add(0x1042000, 0x1a00000, "kernel ");
	add(0x1a00000, 0x3000000, "initrd x");
	assert_int_equal(boot_modules_assign(info, &modules, &error, &module_index), 0);
	assert_string_equal(modules.module[MODULE_POLICY].arguments, "strict");
	assert_string_equal(modules.module[MODULE_SECUREBOX].arguments, "v1");
	assert_string_equal(modules.module[MODULE_KERNEL].arguments, "");
	assert_string_equal(modules.module[MODULE_INITRD].arguments, "x");
}

static void test_empty_module_has_size_zero(void **state)
{
	(void)state;
	add(0x1000000, 0x1000000, "policy");
	add(0x1001000, 0x1041000, "securebox");
	add(0x1042000, 0x1a00000, "kernel");
	add(0x1a00000, 0x1a00000, "initrd");
	assert_int_equal(boot_modules_assign(info, &modules, &error, &module_index), 0);
	assert_int_equal(modules.module[MODULE_POLICY].size, 0);
	assert_int_equal(modules.module[MODULE_INITRD].size, 0);
}

static void test_unknown_role_word(void **state)
{
	static const char *const words[] = {
		"kernelx", "kerne", "Kernel", "", " kernel", "kernel\tquiet", "initrd=x", "bzImage",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		info->module_count = 0;
		add(0x1000000, 0x1000800, "policy");
		add(0x1001000, 0x1041000, words[i]);
		add(0x1042000, 0x1a00000, "kernel");
		expect_failure("unknown module role word", 1);
	}
}

static void test_duplicate_role(void **state)
{
	(void)state;
	add_all_roles("kernel quiet");
	add(0x3000000, 0x3001000, "policy other");
	expect_failure("duplicate policy module", 4);

	info->module_count = 0;
	add(0x1042000, 0x1a00000, "kernel");
	add(0x1a00000, 0x3000000, "kernel console=ttyS0");
	expect_failure("duplicate kernel module", 1);
}

static void test_missing_each_role(void **state)
{
	static const char *const messages[MODULE_ROLE_COUNT] = {
		[MODULE_POLICY] = "no policy module",
		[MODULE_SECUREBOX] = "no securebox module",
		[MODULE_KERNEL] = "no kernel module",
		[MODULE_INITRD] = "no initrd module",
	};
	int missing, role;

	(void)state;
	for (missing = 0; missing < MODULE_ROLE_COUNT; missing++) {
		info->module_count = 0;
		for (role = 0; role < MODULE_ROLE_COUNT; role++)
			if (role != missing)
				add(0x1000000 + 0x100000 * role, 0x1001000 + 0x100000 * role,
				    boot_module_role_name(role));
		expect_failure(messages[missing], -1);
	}

	info->module_count = 0;
	expect_failure("no policy module", -1);
}

static void test_role_names(void **state)
{
	(void)state;
	assert_string_equal(boot_module_role_name(MODULE_POLICY), "policy");
	assert_string_equal(boot_module_role_name(MODULE_SECUREBOX), "securebox");
	assert_string_equal(boot_module_role_name(MODULE_KERNEL), "kernel");
	assert_string_equal(boot_module_role_name(MODULE_INITRD), "initrd");
	assert_string_equal(boot_module_role_name(MODULE_ROLE_COUNT), "unknown");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_without_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spaces_after_role_word_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_roles_keep_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_module_has_size_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_role_word, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_role, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_each_role, setup, teardown),
		cmocka_unit_test_setup_teardown(test_role_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
