/* Unit tests for the securebox's request framing and its VERSION and ECHO services
 * (test_securebox_services covers the crypto services). Every request is copied
 * into a heap block of exactly its size and every response goes into a block of
 * exactly SBX_MESSAGE_MAX bytes, so AddressSanitizer reports any read or write
 * beyond what the securebox was given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbx/boot_info.h"
#include "sbx/hypercall.h"
#include "sbx/service.h"
#include "service.h"

#define HEADER_SIZE sizeof(struct sbx_service_header)
#define PAYLOAD_MAX (SBX_MESSAGE_MAX - HEADER_SIZE)
#define CANARY 0xa5

static uint8_t message[SBX_MESSAGE_MAX + 64];   /* room for oversized requests */
static uint8_t *response;
static struct sbx_service_header response_header;
static size_t response_size;
/* Framing does not depend on the services' state: a context without a seed, a
 * root secret or measurements will do. */
static struct service_context context;

static int setup(void **state)
{
	struct sbx_securebox_boot_info boot_info = { 0 };

	(void)state;
	service_context_init(&context, &boot_info);
	service_context_bind(&context, &boot_info);
	response = malloc(SBX_MESSAGE_MAX);
	return response ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(response);
	service_context_free(&context);
	return 0;
}

/* Writes a request header into `message`, with a payload of `length` bytes that
 * differ from one another (so that a shifted or truncated echo shows). */
static void build(uint32_t version, uint32_t service, uint32_t length, int32_t status,
		  size_t payload_bytes)
{
	struct sbx_service_header header = {
		.version = version, .service = service, .length = length, .status = status,
	};
	size_t i;

	memcpy(message, &header, HEADER_SIZE);
	for (i = 0; i < payload_bytes; i++)
		message[HEADER_SIZE + i] = (uint8_t)(i * 7 + 1);
}

/* Hands the first `size` bytes of `message` to the securebox, starting `offset`
 * bytes into a fresh block (requests need not be aligned). */
static void call_at(size_t size, size_t offset)
{
	uint8_t *request = malloc(offset + size);
	size_t i;

	assert_non_null(request);
	memcpy(request + offset, message, size);
	memset(response, CANARY, SBX_MESSAGE_MAX);
	response_size = service_handle(&context, request + offset, size, response);
	free(request);

	assert_in_range(response_size, HEADER_SIZE, SBX_MESSAGE_MAX);
	memcpy(&response_header, response, HEADER_SIZE);
	assert_int_equal(response_header.length, response_size - HEADER_SIZE);
	/* Nothing past the response is written. */
	for (i = response_size; i < SBX_MESSAGE_MAX; i++)
		assert_int_equal(response[i], CANARY);
}

static void call(size_t size)
{
	call_at(size, 0);
}

static void expect_error(int32_t status, uint32_t version, uint32_t service)
{
	assert_int_equal(response_size, HEADER_SIZE);
	assert_int_equal(response_header.status, status);
	assert_int_equal(response_header.version, version);
	assert_int_equal(response_header.service, service);
	assert_int_equal(response_header.length, 0);
}

static void expect_ok(uint32_t service, size_t payload_size)
{
	assert_int_equal(response_header.status, SBX_SERVICE_OK);
	assert_int_equal(response_header.version, SBX_SERVICE_PROTOCOL_VERSION);
	assert_int_equal(response_header.service, service);
	assert_int_equal(response_size, HEADER_SIZE + payload_size);
}

static void test_version(void **state)
{
	struct sbx_version_response version;

	(void)state;
	build(SBX_SERVICE_PROTOCOL_VERSION, SBX_SERVICE_VERSION, 0, 0, 0);
	call(HEADER_SIZE);
	expect_ok(SBX_SERVICE_VERSION, sizeof(version));
	memcpy(&version, response + HEADER_SIZE, sizeof(version));
	assert_int_equal(version.securebox_version, SBX_SECUREBOX_VERSION);
	assert_int_equal(version.protocol_version, SBX_SERVICE_PROTOCOL_VERSION);
}

static void test_version_with_payload_is_malformed(void **state)
{
	(void)state;
	build(SBX_SERVICE_PROTOCOL_VERSION, SBX_SERVICE_VERSION, 1, 0, 1);
	call(HEADER_SIZE + 1);
	expect_error(SBX_SERVICE_E_MALFORMED, SBX_SERVICE_PROTOCOL_VERSION, SBX_SERVICE_VERSION);
}

static void test_echo_every_size(void **state)
{
	size_t length;

	(void)state;
	for (length = 0; length <= PAYLOAD_MAX; length++) {
		build(SBX_SERVICE_PROTOCOL_VERSION, SBX_SERVICE_ECHO, (uint32_t)length, 0, length);
		call(HEADER_SIZE + length);
		expect_ok(SBX_SERVICE_ECHO, length);
		assert_memory_equal(response + HEADER_SIZE, message + HEADER_SIZE, length);
	}
}

