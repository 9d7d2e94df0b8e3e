/* Unit tests for the policy parser: every statement, every default, every error
 * message with its exact location, the lexical rules, numbers, ranges, the boot-time
 * range check, the example policies, and truncation at every length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

#define VERSION_LINE "sbx-policy 1\n"
#define ALL_SERVICES "hypervisor.version hypervisor.event-log hypervisor.exit-stats " \
	"securebox.version securebox.echo securebox.report securebox.key-create " \
	"securebox.key-sign securebox.key-public securebox.seal securebox.unseal"
#define ALL_SERVICE_BITS ((1u << POLICY_SERVICE_COUNT) - 1)

static struct policy policy;
static struct policy_error error;

/* Parses exactly `size` bytes from a heap copy, so ASan sees any read past them. */
static int parse_bytes(const char *text, size_t size)
{
	char *copy = malloc(size ? size : 1);
	int result;

	assert_non_null(copy);
	memcpy(copy, text, size);
	result = policy_parse(copy, size, &policy, &error);
	free(copy);
	return result;
}

static int parse(const char *text)
{
	return parse_bytes(text, strlen(text));
}

static void parses(const char *text)
{
	if (parse(text) != 0)
		fail_msg("rejected %u:%u: %s\n%s", error.location.line, error.location.column,
			 error.message, text);
}

struct error_case {
	const char *text;
	uint32_t line;
	uint32_t column;
	const char *message;
};

static void expect_error_bytes(const char *text, size_t size, uint32_t line, uint32_t column,
			       const char *message)
{
	int result;

	memset(&error, 0, sizeof(error));
	result = parse_bytes(text, size);
	if (result != -1 || !error.message || strcmp(error.message, message) ||
	    error.location.line != line || error.location.column != column)
		fail_msg("policy:\n%.*s\nexpected %u:%u: %s\ngot %d %u:%u: %s", (int)size, text,
			 line, column, message, result, error.location.line,
			 error.location.column, error.message ? error.message : "(none)");
}

static void expect_errors(const struct error_case *cases, size_t count)
{
	for (size_t i = 0; i < count; i++)
		expect_error_bytes(cases[i].text, strlen(cases[i].text), cases[i].line,
				   cases[i].column, cases[i].message);
}

#define EXPECT_ERRORS(cases) expect_errors(cases, sizeof(cases) / sizeof(cases[0]))

static void expect_default_values(void)
{
	assert_int_equal(policy.securebox_memory, 4u << 20);
	assert_int_equal(policy.cpus, 1);
	assert_int_equal(policy.cpus_location.line, 0);
	assert_int_equal(policy.cpus_location.column, 0);
	assert_int_equal(policy.range_count, 0);
	assert_int_equal(policy.tpm_localities, 1u << 0);
	assert_false(policy.user_hypercalls);
	assert_int_equal(policy.allowed[POLICY_CALLER_KERNEL], 0);
	assert_int_equal(policy.allowed[POLICY_CALLER_USER], 0);
	assert_int_equal(policy.max_request, 4096);
	assert_int_equal(policy.max_response, 4096);
	assert_int_equal(policy.commodity_violation, POLICY_VIOLATION_STOP);
	assert_int_equal(policy.securebox_violation, POLICY_VIOLATION_STOP);
	assert_int_equal(policy.hypervisor_log, POLICY_LOG_ERRORS);
	assert_int_equal(policy.securebox_log, POLICY_LOG_ERRORS);
}

static void test_defaults(void **state)
{
	struct policy defaults;

	(void)state;
	memset(&policy, 0xa5, sizeof(policy));
	policy_defaults(&policy);
	expect_default_values();

	memset(&policy, 0xa5, sizeof(policy));
	parses(VERSION_LINE);
	expect_default_values();
	policy_defaults(&defaults);
	assert_memory_equal(&policy, &defaults, sizeof(policy));

	parses("# comment first\n\n\t \nsbx-policy 1 # the version\n# last\n");
	expect_default_values();
}

/* Every statement with a value other than its default, in an unusual order, with
 * tabs, comments and blank lines around. */
static void test_every_statement(void **state)
{
	(void)state;
	parses("\n"
	       "  # header\n"
	       "\tsbx-policy\t1\n"
	       "log securebox none\n"
	       "allow user securebox.echo hypervisor.version # comment\n"
	       "read-only 0xfed40000 16K\n"
	       "on-violation commodity fault\n"
	       "max-response 0x100\n"
	       "user-hypercalls allow\n"
	       "hide 4096 0x1000#comment right after a token\n"
	       "max-request 16\n"
	       "log hypervisor info\n"
	       "tpm-localities 4 0 2\n"
	       "allow kernel " ALL_SERVICES "\n"
	       "on-violation securebox stop\n"
	       "securebox-memory 64M\n"
	       "  cpus 64 # every CPU the hypervisor can track\n");
	assert_int_equal(policy.securebox_memory, 64u << 20);
	assert_int_equal(policy.cpus, 64);
	assert_int_equal(policy.cpus_location.line, 17);
	assert_int_equal(policy.cpus_location.column, 3);
	assert_int_equal(policy.range_count, 2);
	assert_int_equal(policy.ranges[0].start, 0xfed40000);
	assert_int_equal(policy.ranges[0].size, 16384);
	assert_int_equal(policy.ranges[0].kind, POLICY_RANGE_READ_ONLY);
	assert_int_equal(policy.ranges[0].location.line, 6);
	assert_int_equal(policy.ranges[0].location.column, 1);
	assert_int_equal(policy.ranges[1].start, 0x1000);
	assert_int_equal(policy.ranges[1].size, 0x1000);
	assert_int_equal(policy.ranges[1].kind, POLICY_RANGE_HIDDEN);
	assert_int_equal(policy.ranges[1].location.line, 10);
	assert_int_equal(policy.tpm_localities, (1u << 0) | (1u << 2) | (1u << 4));
	assert_true(policy.user_hypercalls);
	assert_int_equal(policy.allowed[POLICY_CALLER_KERNEL], ALL_SERVICE_BITS);
	assert_int_equal(policy.allowed[POLICY_CALLER_USER],
			 (1u << POLICY_SERVICE_SECUREBOX_ECHO) |
			 (1u << POLICY_SERVICE_HYPERVISOR_VERSION));
	assert_int_equal(policy.max_request, 16);
	assert_int_equal(policy.max_response, 256);
	assert_int_equal(policy.commodity_violation, POLICY_VIOLATION_FAULT);
	assert_int_equal(policy.securebox_violation, POLICY_VIOLATION_STOP);
	assert_int_equal(policy.hypervisor_log, POLICY_LOG_INFO);
	assert_int_equal(policy.securebox_log, POLICY_LOG_NONE);
}

