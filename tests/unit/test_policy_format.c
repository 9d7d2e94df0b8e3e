/* Unit tests for writing a policy back in the policy language: the exact text, and
 * that parsing it gives the same policy again, for the examples and the extremes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "policy_format.h"

static void parse_or_fail(const char *text, size_t size, struct policy *policy)
{
	struct policy_error error;

	if (policy_parse(text, size, policy, &error))
		fail_msg("rejected %u:%u: %s\n%.*s", error.location.line, error.location.column,
			 error.message, (int)size, text);
}

/* Formats `policy`, parses the text, and checks that the result is equal and
 * formats to the same text. */
static void round_trip(const struct policy *policy)
{
	char text[POLICY_FORMAT_MAX], again[POLICY_FORMAT_MAX];
	struct policy parsed;
	size_t length = policy_format(policy, text, sizeof(text));

	assert_true(length < sizeof(text));
	assert_int_equal(strlen(text), length);
	parse_or_fail(text, length, &parsed);
	if (!policy_equal(policy, &parsed))
		fail_msg("the formatted policy parses differently:\n%s", text);
	assert_int_equal(policy_format(&parsed, again, sizeof(again)), length);
	assert_string_equal(again, text);
}

static void test_defaults_text(void **state)
{
	struct policy policy;
	char text[POLICY_FORMAT_MAX];

	(void)state;
	policy_defaults(&policy);
	policy_format(&policy, text, sizeof(text));
	assert_string_equal(text,
			    "sbx-policy 1\n"
			    "securebox-memory 4M\n"
			    "cpus 1\n"
			    "tpm-localities 0\n"
			    "user-hypercalls deny\n"
			    "max-request 4096\n"
			    "max-response 4096\n"
			    "on-violation commodity stop\n"
			    "on-violation securebox stop\n"
			    "log hypervisor errors\n"
			    "log securebox errors\n");
	round_trip(&policy);
}

static void test_every_statement_text(void **state)
{
	static const char source[] =
		"sbx-policy 1\n"
		"log securebox none\n"
		"allow user securebox.echo hypervisor.version\n"
		"read-only 4G 16K # the order of ranges is kept\n"
		"hide 0 4K\n"
		"user-hypercalls allow\n"
		"tpm-localities 4 0 2\n"
		"allow kernel securebox.version\n"
		"max-request 0x10\n"
		"max-response 1K\n"
		"on-violation commodity fault\n"
		"log hypervisor info\n"
		"cpus 0x10\n"
		"securebox-memory 0x4000000\n";
	struct policy policy;
	char text[POLICY_FORMAT_MAX];

	(void)state;
	parse_or_fail(source, sizeof(source) - 1, &policy);
	policy_format(&policy, text, sizeof(text));
	assert_string_equal(text,
			    "sbx-policy 1\n"
			    "securebox-memory 64M\n"
			    "cpus 16\n"
			    "read-only 0x100000000 0x4000\n"
			    "hide 0x0 0x1000\n"
			    "tpm-localities 0 2 4\n"
			    "user-hypercalls allow\n"
			    "allow kernel securebox.version\n"
			    "allow user hypervisor.version securebox.echo\n"
			    "max-request 16\n"
			    "max-response 1024\n"
			    "on-violation commodity fault\n"
			    "on-violation securebox stop\n"
			    "log hypervisor info\n"
			    "log securebox none\n");
	round_trip(&policy);
}

static void test_examples_round_trip(void **state)
{
	static const char *const examples[] = {
		"policy/default.pol", "policy/strict.pol", "policy/debug.pol",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		char *text = malloc(POLICY_MAX_SIZE + 1);
		FILE *file = fopen(examples[i], "rb");
		struct policy policy;
		size_t size;

		assert_non_null(text);
		assert_non_null(file);
		size = fread(text, 1, POLICY_MAX_SIZE + 1, file);
		fclose(file);
		parse_or_fail(text, size, &policy);
		round_trip(&policy);
		free(text);
	}
}

/* The longest text there is: the most CPUs, 16 ranges with the longest numbers,
 * every locality, both callers with every service. It fits POLICY_FORMAT_MAX. */