static void test_unaligned_request(void **state)
{
	size_t offset;

	(void)state;
	build(SBX_SERVICE_PROTOCOL_VERSION, SBX_SERVICE_ECHO, 5, 0, 5);
	for (offset = 1; offset < 8; offset++) {
		call_at(HEADER_SIZE + 5, offset);
		expect_ok(SBX_SERVICE_ECHO, 5);
		assert_memory_equal(response + HEADER_SIZE, message + HEADER_SIZE, 5);
	}
}

/* A request cut short anywhere is malformed. Until the header is complete the
 * response cannot say which version or service was meant. */
static void test_truncated_at_every_length(void **state)
{
	const size_t payload = 40;
	const uint32_t services[] = { SBX_SERVICE_VERSION, SBX_SERVICE_ECHO };
	size_t size, i;

	(void)state;
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		build(SBX_SERVICE_PROTOCOL_VERSION, services[i], payload, 0, payload);
		for (size = 0; size < HEADER_SIZE + payload; size++) {
			call(size);
			if (size < HEADER_SIZE)
				expect_error(SBX_SERVICE_E_MALFORMED, 0, 0);
			else
				expect_error(SBX_SERVICE_E_MALFORMED,
					     SBX_SERVICE_PROTOCOL_VERSION, services[i]);
		}
	}
}

/* Length fields that claim more than was delivered, including ones that would
 * overflow a careless size computation. */
static void test_length_larger_than_request(void **state)
{
	const uint32_t lengths[] = { 1, 2, 100, PAYLOAD_MAX, PAYLOAD_MAX + 1, SBX_MESSAGE_MAX,
				     UINT32_MAX - HEADER_SIZE + 1, UINT32_MAX - 1, UINT32_MAX };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		build(SBX_SERVICE_PROTOCOL_VERSION, SBX_SERVICE_ECHO, lengths[i], 0, 0);
		call(HEADER_SIZE);
		expect_error(SBX_SERVICE_E_MALFORMED, SBX_SERVICE_PROTOCOL_VERSION,
			     SBX_SERVICE_ECHO);
	}
}

static void test_length_smaller_than_request(void **state)
{
	uint32_t length;

	(void)state;
	for (length = 0; length < 10; length++) {
		build(SBX_SERVICE_PROTOCOL_VERSION, SBX_SERVICE_ECHO, length, 0, 10);
		call(HEADER_SIZE + 10);
		expect_error(SBX_SERVICE_E_MALFORMED, SBX_SERVICE_PROTOCOL_VERSION,
			     SBX_SERVICE_ECHO);
	}
}

/* More than one message's worth is malformed even when the length field agrees:
 * no response could carry its echo. */
static void test_request_larger_than_message_max(void **state)
{
	size_t size;

	(void)state;
	for (size = SBX_MESSAGE_MAX + 1; size <= sizeof(message); size++) {
		build(SBX_SERVICE_PROTOCOL_VERSION, SBX_SERVICE_ECHO,
		      (uint32_t)(size - HEADER_SIZE), 0, size - HEADER_SIZE);
		call(size);
		expect_error(SBX_SERVICE_E_MALFORMED, SBX_SERVICE_PROTOCOL_VERSION,
			     SBX_SERVICE_ECHO);
	}
}

/* The version is checked before the framing: a caller speaking another version
 * learns that, whatever else is wrong with its message. */
static void test_unsupported_version(void **state)
{
	const uint32_t versions[] = { 0, SBX_SERVICE_PROTOCOL_VERSION + 1, UINT32_MAX };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		build(versions[i], SBX_SERVICE_ECHO, 3, 0, 3);
		call(HEADER_SIZE + 3);
		expect_error(SBX_SERVICE_E_VERSION, versions[i], SBX_SERVICE_ECHO);

		build(versions[i], 77, 1000, -5, 0);
		call(HEADER_SIZE);
		expect_error(SBX_SERVICE_E_VERSION, versions[i], 77);
	}
}

static void test_request_with_status_is_malformed(void **state)
{
	const int32_t statuses[] = { 1, -1, SBX_SERVICE_E_UNKNOWN, INT32_MIN, INT32_MAX };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		build(SBX_SERVICE_PROTOCOL_VERSION, SBX_SERVICE_VERSION, 0, statuses[i], 0);
		call(HEADER_SIZE);
		expect_error(SBX_SERVICE_E_MALFORMED, SBX_SERVICE_PROTOCOL_VERSION,
			     SBX_SERVICE_VERSION);
	}
}

static void test_unknown_service(void **state)
{
	const uint32_t services[] = { 0, SBX_SERVICE_UNSEAL + 1, 0x100, UINT32_MAX };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		build(SBX_SERVICE_PROTOCOL_VERSION, services[i], 2, 0, 2);
		call(HEADER_SIZE + 2);
		expect_error(SBX_SERVICE_E_UNKNOWN, SBX_SERVICE_PROTOCOL_VERSION, services[i]);
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_with_payload_is_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_every_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_at_every_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_length_larger_than_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_length_smaller_than_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_larger_than_message_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_with_status_is_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_service, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