static void test_each_value(void **state)
{
	(void)state;
	parses(VERSION_LINE "securebox-memory 2M\n");
	assert_int_equal(policy.securebox_memory, 2u << 20);
	parses(VERSION_LINE "securebox-memory 0x600000\n");
	assert_int_equal(policy.securebox_memory, 6u << 20);
	parses(VERSION_LINE "cpus 1\n");
	assert_int_equal(policy.cpus, 1);
	assert_int_equal(policy.cpus_location.line, 2);
	assert_int_equal(policy.cpus_location.column, 1);
	parses(VERSION_LINE "\n\tcpus\t2\n");
	assert_int_equal(policy.cpus, 2);
	assert_int_equal(policy.cpus_location.line, 3);
	assert_int_equal(policy.cpus_location.column, 2);
	parses(VERSION_LINE "cpus 64\n");
	assert_int_equal(policy.cpus, 64);
	/* A number like any other: hexadecimal too. */
	parses(VERSION_LINE "cpus 0x40\n");
	assert_int_equal(policy.cpus, 64);
	parses(VERSION_LINE "cpus 0xA\n");
	assert_int_equal(policy.cpus, 10);
	parses(VERSION_LINE "tpm-localities 0 1 2 3 4\n");
	assert_int_equal(policy.tpm_localities, 0x1f);
	parses(VERSION_LINE "tpm-localities 3\n");
	assert_int_equal(policy.tpm_localities, 1u << 3);
	parses(VERSION_LINE "user-hypercalls deny\n");
	assert_false(policy.user_hypercalls);
	parses(VERSION_LINE "user-hypercalls allow\n");
	assert_true(policy.user_hypercalls);
	parses(VERSION_LINE "max-request 4096\nmax-response 16\n");
	assert_int_equal(policy.max_request, 4096);
	assert_int_equal(policy.max_response, 16);
	parses(VERSION_LINE "on-violation commodity stop\n");
	assert_int_equal(policy.commodity_violation, POLICY_VIOLATION_STOP);
	parses(VERSION_LINE "log hypervisor none\nlog securebox info\n");
	assert_int_equal(policy.hypervisor_log, POLICY_LOG_NONE);
	assert_int_equal(policy.securebox_log, POLICY_LOG_INFO);
	parses(VERSION_LINE "log hypervisor errors\nlog securebox errors\n");
	assert_int_equal(policy.hypervisor_log, POLICY_LOG_ERRORS);
	assert_int_equal(policy.securebox_log, POLICY_LOG_ERRORS);

	/* Each service alone, for each caller. */
	for (unsigned int service = 0; service < POLICY_SERVICE_COUNT; service++) {
		char text[256];

		snprintf(text, sizeof(text), VERSION_LINE "user-hypercalls allow\n"
			 "allow user %s\nallow kernel %s\n", policy_service_name(service),
			 policy_service_name(service));
		parses(text);
		assert_int_equal(policy.allowed[POLICY_CALLER_USER], 1u << service);
		assert_int_equal(policy.allowed[POLICY_CALLER_KERNEL], 1u << service);
	}
	/* user-hypercalls allow may come after the allow user line. */
	parses(VERSION_LINE "allow user securebox.echo\nuser-hypercalls allow\n");
	/* user-hypercalls allow without any allow user: calls are made, and denied. */
	parses(VERSION_LINE "user-hypercalls allow\n");
	assert_int_equal(policy.allowed[POLICY_CALLER_USER], 0);
}