static void test_extremes(void **state)
{
	struct policy policy;

	(void)state;
	policy_defaults(&policy);
	policy.securebox_memory = POLICY_SECUREBOX_MEMORY_MIN;
	policy.cpus = POLICY_CPUS_MAX;
	policy.tpm_localities = (1u << POLICY_TPM_LOCALITY_COUNT) - 1;
	policy.user_hypercalls = true;
	policy.allowed[POLICY_CALLER_KERNEL] = (1u << POLICY_SERVICE_COUNT) - 1;
	policy.allowed[POLICY_CALLER_USER] = (1u << POLICY_SERVICE_COUNT) - 1;
	policy.max_request = POLICY_MESSAGE_MIN;
	policy.max_response = POLICY_MESSAGE_MAX;
	policy.securebox_log = POLICY_LOG_NONE;
	policy.range_count = POLICY_MAX_RANGES;
	for (uint32_t i = 0; i < POLICY_MAX_RANGES; i++)
		policy.ranges[i] = (struct policy_range){
			.start = 0xfff0000000000000ull + i * 0x100000000000ull,
			.size = 0x100000000000ull - 0x1000,
			.kind = i % 2 ? POLICY_RANGE_READ_ONLY : POLICY_RANGE_HIDDEN,
		};
	round_trip(&policy);
}

static void test_short_buffer(void **state)
{
	struct policy policy;
	char text[POLICY_FORMAT_MAX], short_text[16];
	size_t length;

	(void)state;
	policy_defaults(&policy);
	length = policy_format(&policy, text, sizeof(text));
	assert_int_equal(policy_format(&policy, NULL, 0), length);
	memset(short_text, 'x', sizeof(short_text));
	assert_int_equal(policy_format(&policy, short_text, sizeof(short_text)), length);
	assert_int_equal(strlen(short_text), sizeof(short_text) - 1);
	assert_memory_equal(short_text, text, sizeof(short_text) - 1);
}

static void test_equal_ignores_locations_only(void **state)
{
	static const char source[] = "sbx-policy 1\nhide 0x1000 4K\nread-only 0x2000 4K\n";
	/* The same statements elsewhere, and "cpus 1", the default made explicit: its
	 * location differs from no statement's, the policy does not. */
	static const char moved[] =
		"sbx-policy 1\n\n\thide 0x1000 4K\n  read-only 0x2000 4K\ncpus 1\n";
	struct policy a, b, variants[16];
	size_t count = 0;

	(void)state;
	parse_or_fail(source, sizeof(source) - 1, &a);
	parse_or_fail(moved, sizeof(moved) - 1, &b);
	assert_true(policy_equal(&a, &b));

	/* Every field counts: each variant differs from `a` in one. */
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		variants[i] = a;
	variants[count++].securebox_memory += 2u << 20;
	variants[count++].cpus = 2;
	variants[count++].range_count--;
	variants[count++].ranges[1].start += 0x1000;
	variants[count++].ranges[1].size += 0x1000;
	variants[count++].ranges[0].kind = POLICY_RANGE_READ_ONLY;
	variants[count++].tpm_localities |= 1u << 3;
	variants[count++].user_hypercalls = true;
	variants[count++].allowed[POLICY_CALLER_KERNEL] = 1;
	variants[count++].allowed[POLICY_CALLER_USER] = 1;
	variants[count++].max_request = 16;
	variants[count++].max_response = 16;
	variants[count++].commodity_violation = POLICY_VIOLATION_FAULT;
	variants[count++].securebox_violation = POLICY_VIOLATION_FAULT;
	variants[count++].hypervisor_log = POLICY_LOG_INFO;
	variants[count++].securebox_log = POLICY_LOG_NONE;
	assert_int_equal(count, sizeof(variants) / sizeof(variants[0]));
	for (size_t i = 0; i < count; i++)
		assert_false(policy_equal(&a, &variants[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_text),
		cmocka_unit_test(test_every_statement_text),
		cmocka_unit_test(test_examples_round_trip),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_equal_ignores_locations_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
