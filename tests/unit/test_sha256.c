/* SHA-256 as the hypervisor builds it (Debian's mbedTLS source, sbx's config),
 * against the FIPS 180-4 / NIST CAVP vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sha256.h"

static void check(const void *data, size_t length, const char *expected_hex)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[2 * SHA256_DIGEST_SIZE + 1];

	assert_int_equal(sha256(data, length, digest), 0);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
	assert_string_equal(hex, expected_hex);
}

static void empty_message(void **state)
{
	(void)state;
	check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void abc(void **state)
{
	(void)state;
	check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void two_block_message(void **state)
{
	const char *message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	check(message, strlen(message),
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void one_million_a(void **state)
{
	size_t length = 1000000;
	char *message = malloc(length);

	(void)state;
	memset(message, 'a', length);
	check(message, length, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(message);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_message),
		cmocka_unit_test(abc),
		cmocka_unit_test(two_block_message),
		cmocka_unit_test(one_million_a),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