static void test_error_messages(void **state)
{
	static const struct error_case cases[] = {
		/* The file as a whole. */
		{ "", 0, 0, "empty policy" },
		{ "# nothing but comments\n\n\t\n", 0, 0, "missing version line" },
		/* The version line. */
		{ "securebox-memory 4M\nsbx-policy 1\n", 1, 1, "missing version line" },
		{ "Sbx-policy 1\n", 1, 1, "missing version line" },
		{ "# comment\n\tsbx-policy 2\n", 2, 13, "unsupported policy version" },
		{ "sbx-policy 0\n", 1, 12, "unsupported policy version" },
		{ "sbx-policy 2 extra\n", 1, 12, "unsupported policy version" },
		{ "sbx-policy\n", 1, 11, "missing argument" },
		{ "sbx-policy # 1\n", 1, 11, "missing argument" },
		{ "sbx-policy 1 1\n", 1, 14, "too many arguments" },
		{ "sbx-policy one\n", 1, 12, "invalid number" },
		{ "sbx-policy 99999999999999999999\n", 1, 12, "number overflows 64 bits" },
		{ VERSION_LINE "sbx-policy 1\n", 2, 1, "duplicate statement" },
		/* Statements. */
		{ VERSION_LINE "frobnicate 1\n", 2, 1, "unknown statement" },
		{ VERSION_LINE "  Hide 0 4K\n", 2, 3, "unknown statement" },
		{ VERSION_LINE "hide-range 0 4K\n", 2, 1, "unknown statement" },
		{ VERSION_LINE "securebox-memory 3M\n", 2, 18,
		  "securebox memory must be 2M to 64M in 2M steps" },
		{ VERSION_LINE "securebox-memory 0\n", 2, 18,
		  "securebox memory must be 2M to 64M in 2M steps" },
		{ VERSION_LINE "securebox-memory 1M\n", 2, 18,
		  "securebox memory must be 2M to 64M in 2M steps" },
		{ VERSION_LINE "securebox-memory 66M\n", 2, 18,
		  "securebox memory must be 2M to 64M in 2M steps" },
		{ VERSION_LINE "securebox-memory 16G\n", 2, 18,
		  "securebox memory must be 2M to 64M in 2M steps" },
		{ VERSION_LINE "securebox-memory 0x200001\n", 2, 18,
		  "securebox memory must be 2M to 64M in 2M steps" },
		{ VERSION_LINE "securebox-memory\n", 2, 17, "missing argument" },
		{ VERSION_LINE "securebox-memory 4M 4M\n", 2, 21, "too many arguments" },
		{ VERSION_LINE "securebox-memory 4M\nsecurebox-memory 4M\n", 3, 1,
		  "duplicate statement" },
		{ VERSION_LINE "cpus 0\n", 2, 6, "cpus must be 1 to 64" },
		{ VERSION_LINE "cpus 65\n", 2, 6, "cpus must be 1 to 64" },
		{ VERSION_LINE "cpus 0x41\n", 2, 6, "cpus must be 1 to 64" },
		{ VERSION_LINE "cpus 0x0\n", 2, 6, "cpus must be 1 to 64" },
		{ VERSION_LINE "cpus 1K\n", 2, 6, "cpus must be 1 to 64" },
		{ VERSION_LINE "cpus 4294967297\n", 2, 6, "cpus must be 1 to 64" },
		{ VERSION_LINE "cpus 18446744073709551616\n", 2, 6, "number overflows 64 bits" },
		{ VERSION_LINE "cpus\n", 2, 5, "missing argument" },
		{ VERSION_LINE "cpus   # 2\n", 2, 5, "missing argument" },
		{ VERSION_LINE "cpus two\n", 2, 6, "invalid number" },
		{ VERSION_LINE "cpus 2x\n", 2, 6, "invalid number" },
		{ VERSION_LINE "cpus 02\n", 2, 6, "invalid number" },
		{ VERSION_LINE "cpus -1\n", 2, 6, "invalid number" },
		{ VERSION_LINE "cpus 0X2\n", 2, 6, "invalid number" },
		{ VERSION_LINE "cpus all\n", 2, 6, "invalid number" },
		{ VERSION_LINE "cpus 2 4\n", 2, 8, "too many arguments" },
		{ VERSION_LINE "cpus 1\ncpus 1\n", 3, 1, "duplicate statement" },
		{ VERSION_LINE "cpus 2\nsecurebox-memory 4M\n\tcpus 2\n", 4, 2,
		  "duplicate statement" },
		{ VERSION_LINE "CPUs 2\n", 2, 1, "unknown statement" },
		{ VERSION_LINE "cpu 2\n", 2, 1, "unknown statement" },
		{ "cpus 1\nsbx-policy 1\n", 1, 1, "missing version line" },
		{ VERSION_LINE "hide 0x1001 4K\n", 2, 6, "range not 4 KiB aligned" },
		{ VERSION_LINE "hide 0x1000 0x800\n", 2, 13, "range not 4 KiB aligned" },
		{ VERSION_LINE "read-only 0xffffffffffffffff 4K\n", 2, 11,
		  "range not 4 KiB aligned" },
		{ VERSION_LINE "hide 0x1000 0\n", 2, 13, "empty range" },
		{ VERSION_LINE "read-only 0x1000 0K\n", 2, 18, "empty range" },
		{ VERSION_LINE "hide 0xfffffffffffff000 0x2000\n", 2, 25, "range wraps around" },
		{ VERSION_LINE "hide 0xfffffffffffff000 4K\n", 2, 25, "range wraps around" },
		{ VERSION_LINE "read-only 0x1000 0xfffffffffffff000\n", 2, 18,
		  "range wraps around" },
		{ VERSION_LINE "hide\n", 2, 5, "missing argument" },
		{ VERSION_LINE "read-only 0x1000   \n", 2, 17, "missing argument" },
		{ VERSION_LINE "hide 0x1000 4K 4K\n", 2, 16, "too many arguments" },
		{ VERSION_LINE "hide 4k 4K\n", 2, 6, "invalid number" },
		{ VERSION_LINE "hide 0x1000 4K\nread-only 0x1000 4K\n", 3, 1, "ranges overlap" },
		{ VERSION_LINE "tpm-localities 5\n", 2, 16, "unknown locality" },
		{ VERSION_LINE "tpm-localities 0 0x10\n", 2, 18, "unknown locality" },
		{ VERSION_LINE "tpm-localities 0 1 0\n", 2, 20, "duplicate locality" },
		{ VERSION_LINE "tpm-localities\n", 2, 15, "missing argument" },
		{ VERSION_LINE "tpm-localities 0 one\n", 2, 18, "invalid number" },
		{ VERSION_LINE "tpm-localities 0\ntpm-localities 1\n", 3, 1, "duplicate statement" },
		{ VERSION_LINE "user-hypercalls yes\n", 2, 17, "user-hypercalls must be allow or deny" },
		{ VERSION_LINE "user-hypercalls Allow\n", 2, 17,
		  "user-hypercalls must be allow or deny" },
		{ VERSION_LINE "user-hypercalls\n", 2, 16, "missing argument" },
		{ VERSION_LINE "user-hypercalls allow deny\n", 2, 23, "too many arguments" },
		{ VERSION_LINE "user-hypercalls deny\nuser-hypercalls deny\n", 3, 1,
		  "duplicate statement" },
		{ VERSION_LINE "allow root securebox.echo\n", 2, 7, "unknown caller" },
		{ VERSION_LINE "allow\n", 2, 6, "missing argument" },
		{ VERSION_LINE "allow kernel\n", 2, 13, "missing argument" },
		{ VERSION_LINE "allow kernel securebox.echo securebox.magic\n", 2, 29,
		  "unknown service" },
		{ VERSION_LINE "allow kernel securebox\n", 2, 14, "unknown service" },
		{ VERSION_LINE "allow kernel securebox.echo securebox.echo\n", 2, 29,
		  "duplicate service" },
		{ VERSION_LINE "allow kernel securebox.echo\nallow kernel securebox.version\n",
		  3, 7, "duplicate allow for caller" },
		{ VERSION_LINE "allow user securebox.echo\n", 2, 7,
		  "allow user needs user-hypercalls allow" },
		{ VERSION_LINE "allow user securebox.echo\nuser-hypercalls deny\n", 2, 7,
		  "allow user needs user-hypercalls allow" },
		{ VERSION_LINE "max-request 15\n", 2, 13, "value out of range" },
		{ VERSION_LINE "max-request 4097\n", 2, 13, "value out of range" },
		{ VERSION_LINE "max-response 8K\n", 2, 14, "value out of range" },
		{ VERSION_LINE "max-response 0\n", 2, 14, "value out of range" },
		{ VERSION_LINE "max-response 0x10 16\n", 2, 19, "too many arguments" },
		{ VERSION_LINE "max-request\n", 2, 12, "missing argument" },
		{ VERSION_LINE "max-request 16\nmax-request 16\n", 3, 1, "duplicate statement" },
		{ VERSION_LINE "max-response 16\nmax-response 16\n", 3, 1, "duplicate statement" },
		{ VERSION_LINE "on-violation hypervisor stop\n", 2, 14, "unknown partition" },
		{ VERSION_LINE "on-violation commodity ignore\n", 2, 24, "unknown action" },
		{ VERSION_LINE "on-violation securebox fault\n", 2, 24,
		  "securebox violations can only stop" },
		{ VERSION_LINE "on-violation commodity stop\non-violation commodity fault\n", 3, 14,
		  "duplicate statement" },
		{ VERSION_LINE "on-violation securebox stop\non-violation securebox stop\n", 3, 14,
		  "duplicate statement" },
		{ VERSION_LINE "on-violation\n", 2, 13, "missing argument" },
		{ VERSION_LINE "on-violation commodity\n", 2, 23, "missing argument" },
		{ VERSION_LINE "on-violation commodity stop now\n", 2, 29, "too many arguments" },
		{ VERSION_LINE "log kernel info\n", 2, 5, "unknown component" },
		{ VERSION_LINE "log hypervisor debug\n", 2, 16, "unknown log level" },
		{ VERSION_LINE "log securebox none\nlog securebox info\n", 3, 5,
		  "duplicate statement" },
		{ VERSION_LINE "log hypervisor none\nlog hypervisor none\n", 3, 5,
		  "duplicate statement" },
		{ VERSION_LINE "log hypervisor\n", 2, 15, "missing argument" },
		{ VERSION_LINE "log hypervisor info info\n", 2, 21, "too many arguments" },
		/* Lexical errors: the column of the first offending byte. */
		{ "sbx-policy 1\x80\n", 1, 13, "non-ASCII or control character" },
		{ VERSION_LINE "\x7f\n", 2, 1, "non-ASCII or control character" },
		{ VERSION_LINE "# \xff in a comment\n", 2, 3, "non-ASCII or control character" },
		{ "sbx-policy 1\r\n", 1, 13, "non-ASCII or control character" },
		{ VERSION_LINE "log hypervisor\vinfo\n", 2, 15, "non-ASCII or control character" },
		{ "sbx-policy 1", 1, 13, "missing newline at end of file" },
		{ VERSION_LINE "log hypervisor info", 2, 20, "missing newline at end of file" },
		{ VERSION_LINE "# a comment", 2, 12, "missing newline at end of file" },
	};

	static const char nul_line[] = VERSION_LINE "\0\n";
	static const char nul_after_statement[] = VERSION_LINE "log hypervisor info\0\n";

	(void)state;
	EXPECT_ERRORS(cases);
	expect_error_bytes(nul_line, sizeof(nul_line) - 1, 2, 1, "NUL byte");
	expect_error_bytes(nul_after_statement, sizeof(nul_after_statement) - 1, 2, 20,
			   "NUL byte");
}

