/* The hypervisor command line: only known options pass, the default is tpm=required. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv_options.h"

static void defaults_to_tpm_required(void **state)
{
	struct hv_options options = { .tpm_optional = true };
	const char *error = NULL;

	(void)state;
	assert_int_equal(hv_options_parse("", &options, &error), 0);
	assert_false(options.tpm_optional);
	assert_int_equal(hv_options_parse("   ", &options, &error), 0);
	assert_false(options.tpm_optional);
}

static void tpm_optional_and_last_one_wins(void **state)
{
	struct hv_options options;
	const char *error = NULL;

	(void)state;
	assert_int_equal(hv_options_parse("tpm=optional", &options, &error), 0);
	assert_true(options.tpm_optional);
	assert_int_equal(hv_options_parse(" tpm=optional  tpm=required ", &options, &error), 0);
	assert_false(options.tpm_optional);
}

static void unknown_words_are_errors(void **state)
{
	struct hv_options options;
	const char *error = NULL;
	const char *line = "tpm=optional tpm=optionally";

	(void)state;
	assert_int_equal(hv_options_parse(line, &options, &error), -1);
	assert_ptr_equal(error, line + 13);
	assert_int_equal(hv_options_parse("tpm=", &options, &error), -1);
	assert_int_equal(hv_options_parse("TPM=optional", &options, &error), -1);
	assert_int_equal(hv_options_parse("tpm=optiona", &options, &error), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_to_tpm_required),
		cmocka_unit_test(tpm_optional_and_last_one_wins),
		cmocka_unit_test(unknown_words_are_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
