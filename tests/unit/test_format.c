/* The formatter the hypervisor's console and the test guest share: system tests
 * parse its output, so every conversion is pinned down here byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/serial.h"
#include "format.h"

static char output[256];
static size_t output_length;

/* Stands in for the UART (which adds the \r before each \n itself). */
void serial_putc(char c)
{
	assert_true(output_length < sizeof(output) - 1);
	output[output_length++] = c;
	output[output_length] = '\0';
}

/* No format attribute: some cases are formats the compiler would rightly reject. */
static const char *formatted(const char *format, ...)
{
	va_list arguments;

	output_length = 0;
	output[0] = '\0';
	va_start(arguments, format);
	vprintk(format, arguments);
	va_end(arguments);
	return output;
}

static void strings_and_characters(void **state)
{
	const char *none = NULL;

	(void)state;
	assert_string_equal(formatted("sbx: %s|%c|%%", "hv", 'x'), "sbx: hv|x|%");
	assert_string_equal(formatted("[%s]", none), "[(null)]");
}

static void decimal(void **state)
{
	(void)state;
	assert_string_equal(formatted("%d %d %u", 0, -42, 4000000000u), "0 -42 4000000000");
	assert_string_equal(formatted("%d", INT32_MIN), "-2147483648");
	assert_string_equal(formatted("%ld %lu", INT64_MIN, UINT64_MAX),
			    "-9223372036854775808 18446744073709551615");
	assert_string_equal(formatted("%lld", -1ll), "-1");
}

static void hexadecimal_and_width(void **state)
{
	(void)state;
	assert_string_equal(formatted("%x %02x %02x", 0xbeefu, 5u, 0x123u), "beef 05 123");
	assert_string_equal(formatted("%016llx", 0xc0000080ull), "00000000c0000080");
	assert_string_equal(formatted("%lx", UINT64_MAX), "ffffffffffffffff");
	/* The sign counts towards the width, and the zeros go after it. */
	assert_string_equal(formatted("%4d", -5), "-005");
}

static void malformed_formats_show(void **state)
{
	(void)state;
	assert_string_equal(formatted("%q."), "%q.");
	assert_string_equal(formatted("end%"), "end");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings_and_characters),
		cmocka_unit_test(decimal),
		cmocka_unit_test(hexadecimal_and_width),
		cmocka_unit_test(malformed_formats_show),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