/* The first error wins: earlier lines first; within a line the text, then the
 * tokens from left to right, then the statement as a whole; cross-statement rules
 * last. */
static void test_first_error_wins(void **state)
{
	static const struct error_case cases[] = {
		{ VERSION_LINE "frobnicate\n\x80\n", 2, 1, "unknown statement" },
		{ VERSION_LINE "frobnicate \x80\n", 2, 12, "non-ASCII or control character" },
		{ VERSION_LINE "hide 0x1001 zz\n", 2, 6, "range not 4 KiB aligned" },
		{ VERSION_LINE "hide 0x1000x 0\n", 2, 6, "invalid number" },
		{ VERSION_LINE "securebox-memory 3M extra\n", 2, 18,
		  "securebox memory must be 2M to 64M in 2M steps" },
		{ VERSION_LINE "securebox-memory 4M\nsecurebox-memory 3M\n", 3, 1,
		  "duplicate statement" },
		{ VERSION_LINE "cpus 65 extra\n", 2, 6, "cpus must be 1 to 64" },
		{ VERSION_LINE "cpus 1\ncpus 65\n", 3, 1, "duplicate statement" },
		{ VERSION_LINE "allow user securebox.echo\nfrobnicate\n", 3, 1, "unknown statement" },
		{ VERSION_LINE "allow user securebox.echo\nsbx-policy 1", 3, 13,
		  "missing newline at end of file" },
		{ VERSION_LINE "on-violation securebox fault stop\n", 2, 24,
		  "securebox violations can only stop" },
		{ VERSION_LINE "sbx-policy 2\n", 2, 1, "duplicate statement" },
		{ "frobnicate\nsbx-policy 1\n", 1, 1, "missing version line" },
	};

	(void)state;
	EXPECT_ERRORS(cases);
}

