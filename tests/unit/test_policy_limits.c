/* Unit tests for what this hypervisor version gives of a policy (hv/policy_limits.c):
 * "cpus" above one is refused at the statement's location, one CPU (written or
 * not) passes, and every other statement is unaffected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "policy_limits.h"

#define VERSION_LINE "sbx-policy 1\n"

static struct policy policy;
static struct policy_error error;

static void parses(const char *text)
{
	if (policy_parse(text, strlen(text), &policy, &error))
		fail_msg("rejected %u:%u: %s\n%s", error.location.line, error.location.column,
			 error.message, text);
}

static void expect_refused(const char *text, uint32_t line, uint32_t column)
{
	parses(text);
	memset(&error, 0, sizeof(error));
	assert_int_equal(policy_limits_check(&policy, &error), -1);
	assert_string_equal(error.message,
			    "cpus: this hypervisor gives the commodity OS one CPU only");
	assert_int_equal(error.location.line, line);
	assert_int_equal(error.location.column, column);
}

static void expect_given(const char *text)
{
	parses(text);
	memset(&error, 0, sizeof(error));
	assert_int_equal(policy_limits_check(&policy, &error), 0);
	assert_null(error.message);
}

static void test_one_cpu_is_given(void **state)
{
	(void)state;
	assert_int_equal(POLICY_LIMITS_COMMODITY_CPUS, 1);
	expect_given(VERSION_LINE);
	expect_given(VERSION_LINE "cpus 1\n");
	expect_given(VERSION_LINE "cpus 0x1\n");
	expect_given(VERSION_LINE "securebox-memory 64M\ncpus 1\ntpm-localities 0 1 2 3 4\n"
		     "user-hypercalls allow\nallow user securebox.echo\nhide 0x100000 4K\n"
		     "log hypervisor info\n");
}

/* Every example policy boots on this hypervisor, default.pol (the ISOs') among
 * them. The tests run from the repository's root. */
static void test_examples_are_given(void **state)
{
	static const char *const examples[] = {
		"policy/default.pol", "policy/strict.pol", "policy/debug.pol",
	};
	static char text[POLICY_MAX_SIZE + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		FILE *file = fopen(examples[i], "rb");
		size_t size;

		assert_non_null(file);
		size = fread(text, 1, POLICY_MAX_SIZE, file);
		fclose(file);
		text[size] = '\0';
		expect_given(text);
	}
}

static void test_more_cpus_are_refused(void **state)
{
	(void)state;
	expect_refused(VERSION_LINE "cpus 2\n", 2, 1);
	expect_refused(VERSION_LINE "securebox-memory 8M\n\n\t  cpus 0x2 # two\n", 4, 4);
	expect_refused(VERSION_LINE "cpus 64\n", 2, 1);
}

/* The policy the hypervisor would run is left as parsed: the check only reads. */
static void test_check_changes_nothing(void **state)
{
	struct policy before;

	(void)state;
	parses(VERSION_LINE "cpus 4\nhide 0x100000 4K\n");
	before = policy;
	assert_int_equal(policy_limits_check(&policy, &error), -1);
	assert_memory_equal(&before, &policy, sizeof(policy));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_cpu_is_given),
		cmocka_unit_test(test_examples_are_given),
		cmocka_unit_test(test_more_cpus_are_refused),
		cmocka_unit_test(test_check_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
