/* Unit tests for the test guest's checks of securebox answers: the DER shape of
 * an ECDSA signature in its fixed-size field, and runs of one byte value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../guest/answer_checks.h"

/* RFC 6979 A.2.5's P-256 signature of "sample": both integers need a leading
 * zero, so it has the largest size, 72 bytes. */
static const uint8_t largest[] = {
	0x30, 0x46, 0x02, 0x21, 0x00,
	0xef, 0xd4, 0x8b, 0x2a, 0xac, 0xb6, 0xa8, 0xfd, 0x11, 0x40, 0xdd, 0x9c, 0xd4, 0x5e,
	0x81, 0xd6, 0x9d, 0x2c, 0x87, 0x7b, 0x56, 0xaa, 0xf9, 0x91, 0xc3, 0x4d, 0x0e, 0xa8,
	0x4e, 0xaf, 0x37, 0x16,
	0x02, 0x21, 0x00,
	0xf7, 0xcb, 0x1c, 0x94, 0x2d, 0x65, 0x7c, 0x41, 0xd4, 0x36, 0xc7, 0xa1, 0xb6, 0xe2,
	0x9f, 0x65, 0xf3, 0xe9, 0x00, 0xdb, 0xb9, 0xaf, 0xf4, 0x06, 0x4d, 0xc4, 0xab, 0x2f,
	0x84, 0x3a, 0xcd, 0xa8,
};
static const uint8_t smallest[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02 };

static uint8_t field[SBX_SIGNATURE_MAX];

static const char *check(const uint8_t *der, uint32_t size)
{
	memset(field, 0, sizeof(field));
	memcpy(field, der, size);
	return signature_problem(size, field);
}

static void test_well_formed_signatures(void **state)
{
	(void)state;
	assert_null(check(largest, sizeof(largest)));
	assert_null(check(smallest, sizeof(smallest)));
}

static void test_sizes_out_of_range(void **state)
{
	(void)state;
	assert_non_null(check(smallest, 0));
	assert_non_null(check(smallest, 7));
	memset(field, 0, sizeof(field));
	assert_non_null(signature_problem(SBX_SIGNATURE_MAX + 1, field));
}

static void test_wrong_shapes(void **state)
{
	uint8_t der[sizeof(largest)];

	(void)state;
	memcpy(der, largest, sizeof(der));
	der[0] = 0x31;                            /* a SET */
	assert_non_null(check(der, sizeof(der)));

	memcpy(der, largest, sizeof(der));
	der[1] = 0x45;                            /* a SEQUENCE one byte short */
	assert_non_null(check(der, sizeof(der)));

	memcpy(der, largest, sizeof(der));
	der[2] = 0x04;                            /* r an OCTET STRING */
	assert_non_null(check(der, sizeof(der)));

	memcpy(der, largest, sizeof(der));
	der[3] = 0x22;                            /* r 34 bytes, longer than a scalar */
	assert_non_null(check(der, sizeof(der)));

	memcpy(der, largest, sizeof(der));
	der[38] = 0x20;                           /* s one byte short: a byte left over */
	assert_non_null(check(der, sizeof(der)));

	memcpy(der, largest, sizeof(der));
	der[38] = 0x00;                           /* s empty */
	assert_non_null(check(der, sizeof(der)));
}

/* Nothing may hide in the field after the signature. */
static void test_bytes_after_the_signature(void **state)
{
	(void)state;
	memset(field, 0, sizeof(field));
	memcpy(field, smallest, sizeof(smallest));
	field[SBX_SIGNATURE_MAX - 1] = 1;
	assert_non_null(signature_problem(sizeof(smallest), field));
}

static void test_bytes_all(void **state)
{
	const uint8_t zeros[4] = { 0 }, mixed[4] = { 0, 0, 1, 0 };

	(void)state;
	assert_true(bytes_all(zeros, sizeof(zeros), 0));
	assert_false(bytes_all(zeros, sizeof(zeros), 0xff));
	assert_false(bytes_all(mixed, sizeof(mixed), 0));
	assert_true(bytes_all(mixed, 2, 0));
	assert_true(bytes_all(mixed, 0, 0xff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed_signatures),
		cmocka_unit_test(test_sizes_out_of_range),
		cmocka_unit_test(test_wrong_shapes),
		cmocka_unit_test(test_bytes_after_the_signature),
		cmocka_unit_test(test_bytes_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