/* Every byte value in a comment: tab and printable ASCII pass, the rest fail at
 * their own column. */
static void test_every_byte(void **state)
{
	(void)state;
	for (unsigned int byte = 0; byte < 256; byte++) {
		char text[] = VERSION_LINE "# ? #\n";
		size_t size = sizeof(text) - 1;

		text[sizeof(VERSION_LINE) - 1 + 2] = (char)byte;
		if (byte == '\t' || byte == '\n' || (byte >= ' ' && byte <= '~')) {
			assert_int_equal(parse_bytes(text, size), 0);
			continue;
		}
		assert_int_equal(parse_bytes(text, size), -1);
		assert_int_equal(error.location.line, 2);
		assert_int_equal(error.location.column, 3);
		assert_string_equal(error.message,
				    byte ? "non-ASCII or control character" : "NUL byte");
	}
}

static void test_line_length(void **state)
{
	/* The version line, then a line of 257 bytes and its newline. */
	char text[sizeof(VERSION_LINE) - 1 + POLICY_MAX_LINE + 2];
	char *line = text + sizeof(VERSION_LINE) - 1;
	size_t longest = sizeof(text) - 1;      /* with a line of exactly 256 bytes */

	(void)state;
	memcpy(text, VERSION_LINE, sizeof(VERSION_LINE) - 1);

	/* A comment of exactly 256 bytes, then of 257. */
	memset(line, 'x', POLICY_MAX_LINE + 1);
	line[0] = '#';
	line[POLICY_MAX_LINE] = '\n';
	assert_int_equal(parse_bytes(text, longest), 0);
	line[POLICY_MAX_LINE] = 'x';
	line[POLICY_MAX_LINE + 1] = '\n';
	expect_error_bytes(text, sizeof(text), 2, POLICY_MAX_LINE + 1, "line too long");

	/* A statement padded with blanks to 256 bytes, then to 257. */
	memset(line, ' ', POLICY_MAX_LINE + 1);
	memcpy(line, "log securebox info", strlen("log securebox info"));
	line[POLICY_MAX_LINE - 1] = '\t';
	line[POLICY_MAX_LINE] = '\n';
	assert_int_equal(parse_bytes(text, longest), 0);
	assert_int_equal(policy.securebox_log, POLICY_LOG_INFO);
	line[POLICY_MAX_LINE] = ' ';
	line[POLICY_MAX_LINE + 1] = '\n';
	expect_error_bytes(text, sizeof(text), 2, POLICY_MAX_LINE + 1, "line too long");

	/* The 257th byte makes the line too long, whatever it is. */
	line[POLICY_MAX_LINE] = '\0';
	expect_error_bytes(text, sizeof(text), 2, POLICY_MAX_LINE + 1, "line too long");
	/* A last line of 256 bytes without its newline. */
	expect_error_bytes(text, longest - 1, 2, POLICY_MAX_LINE + 1,
			   "missing newline at end of file");
}

