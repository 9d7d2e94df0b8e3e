/* Unit tests for the test guest's malformed request corpus: it is large, each case
 * is deterministic and in range, every family and service ID is covered, payloads
 * are cut at every length below each service's request size, and no case is a
 * well-formed request by the ABI (checked by a validator written here from
 * <sbx/service.h>, independently of the corpus). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbx/service.h"
#include "../guest/malformed_corpus.h"
#include "../guest/securebox_client.h"

#define HEADER_SIZE sizeof(struct sbx_service_header)
#define SEALED_HEADER_SIZE sizeof(struct sbx_sealed_header)
#define ERROR_BITS 0x3feu   /* SBX_SERVICE_E_MALFORMED (-1) to SBX_SERVICE_E_CRYPTO (-9) */

static struct corpus_case first, second;

static bool usage_defined(uint32_t usage)
{
	return usage == SBX_KEY_USAGE_AUTHENTICATION || usage == SBX_KEY_USAGE_DOCUMENT;
}

static uint32_t read32(const uint8_t *bytes)
{
	uint32_t value;

	memcpy(&value, bytes, sizeof(value));
	return value;
}

/* Whether a payload of `size` bytes is one `service` could accept. */
static bool payload_well_formed(uint32_t service, const uint8_t *payload, size_t size)
{
	switch (service) {
	case SBX_SERVICE_VERSION:
		return size == 0;
	case SBX_SERVICE_ECHO:
		return true;
	case SBX_SERVICE_REPORT:
		return size == sizeof(struct sbx_report_request);
	case SBX_SERVICE_KEY_CREATE:
		return size == sizeof(struct sbx_key_create_request) &&
		       usage_defined(read32(payload + offsetof(struct sbx_key_create_request, usage)));
	case SBX_SERVICE_KEY_SIGN:
		return size == sizeof(struct sbx_key_sign_request) &&
		       usage_defined(read32(payload + offsetof(struct sbx_key_sign_request, usage)));
	case SBX_SERVICE_KEY_PUBLIC:
		return size == sizeof(struct sbx_key_public_request);
	case SBX_SERVICE_SEAL:
		return size >= 1 && size <= SBX_SEAL_MAX;
	case SBX_SERVICE_UNSEAL:
		return size > SEALED_HEADER_SIZE && size <= SEALED_HEADER_SIZE + SBX_SEAL_MAX &&
		       read32(payload + offsetof(struct sbx_sealed_header, magic)) == SBX_SEAL_MAGIC &&
		       read32(payload + offsetof(struct sbx_sealed_header, version)) ==
			       SBX_SEAL_VERSION &&
		       read32(payload + offsetof(struct sbx_sealed_header, data_size)) ==
			       size - SEALED_HEADER_SIZE;
	}
	return false;
}

static bool request_well_formed(const struct corpus_case *request)
{
	struct sbx_service_header header;

	if (request->size < HEADER_SIZE)
		return false;
	memcpy(&header, request->bytes, sizeof(header));
	return header.version == SBX_SERVICE_PROTOCOL_VERSION && header.status == 0 &&
	       header.length == request->size - HEADER_SIZE &&
	       payload_well_formed(header.service, request->bytes + HEADER_SIZE, header.length);
}

static void test_corpus_is_large(void **state)
{
	(void)state;
	assert_true(corpus_size() >= 1000);
}

static void test_cases_are_in_range(void **state)
{
	uint32_t count = corpus_size();

	(void)state;
	for (uint32_t i = 0; i < count; i++) {
		corpus_case(i, &first);
		assert_non_null(first.defect);
		assert_true(first.service < CORPUS_SERVICE_IDS);
		assert_true(first.size >= 1 && first.size <= SBX_MESSAGE_MAX);
		assert_int_not_equal(first.refusals, 0);
		assert_int_equal(first.refusals & ~ERROR_BITS, 0);
		/* The hypervisor may refuse exactly what it cannot pass on. */
		if (first.size < HEADER_SIZE)
			assert_int_equal(first.hypervisor_refusal, SBX_E_INVALID_ARGUMENT);
		else if (first.service >= SBX_SERVICE_VERSION && first.service <= SBX_SERVICE_UNSEAL)
			assert_int_equal(first.hypervisor_refusal, SBX_OK);
		else
			assert_int_equal(first.hypervisor_refusal, SBX_E_DENIED);
	}
}

static void test_cases_are_deterministic(void **state)
{
	uint32_t count = corpus_size();

	(void)state;
	for (uint32_t i = 0; i < count; i++) {
		corpus_case(i, &first);
		memset(&second, 0xff, sizeof(second));
		corpus_case(i, &second);
		assert_int_equal(first.size, second.size);
		assert_ptr_equal(first.defect, second.defect);
		assert_memory_equal(first.bytes, second.bytes, first.size);
	}
}

static void test_no_case_is_well_formed(void **state)
{
	uint32_t count = corpus_size();

	(void)state;
	for (uint32_t i = 0; i < count; i++) {
		corpus_case(i, &first);
		if (request_well_formed(&first))
			fail_msg("case %u (%s, service %u, %u bytes) is a well-formed request", i,
				 first.defect, first.service, first.size);
	}
}

/* Every service ID has cases of every family that applies to all of them. */
static void test_every_service_id_is_covered(void **state)
{
	static const char *const every_id[] = { "short header", "bad version", "non-zero status",
						 "length off by one", "random bytes" };
	uint32_t count = corpus_size();
	bool seen[CORPUS_SERVICE_IDS][5] = { { false } };

	(void)state;
	for (uint32_t i = 0; i < count; i++) {
		corpus_case(i, &first);
		for (unsigned f = 0; f < 5; f++)
			if (!strcmp(first.defect, every_id[f]))
				seen[first.service][f] = true;
	}
	for (uint32_t service = 0; service < CORPUS_SERVICE_IDS; service++)
		for (unsigned f = 0; f < 5; f++)
			if (!seen[service][f])
				fail_msg("service %u has no %s case", service, every_id[f]);
}

/* A payload cut at every length below the request's size, header consistent. */
static void test_truncations_are_complete(void **state)
{
	static const struct {
		uint32_t service;
		uint32_t size;
	} fixed[] = {
		{ SBX_SERVICE_REPORT, sizeof(struct sbx_report_request) },
		{ SBX_SERVICE_KEY_CREATE, sizeof(struct sbx_key_create_request) },
		{ SBX_SERVICE_KEY_SIGN, sizeof(struct sbx_key_sign_request) },
		{ SBX_SERVICE_KEY_PUBLIC, sizeof(struct sbx_key_public_request) },
		{ SBX_SERVICE_UNSEAL, SEALED_HEADER_SIZE + 1 },
	};
	uint32_t count = corpus_size();

	(void)state;
	for (unsigned s = 0; s < sizeof(fixed) / sizeof(fixed[0]); s++) {
		bool seen[SBX_MESSAGE_MAX] = { false };

		for (uint32_t i = 0; i < count; i++) {
			corpus_case(i, &first);
			if (first.service == fixed[s].service &&
			    !strcmp(first.defect, "truncated payload"))
				seen[first.size - HEADER_SIZE] = true;
		}
		for (uint32_t length = 0; length < fixed[s].size; length++)
			if (!seen[length])
				fail_msg("service %u has no %u-byte truncation", fixed[s].service,
					 length);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_is_large),
		cmocka_unit_test(test_cases_are_in_range),
		cmocka_unit_test(test_cases_are_deterministic),
		cmocka_unit_test(test_no_case_is_well_formed),
		cmocka_unit_test(test_every_service_id_is_covered),
		cmocka_unit_test(test_truncations_are_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