static void test_file_size(void **state)
{
	char *text = malloc(POLICY_MAX_SIZE + 1);

	(void)state;
	assert_non_null(text);
	/* Exactly 64 KiB: the version line, then comment lines of 64 bytes. */
	memset(text, '#', POLICY_MAX_SIZE + 1);
	memcpy(text, VERSION_LINE, sizeof(VERSION_LINE) - 1);
	for (size_t end = 63; end < POLICY_MAX_SIZE; end += 64)
		text[end] = '\n';
	text[POLICY_MAX_SIZE - 1] = '\n';
	assert_int_equal(parse_bytes(text, POLICY_MAX_SIZE), 0);
	/* One byte more: rejected as a whole, before anything is read. */
	text[POLICY_MAX_SIZE] = '\n';
	assert_int_equal(parse_bytes(text, POLICY_MAX_SIZE + 1), -1);
	assert_string_equal(error.message, "file too large");
	assert_int_equal(error.location.line, 0);
	assert_int_equal(error.location.column, 0);
	memset(text, 0, POLICY_MAX_SIZE + 1);
	assert_int_equal(parse_bytes(text, POLICY_MAX_SIZE + 1), -1);
	assert_string_equal(error.message, "file too large");
	free(text);
}

/* Numbers, seen through a range's size (any 4 KiB multiple from address 0). */
static void test_numbers(void **state)
{
	static const struct {
		const char *text;
		uint64_t value;
	} values[] = {
		{ "4096", 4096 },
		{ "0x1000", 0x1000 },
		{ "0x0000001000", 0x1000 },
		{ "0xABCDE000", 0xabcde000 },
		{ "0xAbCdE000", 0xabcde000 },
		{ "4K", 4096 },
		{ "0x4K", 4096 },
		{ "1M", 1u << 20 },
		{ "0x10M", 16u << 20 },
		{ "3G", 3ull << 30 },
		{ "16G", 16ull << 30 },
		{ "4294967296", 1ull << 32 },
		{ "0xfffffffffffff000", 0xfffffffffffff000 },
		{ "18446744073709547520", 0xfffffffffffff000 },
		{ "17179869183G", 0xffffffffc0000000 },
		{ "0xfffffffffffM", 0xfffffffffff00000 },
	};
	static const char *const invalid[] = {
		"4k", "4m", "4g", "4KB", "4KK", "0X1000", "0x", "0xK", "x1000", "-4096",
		"+4096", "010", "00", "0x1000g", "1.5M", "0b1000", "4_096", "4T", "K",
		"0xg", "1e3",
	};
	static const char *const overflowing[] = {
		"18446744073709551616", "99999999999999999999999", "0x10000000000000000",
		"0xffffffffffffffffK", "17179869184G", "0x400000000000000M",
		"0x00000000000000010000000000000000",
	};
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(text, sizeof(text), VERSION_LINE "hide 0 %s\n", values[i].text);
		parses(text);
		assert_int_equal(policy.ranges[0].size, values[i].value);
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		snprintf(text, sizeof(text), VERSION_LINE "hide 0 %s\n", invalid[i]);
		assert_int_equal(parse(text), -1);
		assert_string_equal(error.message, "invalid number");
		assert_int_equal(error.location.column, 8);
	}
	for (size_t i = 0; i < sizeof(overflowing) / sizeof(overflowing[0]); i++) {
		snprintf(text, sizeof(text), VERSION_LINE "hide 0 %s\n", overflowing[i]);
		assert_int_equal(parse(text), -1);
		assert_string_equal(error.message, "number overflows 64 bits");
		assert_int_equal(error.location.column, 8);
	}
	/* Zero: "0", "0K" and "0x0" (only a decimal zero may start with 0). */
	parses(VERSION_LINE "hide 0K 4K\nhide 0x1000 4K\nhide 0x0000000002000 4K\n");
	assert_int_equal(policy.ranges[0].start, 0);
	assert_int_equal(policy.ranges[2].start, 0x2000);
	parses(VERSION_LINE "hide 0x0 4K\n");
	assert_int_equal(policy.ranges[0].start, 0);
	/* Numbers in other statements follow the same rules. */
	parses(VERSION_LINE "max-request 0x1K\ntpm-localities 0x3 0\n");
	assert_int_equal(policy.max_request, 1024);
	assert_int_equal(policy.tpm_localities, 0x9);
}

static void test_ranges(void **state)
{
	char text[2048];
	size_t length;

	(void)state;
	/* 16 ranges, alternating kinds and adjacent (adjacent is not overlapping). */
	length = (size_t)snprintf(text, sizeof(text), VERSION_LINE);
	for (unsigned int i = 0; i < POLICY_MAX_RANGES; i++)
		length += (size_t)snprintf(text + length, sizeof(text) - length, "%s 0x%x 4K\n",
					   i % 2 ? "read-only" : "hide", 0x100000 + i * 0x1000);
	parses(text);
	assert_int_equal(policy.range_count, POLICY_MAX_RANGES);
	for (unsigned int i = 0; i < POLICY_MAX_RANGES; i++) {
		assert_int_equal(policy.ranges[i].start, 0x100000 + i * 0x1000);
		assert_int_equal(policy.ranges[i].size, 0x1000);
		assert_int_equal(policy.ranges[i].kind,
				 i % 2 ? POLICY_RANGE_READ_ONLY : POLICY_RANGE_HIDDEN);
		assert_int_equal(policy.ranges[i].location.line, i + 2);
		assert_int_equal(policy.ranges[i].location.column, 1);
	}
	/* The 17th, even one that would also overlap. */
	snprintf(text + length, sizeof(text) - length, "  read-only 0x200000 4K\n");
	assert_int_equal(parse(text), -1);
	assert_string_equal(error.message, "too many ranges");
	assert_int_equal(error.location.line, POLICY_MAX_RANGES + 2);
	assert_int_equal(error.location.column, 3);
	snprintf(text + length, sizeof(text) - length, "hide 0x100000 4K\n");
	assert_int_equal(parse(text), -1);
	assert_string_equal(error.message, "too many ranges");

	/* The highest range there is: it ends one page below 2^64. */
	parses(VERSION_LINE "hide 0xffffffffffffe000 4K\n");
	parses(VERSION_LINE "read-only 0 0xfffffffffffff000\n");
}

/* A = [0x10000, 0x20000) first; then B in every arrangement against it. */
static void test_range_overlaps(void **state)
{
	static const struct {
		const char *range;
		bool overlaps;
	} cases[] = {
		{ "hide 0x10000 0x10000", true },        /* identical */
		{ "hide 0x14000 0x1000", true },         /* B inside A */
		{ "hide 0x10000 0x1000", true },         /* B at A's first page */
		{ "hide 0x1f000 0x1000", true },         /* B at A's last page */
		{ "hide 0x8000 0x20000", true },         /* A inside B */
		{ "hide 0x8000 0x9000", true },          /* B over A's start */
		{ "hide 0x1f000 0x9000", true },         /* B over A's end */
		{ "read-only 0x18000 4K", true },        /* another kind */
		{ "hide 0xf000 0x1000", false },         /* B ends where A starts */
		{ "hide 0x20000 0x1000", false },        /* B starts where A ends */
		{ "hide 0 0x10000", false },
		{ "hide 0x20000 0xffffffffffe0000", false },
	};
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), VERSION_LINE "hide 0x10000 0x10000\n%s\n",
			 cases[i].range);
		if (!cases[i].overlaps) {
			parses(text);
			continue;
		}
		assert_int_equal(parse(text), -1);
		assert_string_equal(error.message, "ranges overlap");
		assert_int_equal(error.location.line, 3);
		assert_int_equal(error.location.column, 1);
	}
	/* Against any earlier range, not just the last one. */
	assert_int_equal(parse(VERSION_LINE "hide 0x1000 4K\nhide 0x3000 4K\n"
			       "read-only 0x5000 4K\n\tread-only 0 8K\n"), -1);
	assert_string_equal(error.message, "ranges overlap");
	assert_int_equal(error.location.line, 5);
	assert_int_equal(error.location.column, 2);
}

static void test_check_ranges(void **state)
{
	static const uint64_t protected[][2] = {
		{ 0x100000, 0x200000 },
		{ 0x800000, 0xc00000 },
		{ 0x300000, 0x300000 },     /* empty: overlaps nothing */
	};

	(void)state;
	parses(VERSION_LINE "hide 0xff000 4K\nread-only 0x200000 0x600000\n"
	       "hide 0xc00000 4K\n");
	assert_int_equal(policy_check_ranges(&policy, protected, 3, &error), 0);
	assert_int_equal(policy_check_ranges(&policy, protected, 0, &error), 0);

	/* The first offending range in file order. */
	parses(VERSION_LINE "hide 0x0 4K\n"
	       "hide 0xbff000 4K\n"
	       "  read-only 0x1ff000 0x2000\n");
	assert_int_equal(policy_check_ranges(&policy, protected, 3, &error), -1);
	assert_string_equal(error.message, "range overlaps hypervisor or securebox memory");
	assert_int_equal(error.location.line, 3);
	assert_int_equal(error.location.column, 1);
	assert_int_equal(policy_check_ranges(&policy, protected, 1, &error), -1);
	assert_int_equal(error.location.line, 4);
	assert_int_equal(error.location.column, 3);

	/* A range that covers a protected range entirely. */
	parses(VERSION_LINE "read-only 0 1G\n");
	assert_int_equal(policy_check_ranges(&policy, protected + 1, 1, &error), -1);
	assert_int_equal(error.location.line, 2);

	parses(VERSION_LINE);
	assert_int_equal(policy_check_ranges(&policy, protected, 3, &error), 0);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(policy_service_name(POLICY_SERVICE_HYPERVISOR_VERSION),
			    "hypervisor.version");
	assert_string_equal(policy_service_name(POLICY_SERVICE_HYPERVISOR_EVENT_LOG),
			    "hypervisor.event-log");
	assert_string_equal(policy_service_name(POLICY_SERVICE_HYPERVISOR_EXIT_STATS),
			    "hypervisor.exit-stats");
	assert_string_equal(policy_service_name(POLICY_SERVICE_SECUREBOX_VERSION),
			    "securebox.version");
	assert_string_equal(policy_service_name(POLICY_SERVICE_SECUREBOX_ECHO), "securebox.echo");
	assert_string_equal(policy_service_name(POLICY_SERVICE_COUNT), "unknown");
	assert_string_equal(policy_caller_name(POLICY_CALLER_KERNEL), "kernel");
	assert_string_equal(policy_caller_name(POLICY_CALLER_USER), "user");
	assert_string_equal(policy_caller_name(POLICY_CALLER_COUNT), "unknown");
	assert_string_equal(policy_violation_name(POLICY_VIOLATION_STOP), "stop");
	assert_string_equal(policy_violation_name(POLICY_VIOLATION_FAULT), "fault");
	assert_string_equal(policy_violation_name(POLICY_VIOLATION_FAULT + 1), "unknown");
	assert_string_equal(policy_log_level_name(POLICY_LOG_NONE), "none");
	assert_string_equal(policy_log_level_name(POLICY_LOG_ERRORS), "errors");
	assert_string_equal(policy_log_level_name(POLICY_LOG_INFO), "info");
	assert_string_equal(policy_log_level_name(POLICY_LOG_INFO + 1), "unknown");
}

/* The example policies, read from the repository (the tests run from its root). */
static char *read_example(const char *path, size_t *size)
{
	FILE *file = fopen(path, "rb");
	char *text = malloc(POLICY_MAX_SIZE + 1);

	assert_non_null(file);
	assert_non_null(text);
	*size = fread(text, 1, POLICY_MAX_SIZE + 1, file);
	assert_true(*size <= POLICY_MAX_SIZE);
	fclose(file);
	return text;
}

static void parse_example(const char *path)
{
	size_t size;
	char *text = read_example(path, &size);

	if (parse_bytes(text, size))
		fail_msg("%s:%u:%u: %s", path, error.location.line, error.location.column,
			 error.message);
	free(text);
}

static void test_examples(void **state)
{
	(void)state;
	parse_example("policy/default.pol");
	assert_int_equal(policy.securebox_memory, 4u << 20);
	assert_int_equal(policy.range_count, 0);
	assert_int_equal(policy.tpm_localities, 1u << 0);
	assert_false(policy.user_hypercalls);
	assert_int_equal(policy.allowed[POLICY_CALLER_KERNEL], ALL_SERVICE_BITS);
	assert_int_equal(policy.allowed[POLICY_CALLER_USER], 0);
	assert_int_equal(policy.max_request, 4096);
	assert_int_equal(policy.max_response, 4096);
	assert_int_equal(policy.commodity_violation, POLICY_VIOLATION_FAULT);
	assert_int_equal(policy.securebox_violation, POLICY_VIOLATION_STOP);
	assert_int_equal(policy.hypervisor_log, POLICY_LOG_ERRORS);
	assert_int_equal(policy.securebox_log, POLICY_LOG_ERRORS);

	assert_int_equal(policy.cpus, 1);
	assert_int_equal(policy.cpus_location.line, 0);

	parse_example("policy/strict.pol");
	assert_int_equal(policy.cpus, 1);
	assert_int_equal(policy.cpus_location.line, 9);
	assert_int_equal(policy.tpm_localities, 1u << 0);
	assert_false(policy.user_hypercalls);
	assert_int_equal(policy.allowed[POLICY_CALLER_KERNEL],
			 ALL_SERVICE_BITS & ~((1u << POLICY_SERVICE_HYPERVISOR_VERSION) |
					      (1u << POLICY_SERVICE_HYPERVISOR_EVENT_LOG) |
					      (1u << POLICY_SERVICE_HYPERVISOR_EXIT_STATS)));
	assert_int_equal(policy.allowed[POLICY_CALLER_USER], 0);
	assert_int_equal(policy.commodity_violation, POLICY_VIOLATION_STOP);
	assert_int_equal(policy.securebox_violation, POLICY_VIOLATION_STOP);
	assert_int_equal(policy.hypervisor_log, POLICY_LOG_ERRORS);
	assert_int_equal(policy.securebox_log, POLICY_LOG_ERRORS);

	parse_example("policy/debug.pol");
	assert_int_equal(policy.cpus, 1);
	assert_int_equal(policy.tpm_localities, (1u << 0) | (1u << 3));
	assert_true(policy.user_hypercalls);
	assert_int_equal(policy.allowed[POLICY_CALLER_KERNEL], ALL_SERVICE_BITS);
	assert_int_equal(policy.allowed[POLICY_CALLER_USER], ALL_SERVICE_BITS);
	assert_int_equal(policy.hypervisor_log, POLICY_LOG_INFO);
	assert_int_equal(policy.securebox_log, POLICY_LOG_INFO);
}

/* Every prefix of a valid policy either parses or fails with a located error; only
 * prefixes that end at a line boundary can parse, so a file cut short never passes
 * as a policy with smaller values. */
static void truncate_everywhere(const char *text, size_t size)
{
	uint32_t lines = 0;

	for (size_t length = 0; length <= size; length++) {
		if (parse_bytes(text, length) == 0) {
			assert_true(length > 0 && text[length - 1] == '\n');
		} else {
			assert_non_null(error.message);
			assert_true(error.location.line <= lines + 1);
			assert_true(error.location.column <= POLICY_MAX_LINE + 1);
			assert_true((error.location.line == 0) == (error.location.column == 0));
		}
		if (length < size && text[length] == '\n')
			lines++;
	}
}

static void test_truncation(void **state)
{
	static const char *const examples[] = {
		"policy/default.pol", "policy/strict.pol", "policy/debug.pol",
	};
	static const char every_statement[] =
		VERSION_LINE
		"securebox-memory 64M\n"
		"cpus 64\n"
		"hide 0x100000 0x10000\n"
		"read-only 0xfed40000 16K\n"
		"tpm-localities 0 3\n"
		"user-hypercalls allow\n"
		"allow kernel " ALL_SERVICES "\n"
		"allow user securebox.version\n"
		"max-request 1024\n"
		"max-response 0x800\n"
		"on-violation commodity fault\n"
		"on-violation securebox stop\n"
		"log hypervisor info\n"
		"log securebox none\n";

	(void)state;
	truncate_everywhere(every_statement, sizeof(every_statement) - 1);
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		size_t size;
		char *text = read_example(examples[i], &size);

		truncate_everywhere(text, size);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_statement),
		cmocka_unit_test(test_each_value),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_first_error_wins),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_file_size),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_range_overlaps),
		cmocka_unit_test(test_check_ranges),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
