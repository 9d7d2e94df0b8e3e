/* Unit tests for the securebox's crypto services: REPORT, the key vault and sealing,
 * run through service_handle as the securebox runs them, on contexts set up from
 * boot information made here (a fixed seed, a root secret, fake measurements) with
 * no hypervisor. Signatures are checked with mbedTLS's own verification, against
 * the exact hashes a verifier would rebuild. Every request is handed over in a heap
 * block of exactly its size, and every response must leave the rest of its buffer
 * untouched, so AddressSanitizer and the canary catch any access out of bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "context.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/hkdf.h"
#include "mbedtls/md.h"
#include "mbedtls/sha256.h"
#include "sbx/boot_info.h"
#include "sbx/hypercall.h"
#include "sbx/service.h"
#include "service.h"

#define HEADER_SIZE sizeof(struct sbx_service_header)
#define SEALED_HEADER_SIZE sizeof(struct sbx_sealed_header)
#define CANARY 0xa5
#define SEED_SIZE 48

/* What one boot looks like to the securebox. `variant` changes the boot ID, so two
 * boots differ in their handles; the digests and root secret stay the same. */
static void make_boot_info(struct sbx_securebox_boot_info *boot_info, uint8_t variant)
{
	memset(boot_info, 0, sizeof(*boot_info));
	boot_info->magic = SBX_SECUREBOX_BOOT_MAGIC;
	boot_info->version = SBX_SECUREBOX_BOOT_INFO_VERSION;
	boot_info->seed_size = SEED_SIZE;
	for (size_t i = 0; i < SEED_SIZE; i++)
		boot_info->seed[i] = (uint8_t)(i * 37 + 11);
	boot_info->root_secret_kind = SBX_ROOT_SECRET_PER_BOOT;
	for (size_t i = 0; i < SBX_ROOT_SECRET_SIZE; i++)
		boot_info->root_secret[i] = (uint8_t)(i * 13 + 200);
	for (size_t c = 0; c < SBX_MEASURED_COUNT; c++)
		for (size_t i = 0; i < SBX_DIGEST_SIZE; i++)
			boot_info->measurements.component_digests[c][i] = (uint8_t)(c * 40 + i);
	for (size_t p = 0; p < 3; p++)
		for (size_t i = 0; i < SBX_DIGEST_SIZE; i++)
			boot_info->measurements.pcrs[p][i] = (uint8_t)(0x80 + p * 32 + i);
	for (size_t i = 0; i < sizeof(boot_info->measurements.boot_id); i++)
		boot_info->measurements.boot_id[i] = (uint8_t)(variant * 17 + i + 1);
}

/* What the securebox does at start, without the hypercall between the steps. */
static void start(struct service_context *context, struct sbx_securebox_boot_info *boot_info)
{
	service_context_init(context, boot_info);
	service_context_bind(context, boot_info);
}

static struct service_context context;
static struct sbx_securebox_boot_info boot_info;   /* as it was before start() wiped it */
static uint8_t *response;
static size_t response_size;
static struct sbx_service_header response_header;

static int setup(void **state)
{
	struct sbx_securebox_boot_info scratch;

	(void)state;
	make_boot_info(&boot_info, 1);
	scratch = boot_info;
	start(&context, &scratch);
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

/* Sends `service` with `length` payload bytes to `target`, from a block of exactly
 * the request's size at `offset` bytes into its allocation; checks the response's
 * framing and returns its status. */
static int32_t call_at(struct service_context *target, uint32_t service, const void *payload,
		       size_t length, size_t offset)
{
	struct sbx_service_header header = {
		.version = SBX_SERVICE_PROTOCOL_VERSION, .service = service,
		.length = (uint32_t)length,
	};
	uint8_t *request = malloc(offset + HEADER_SIZE + length);

	assert_non_null(request);
	memcpy(request + offset, &header, HEADER_SIZE);
	memcpy(request + offset + HEADER_SIZE, payload, length);
	memset(response, CANARY, SBX_MESSAGE_MAX);
	response_size = service_handle(target, request + offset, HEADER_SIZE + length, response);
	free(request);

	assert_in_range(response_size, HEADER_SIZE, SBX_MESSAGE_MAX);
	memcpy(&response_header, response, HEADER_SIZE);
	assert_int_equal(response_header.version, SBX_SERVICE_PROTOCOL_VERSION);
	assert_int_equal(response_header.service, service);
	assert_int_equal(response_header.length, response_size - HEADER_SIZE);
	if (response_header.status != SBX_SERVICE_OK)
		assert_int_equal(response_size, HEADER_SIZE);
	for (size_t i = response_size; i < SBX_MESSAGE_MAX; i++)
		assert_int_equal(response[i], CANARY);
	return response_header.status;
}

static int32_t call_on(struct service_context *target, uint32_t service, const void *payload,
		       size_t length)
{
	return call_at(target, service, payload, length, 0);
}

static int32_t call(uint32_t service, const void *payload, size_t length)
{
	return call_on(&context, service, payload, length);
}

/* Copies an OK response's payload, which must be exactly `size` bytes, out. */
static void take_payload(void *destination, size_t size)
{
	assert_int_equal(response_header.status, SBX_SERVICE_OK);
	assert_int_equal(response_size, HEADER_SIZE + size);
	memcpy(destination, response + HEADER_SIZE, size);
}

/* mbedTLS's verdict on a DER signature over `hash` by `public_key`. */
static bool signature_valid(const uint8_t public_key[SBX_PUBLIC_KEY_SIZE],
			    const uint8_t hash[SBX_DIGEST_SIZE], const uint8_t *der, size_t size)
{
	mbedtls_ecdsa_context ecdsa;
	bool valid;

	mbedtls_ecdsa_init(&ecdsa);
	assert_int_equal(mbedtls_ecp_group_load(&ecdsa.grp, MBEDTLS_ECP_DP_SECP256R1), 0);
	assert_int_equal(mbedtls_ecp_point_read_binary(&ecdsa.grp, &ecdsa.Q, public_key,
						       SBX_PUBLIC_KEY_SIZE), 0);
	valid = mbedtls_ecdsa_read_signature(&ecdsa, hash, SBX_DIGEST_SIZE, der, size) == 0;
	mbedtls_ecdsa_free(&ecdsa);
	return valid;
}

static void sha256(const void *data, size_t size, uint8_t digest[SBX_DIGEST_SIZE])
{
	assert_int_equal(mbedtls_sha256_ret(data, size, digest, 0), 0);
}

static bool all_zero(const void *data, size_t size)
{
	const uint8_t *bytes = data;

	for (size_t i = 0; i < size; i++)
		if (bytes[i])
			return false;
	return true;
}

/* --- start-up -------------------------------------------------------------------- */

static void test_start_wipes_seed_and_root_secret(void **state)
{
	struct sbx_securebox_boot_info scratch;
	struct service_context other;

	(void)state;
	make_boot_info(&scratch, 2);
	start(&other, &scratch);
	assert_true(all_zero(scratch.seed, sizeof(scratch.seed)));
	assert_true(all_zero(scratch.root_secret, sizeof(scratch.root_secret)));
	assert_int_equal(other.identity.status, SBX_SERVICE_OK);
	assert_int_equal(other.identity.key.public_key[0], 0x04);
	service_context_free(&other);
}

/* --- REPORT ------------------------------------------------------------------------ */

static void make_report_request(struct sbx_report_request *request, uint8_t salt)
{
	for (size_t i = 0; i < SBX_NONCE_SIZE; i++)
		request->nonce[i] = (uint8_t)(salt + i);
	for (size_t i = 0; i < SBX_USER_DATA_SIZE; i++)
		request->user_data[i] = (uint8_t)(salt * 3 + i * 5);
}

static void test_report_states_the_context_and_verifies(void **state)
{
	const struct sbx_securebox_measurements *measured = &boot_info.measurements;
	struct sbx_report_request request;
	struct sbx_report report;
	uint8_t digest[SBX_DIGEST_SIZE];

	(void)state;
	make_report_request(&request, 9);
	assert_int_equal(call(SBX_SERVICE_REPORT, &request, sizeof(request)), SBX_SERVICE_OK);
	take_payload(&report, sizeof(report));

	assert_int_equal(report.body.magic, SBX_REPORT_MAGIC);
	assert_int_equal(report.body.version, SBX_REPORT_VERSION);
	assert_int_equal(report.body.flags, measured->flags);
	assert_int_equal(report.body.reserved, 0);
	assert_memory_equal(report.body.nonce, request.nonce, SBX_NONCE_SIZE);
	assert_memory_equal(report.body.user_data, request.user_data, SBX_USER_DATA_SIZE);
	assert_memory_equal(report.body.component_digests, measured->component_digests,
			    sizeof(report.body.component_digests));
	assert_memory_equal(report.body.pcrs, measured->pcrs, sizeof(report.body.pcrs));
	assert_memory_equal(report.body.policy_digest,
			    measured->component_digests[SBX_MEASURED_POLICY], SBX_DIGEST_SIZE);
	assert_memory_equal(report.body.boot_id, measured->boot_id, sizeof(report.body.boot_id));
	assert_memory_equal(report.body.identity_public_key, context.identity.key.public_key,
			    SBX_PUBLIC_KEY_SIZE);
	assert_true(all_zero(report.body.padding, sizeof(report.body.padding)));

	assert_in_range(report.signature_size, 8, SBX_SIGNATURE_MAX);
	assert_true(all_zero(report.signature + report.signature_size,
			     SBX_SIGNATURE_MAX - report.signature_size));
	sha256(&report.body, sizeof(report.body), digest);
	assert_true(signature_valid(report.body.identity_public_key, digest, report.signature,
				    report.signature_size));
	/* A changed nonce must not verify under the old signature. */
	report.body.nonce[0] ^= 1;
	sha256(&report.body, sizeof(report.body), digest);
	assert_false(signature_valid(report.body.identity_public_key, digest, report.signature,
				     report.signature_size));
}

/* Deterministic ECDSA: the same body is signed the same way every time. */
static void test_report_signature_is_deterministic(void **state)
{
	struct sbx_report_request request;
	struct sbx_report first, second;

	(void)state;
	make_report_request(&request, 1);
	assert_int_equal(call(SBX_SERVICE_REPORT, &request, sizeof(request)), SBX_SERVICE_OK);
	take_payload(&first, sizeof(first));
	assert_int_equal(call(SBX_SERVICE_REPORT, &request, sizeof(request)), SBX_SERVICE_OK);
	take_payload(&second, sizeof(second));
	assert_memory_equal(&first, &second, sizeof(first));
}

static void test_report_carries_flags(void **state)
{
	struct sbx_securebox_boot_info scratch;
	struct service_context unmeasured;
	struct sbx_report_request request = { 0 };
	struct sbx_report report;

	(void)state;
	make_boot_info(&scratch, 1);
	scratch.measurements.flags = SBX_REPORT_FLAG_UNMEASURED;
	start(&unmeasured, &scratch);
	assert_int_equal(call_on(&unmeasured, SBX_SERVICE_REPORT, &request, sizeof(request)),
			 SBX_SERVICE_OK);
	take_payload(&report, sizeof(report));
	assert_int_equal(report.body.flags, SBX_REPORT_FLAG_UNMEASURED);
	service_context_free(&unmeasured);
}

/* --- key vault ----------------------------------------------------------------------- */

static struct sbx_key_public_response create_key(uint32_t usage, uint8_t label_salt)
{
	struct sbx_key_create_request request = { .usage = usage };
	struct sbx_key_public_response created;

	for (size_t i = 0; i < SBX_KEY_LABEL_SIZE; i++)
		request.label[i] = (uint8_t)(label_salt + i);
	assert_int_equal(call(SBX_SERVICE_KEY_CREATE, &request, sizeof(request)),
			 SBX_SERVICE_OK);
	take_payload(&created, sizeof(created));
	assert_int_equal(created.usage, usage);
	assert_memory_equal(created.label, request.label, SBX_KEY_LABEL_SIZE);
	assert_int_equal(created.public_key[0], 0x04);
	assert_true(all_zero(created.padding, sizeof(created.padding)));
	return created;
}

/* SHA-256(SBX_KEY_SIGN_DOMAIN || usage (LE) || label || digest), built independently
 * of the securebox's code, as attest/ must. */
static void bound_hash(uint32_t usage, const uint8_t label[SBX_KEY_LABEL_SIZE],
		       const uint8_t digest[SBX_DIGEST_SIZE], uint8_t hash[SBX_DIGEST_SIZE])
{
	uint8_t message[20 + 4 + SBX_KEY_LABEL_SIZE + SBX_DIGEST_SIZE];

	memcpy(message, "sbx key signature v1", 20);
	message[20] = (uint8_t)usage;
	message[21] = (uint8_t)(usage >> 8);
	message[22] = (uint8_t)(usage >> 16);
	message[23] = (uint8_t)(usage >> 24);
	memcpy(message + 24, label, SBX_KEY_LABEL_SIZE);
	memcpy(message + 24 + SBX_KEY_LABEL_SIZE, digest, SBX_DIGEST_SIZE);
	sha256(message, sizeof(message), hash);
}

static struct sbx_key_sign_request sign_request(uint32_t handle, uint32_t usage)
{
	struct sbx_key_sign_request request = { .handle = handle, .usage = usage };

	for (size_t i = 0; i < SBX_DIGEST_SIZE; i++)
		request.digest[i] = (uint8_t)(0xd0 ^ i);
	return request;
}

static void test_key_create_sign_public_round_trip(void **state)
{
	struct sbx_key_public_response created, looked_up;
	struct sbx_key_public_request lookup;
	struct sbx_key_sign_request request;
	struct sbx_signature signature, again;
	uint8_t hash[SBX_DIGEST_SIZE];

	(void)state;
	created = create_key(SBX_KEY_USAGE_DOCUMENT, 0x30);
	assert_int_equal(created.handle & 0xffff, 1);

	lookup.handle = created.handle;
	assert_int_equal(call(SBX_SERVICE_KEY_PUBLIC, &lookup, sizeof(lookup)), SBX_SERVICE_OK);
	take_payload(&looked_up, sizeof(looked_up));
	assert_memory_equal(&looked_up, &created, sizeof(created));

	request = sign_request(created.handle, SBX_KEY_USAGE_DOCUMENT);
	assert_int_equal(call(SBX_SERVICE_KEY_SIGN, &request, sizeof(request)), SBX_SERVICE_OK);
	take_payload(&signature, sizeof(signature));
	assert_in_range(signature.size, 8, SBX_SIGNATURE_MAX);
	assert_true(all_zero(signature.der + signature.size, SBX_SIGNATURE_MAX - signature.size));

	bound_hash(SBX_KEY_USAGE_DOCUMENT, created.label, request.digest, hash);
	assert_true(signature_valid(created.public_key, hash, signature.der, signature.size));
	/* Never over the caller's digest as it stands: no general signing oracle. */
	assert_false(signature_valid(created.public_key, request.digest, signature.der,
				     signature.size));
	/* Nor under another usage or label. */
	bound_hash(SBX_KEY_USAGE_AUTHENTICATION, created.label, request.digest, hash);
	assert_false(signature_valid(created.public_key, hash, signature.der, signature.size));

	assert_int_equal(call(SBX_SERVICE_KEY_SIGN, &request, sizeof(request)), SBX_SERVICE_OK);
	take_payload(&again, sizeof(again));
	assert_memory_equal(&again, &signature, sizeof(signature));
}

static void test_requests_at_any_alignment(void **state)
{
	struct sbx_key_public_response created = create_key(SBX_KEY_USAGE_AUTHENTICATION, 1);
	struct sbx_key_sign_request request = sign_request(created.handle,
							   SBX_KEY_USAGE_AUTHENTICATION);
	struct sbx_signature signature;
	uint8_t hash[SBX_DIGEST_SIZE];

	(void)state;
	bound_hash(SBX_KEY_USAGE_AUTHENTICATION, created.label, request.digest, hash);
	for (size_t offset = 1; offset < 8; offset++) {
		assert_int_equal(call_at(&context, SBX_SERVICE_KEY_SIGN, &request,
					 sizeof(request), offset), SBX_SERVICE_OK);
		take_payload(&signature, sizeof(signature));
		assert_true(signature_valid(created.public_key, hash, signature.der,
					    signature.size));
	}
}

static void test_key_sign_with_other_usage(void **state)
{
	struct sbx_key_public_response created = create_key(SBX_KEY_USAGE_AUTHENTICATION, 2);
	struct sbx_key_sign_request request = sign_request(created.handle,
							   SBX_KEY_USAGE_DOCUMENT);

	(void)state;
	assert_int_equal(call(SBX_SERVICE_KEY_SIGN, &request, sizeof(request)),
			 SBX_SERVICE_E_USAGE);
}

static void test_key_handles_that_name_no_key(void **state)
{
	struct sbx_key_public_response created = create_key(SBX_KEY_USAGE_DOCUMENT, 3);
	uint32_t tag = created.handle & 0xffff0000u;
	const uint32_t handles[] = {
		0, 1, 2, tag, tag | 2, tag | SBX_KEY_SLOTS, tag | (SBX_KEY_SLOTS + 1),
		tag | 0xffff, created.handle ^ 0x10000, created.handle ^ 0x80000000u,
		(created.handle & 0xffff) | 0xffff0000u, UINT32_MAX,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(handles) / sizeof(handles[0]); i++) {
		struct sbx_key_sign_request sign = sign_request(handles[i], SBX_KEY_USAGE_DOCUMENT);
		struct sbx_key_public_request lookup = { .handle = handles[i] };

		if (handles[i] == created.handle)
			continue;
		assert_int_equal(call(SBX_SERVICE_KEY_SIGN, &sign, sizeof(sign)),
				 SBX_SERVICE_E_HANDLE);
		assert_int_equal(call(SBX_SERVICE_KEY_PUBLIC, &lookup, sizeof(lookup)),
				 SBX_SERVICE_E_HANDLE);
	}
}

/* A handle kept from an earlier boot names nothing in this one, even where the
 * same slot is in use again. */
static void test_key_handle_from_another_boot(void **state)
{
	struct sbx_key_public_response created = create_key(SBX_KEY_USAGE_DOCUMENT, 4);
	struct sbx_securebox_boot_info scratch;
	struct service_context next_boot;
	struct sbx_key_create_request create = { .usage = SBX_KEY_USAGE_DOCUMENT };
	struct sbx_key_sign_request sign = sign_request(created.handle, SBX_KEY_USAGE_DOCUMENT);
	struct sbx_key_public_request lookup = { .handle = created.handle };
	struct sbx_key_public_response recreated;

	(void)state;
	make_boot_info(&scratch, 2);
	start(&next_boot, &scratch);
	assert_int_equal(call_on(&next_boot, SBX_SERVICE_KEY_CREATE, &create, sizeof(create)),
			 SBX_SERVICE_OK);
	take_payload(&recreated, sizeof(recreated));
	assert_int_equal(recreated.handle & 0xffff, created.handle & 0xffff);
	assert_int_not_equal(recreated.handle, created.handle);

	assert_int_equal(call_on(&next_boot, SBX_SERVICE_KEY_SIGN, &sign, sizeof(sign)),
			 SBX_SERVICE_E_HANDLE);
	assert_int_equal(call_on(&next_boot, SBX_SERVICE_KEY_PUBLIC, &lookup, sizeof(lookup)),
			 SBX_SERVICE_E_HANDLE);
	service_context_free(&next_boot);
}

static void test_key_slots_run_out(void **state)
{
	struct sbx_key_create_request request = { .usage = SBX_KEY_USAGE_AUTHENTICATION };
	uint32_t handles[SBX_KEY_SLOTS];

	(void)state;
	for (size_t i = 0; i < SBX_KEY_SLOTS; i++) {
		handles[i] = create_key(SBX_KEY_USAGE_AUTHENTICATION, (uint8_t)i).handle;
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(handles[i], handles[j]);
	}
	assert_int_equal(call(SBX_SERVICE_KEY_CREATE, &request, sizeof(request)),
			 SBX_SERVICE_E_NO_SLOTS);
	/* The keys made before still work. */
	for (size_t i = 0; i < SBX_KEY_SLOTS; i++) {
		struct sbx_key_sign_request sign = sign_request(handles[i],
								SBX_KEY_USAGE_AUTHENTICATION);

		assert_int_equal(call(SBX_SERVICE_KEY_SIGN, &sign, sizeof(sign)), SBX_SERVICE_OK);
	}
}

static void test_key_unknown_usage(void **state)
{
	const uint32_t usages[] = { 0, 3, 0x100, 0x80000001u, UINT32_MAX };
	struct sbx_key_public_response created = create_key(SBX_KEY_USAGE_DOCUMENT, 5);

	(void)state;
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		struct sbx_key_create_request create = { .usage = usages[i] };
		struct sbx_key_sign_request sign = sign_request(created.handle, usages[i]);

		assert_int_equal(call(SBX_SERVICE_KEY_CREATE, &create, sizeof(create)),
				 SBX_SERVICE_E_MALFORMED);
		assert_int_equal(call(SBX_SERVICE_KEY_SIGN, &sign, sizeof(sign)),
				 SBX_SERVICE_E_MALFORMED);
	}
	/* None of them took a slot. */
	assert_int_equal(create_key(SBX_KEY_USAGE_DOCUMENT, 6).handle & 0xffff, 2);
}

/* --- sealing ------------------------------------------------------------------------ */

static void fill(uint8_t *data, size_t size, uint8_t salt)
{
	for (size_t i = 0; i < size; i++)
		data[i] = (uint8_t)(salt + i * 7);
}

/* Seals `size` bytes; returns the blob's size. */
static size_t seal(struct service_context *target, const uint8_t *data, size_t size,
		   uint8_t *blob)
{
	struct sbx_sealed_header header;

	assert_int_equal(call_on(target, SBX_SERVICE_SEAL, data, size), SBX_SERVICE_OK);
	assert_int_equal(response_size, HEADER_SIZE + SEALED_HEADER_SIZE + size);
	memcpy(blob, response + HEADER_SIZE, SEALED_HEADER_SIZE + size);
	memcpy(&header, blob, sizeof(header));
	assert_int_equal(header.magic, SBX_SEAL_MAGIC);
	assert_int_equal(header.version, SBX_SEAL_VERSION);
	assert_int_equal(header.data_size, size);
	return SEALED_HEADER_SIZE + size;
}

static void test_seal_unseal_round_trip(void **state)
{
	const size_t sizes[] = { 1, 2, 15, 16, 17, 100, 1000, SBX_SEAL_MAX - 1, SBX_SEAL_MAX };
	static uint8_t data[SBX_SEAL_MAX], blob[SEALED_HEADER_SIZE + SBX_SEAL_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t blob_size;

		fill(data, sizes[i], (uint8_t)i);
		blob_size = seal(&context, data, sizes[i], blob);
		/* The plaintext does not appear as it stands. */
		if (sizes[i] >= 16)
			assert_memory_not_equal(blob + SEALED_HEADER_SIZE, data, sizes[i]);
		assert_int_equal(call(SBX_SERVICE_UNSEAL, blob, blob_size), SBX_SERVICE_OK);
		assert_int_equal(response_size, HEADER_SIZE + sizes[i]);
		assert_memory_equal(response + HEADER_SIZE, data, sizes[i]);
	}
}

static void test_seal_uses_fresh_ivs(void **state)
{
	uint8_t data[32], first[SEALED_HEADER_SIZE + 32], second[SEALED_HEADER_SIZE + 32];
	struct sbx_sealed_header a, b;

	(void)state;
	fill(data, sizeof(data), 3);
	seal(&context, data, sizeof(data), first);
	seal(&context, data, sizeof(data), second);
	memcpy(&a, first, sizeof(a));
	memcpy(&b, second, sizeof(b));
	assert_memory_not_equal(a.iv, b.iv, sizeof(a.iv));
	assert_memory_not_equal(first + SEALED_HEADER_SIZE, second + SEALED_HEADER_SIZE,
				sizeof(data));
}

/* Every single-bit change anywhere in a blob, header included, is caught. */
static void test_unseal_any_bit_flip(void **state)
{
	uint8_t data[37], blob[SEALED_HEADER_SIZE + sizeof(data)];
	size_t blob_size;

	(void)state;
	fill(data, sizeof(data), 4);
	blob_size = seal(&context, data, sizeof(data), blob);
	for (size_t bit = 0; bit < blob_size * 8; bit++) {
		blob[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(call(SBX_SERVICE_UNSEAL, blob, blob_size), SBX_SERVICE_E_INTEGRITY);
		blob[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_int_equal(call(SBX_SERVICE_UNSEAL, blob, blob_size), SBX_SERVICE_OK);
}

/* A blob cut short or extended, with its data_size left as it was. */
static void test_unseal_wrong_length(void **state)
{
	uint8_t data[40], blob[SEALED_HEADER_SIZE + sizeof(data) + 1];
	size_t blob_size;

	(void)state;
	fill(data, sizeof(data), 5);
	blob_size = seal(&context, data, sizeof(data), blob);
	blob[blob_size] = 0;
	assert_int_equal(call(SBX_SERVICE_UNSEAL, blob, blob_size - 1), SBX_SERVICE_E_INTEGRITY);
	assert_int_equal(call(SBX_SERVICE_UNSEAL, blob, blob_size + 1), SBX_SERVICE_E_INTEGRITY);
}

static void expect_unseal_fails_under(struct sbx_securebox_boot_info *other_boot,
				      const uint8_t *blob, size_t blob_size)
{
	struct service_context other;

	start(&other, other_boot);
	assert_int_equal(call_on(&other, SBX_SERVICE_UNSEAL, blob, blob_size),
			 SBX_SERVICE_E_INTEGRITY);
	service_context_free(&other);
}

static void test_unseal_under_other_measurements(void **state)
{
	uint8_t data[64], blob[SEALED_HEADER_SIZE + sizeof(data)];
	struct sbx_securebox_boot_info other_boot;
	struct service_context same;
	size_t blob_size;

	(void)state;
	fill(data, sizeof(data), 6);
	blob_size = seal(&context, data, sizeof(data), blob);

	for (size_t component = 0; component < SBX_MEASURED_COUNT; component++) {
		make_boot_info(&other_boot, 1);
		other_boot.measurements.component_digests[component][31] ^= 0x01;
		expect_unseal_fails_under(&other_boot, blob, blob_size);
	}
	make_boot_info(&other_boot, 1);
	other_boot.root_secret[0] ^= 0x80;
	expect_unseal_fails_under(&other_boot, blob, blob_size);

	/* The same root secret and measurements in another boot open it: what a
	 * TPM-derived root secret makes of sealing. */
	make_boot_info(&other_boot, 7);
	other_boot.root_secret_kind = SBX_ROOT_SECRET_TPM;
	start(&same, &other_boot);
	assert_int_equal(call_on(&same, SBX_SERVICE_UNSEAL, blob, blob_size), SBX_SERVICE_OK);
	assert_memory_equal(response + HEADER_SIZE, data, sizeof(data));
	service_context_free(&same);
}

/* A header the securebox would never write is an integrity failure, like any
 * other change. */
static void test_unseal_bad_header_fields(void **state)
{
	uint8_t data[20], blob[SEALED_HEADER_SIZE + sizeof(data)];
	struct sbx_sealed_header header, changed;
	size_t blob_size;

	(void)state;
	fill(data, sizeof(data), 7);
	blob_size = seal(&context, data, sizeof(data), blob);
	memcpy(&header, blob, sizeof(header));

	const uint32_t values[] = { 0, 1, 2, 19, 21, SBX_SEAL_MAX, SBX_SEAL_MAX + 1, UINT32_MAX };
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		changed = header;
		changed.magic = values[i];
		memcpy(blob, &changed, sizeof(changed));
		assert_int_equal(call(SBX_SERVICE_UNSEAL, blob, blob_size), SBX_SERVICE_E_INTEGRITY);
		changed = header;
		changed.version = values[i];
		memcpy(blob, &changed, sizeof(changed));
		assert_int_equal(call(SBX_SERVICE_UNSEAL, blob, blob_size),
				 values[i] == SBX_SEAL_VERSION ? SBX_SERVICE_OK :
								  SBX_SERVICE_E_INTEGRITY);
		changed = header;
		changed.data_size = values[i];
		memcpy(blob, &changed, sizeof(changed));
		assert_int_equal(call(SBX_SERVICE_UNSEAL, blob, blob_size), SBX_SERVICE_E_INTEGRITY);
	}
}

/* --- no entropy, no root secret ----------------------------------------------------- */

static void expect_no_entropy(struct service_context *target)
{
	struct sbx_report_request report = { 0 };
	struct sbx_key_create_request create = { .usage = SBX_KEY_USAGE_DOCUMENT };
	uint8_t data[8] = { 1 };

	assert_int_equal(target->identity.status, SBX_SERVICE_E_NO_ENTROPY);
	assert_true(all_zero(target->identity.key.public_key, SBX_PUBLIC_KEY_SIZE));
	assert_int_equal(call_on(target, SBX_SERVICE_REPORT, &report, sizeof(report)),
			 SBX_SERVICE_E_NO_ENTROPY);
	assert_int_equal(call_on(target, SBX_SERVICE_KEY_CREATE, &create, sizeof(create)),
			 SBX_SERVICE_E_NO_ENTROPY);
	assert_int_equal(call_on(target, SBX_SERVICE_SEAL, data, sizeof(data)),
			 SBX_SERVICE_E_NO_ENTROPY);
}

/* No seed, a seed too short to carry 256 bits, a size beyond the field: each means
 * no entropy, never a DRBG seeded from whatever was there. */
static void test_without_a_seed(void **state)
{
	const uint32_t sizes[] = { 0, 1, 16, 31, SBX_SEED_MAX + 1, UINT32_MAX };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct sbx_securebox_boot_info scratch;
		struct service_context unseeded;

		make_boot_info(&scratch, 3);
		scratch.seed_size = sizes[i];
		start(&unseeded, &scratch);
		assert_true(all_zero(scratch.seed, sizeof(scratch.seed)));
		expect_no_entropy(&unseeded);
		service_context_free(&unseeded);
	}
}

static void test_without_a_root_secret(void **state)
{
	const uint32_t kinds[] = { SBX_ROOT_SECRET_NONE, 3, UINT32_MAX };
	uint8_t data[8] = { 1 }, blob[SEALED_HEADER_SIZE + sizeof(data)];
	size_t blob_size;

	(void)state;
	blob_size = seal(&context, data, sizeof(data), blob);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct sbx_securebox_boot_info scratch;
		struct service_context unsealing;

		make_boot_info(&scratch, 1);
		scratch.root_secret_kind = kinds[i];
		start(&unsealing, &scratch);
		assert_true(all_zero(scratch.root_secret, sizeof(scratch.root_secret)));
		assert_int_equal(call_on(&unsealing, SBX_SERVICE_SEAL, data, sizeof(data)),
				 SBX_SERVICE_E_NO_ENTROPY);
		assert_int_equal(call_on(&unsealing, SBX_SERVICE_UNSEAL, blob, blob_size),
				 SBX_SERVICE_E_NO_ENTROPY);
		service_context_free(&unsealing);
	}
}

/* --- malformed requests ------------------------------------------------------------- */

/* Fixed-size requests one byte short, one byte long, empty, and far too long, all
 * malformed; so are SEAL and UNSEAL payloads that cannot be data or a blob. */
static void test_malformed_sizes(void **state)
{
	static const struct {
		uint32_t service;
		size_t size;
	} fixed[] = {
		{ SBX_SERVICE_REPORT, sizeof(struct sbx_report_request) },
		{ SBX_SERVICE_KEY_CREATE, sizeof(struct sbx_key_create_request) },
		{ SBX_SERVICE_KEY_SIGN, sizeof(struct sbx_key_sign_request) },
		{ SBX_SERVICE_KEY_PUBLIC, sizeof(struct sbx_key_public_request) },
	};
	static uint8_t payload[SBX_MESSAGE_MAX];
	struct sbx_key_public_response created = create_key(SBX_KEY_USAGE_DOCUMENT, 8);
	struct sbx_key_sign_request sign = sign_request(created.handle, SBX_KEY_USAGE_DOCUMENT);

	(void)state;
	/* A valid request's bytes, so only the size is wrong. */
	memcpy(payload, &sign, sizeof(sign));
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		const size_t sizes[] = { 0, 1, fixed[i].size - 1, fixed[i].size + 1,
					 2 * fixed[i].size, SBX_MESSAGE_MAX - HEADER_SIZE };

		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
			assert_int_equal(call(fixed[i].service, payload, sizes[j]),
					 SBX_SERVICE_E_MALFORMED);
	}
	assert_int_equal(call(SBX_SERVICE_SEAL, payload, 0), SBX_SERVICE_E_MALFORMED);
	assert_int_equal(call(SBX_SERVICE_SEAL, payload, SBX_SEAL_MAX + 1), SBX_SERVICE_E_MALFORMED);
	assert_int_equal(call(SBX_SERVICE_SEAL, payload, SBX_MESSAGE_MAX - HEADER_SIZE),
			 SBX_SERVICE_E_MALFORMED);
	for (size_t size = 0; size <= SEALED_HEADER_SIZE; size++)
		assert_int_equal(call(SBX_SERVICE_UNSEAL, payload, size), SBX_SERVICE_E_MALFORMED);
	assert_int_equal(call(SBX_SERVICE_UNSEAL, payload, SEALED_HEADER_SIZE + SBX_SEAL_MAX + 1),
			 SBX_SERVICE_E_MALFORMED);
}

/* The request header's status field is reserved (zero) in requests. */
static void test_nonzero_request_status(void **state)
{
	const uint32_t services[] = { SBX_SERVICE_REPORT, SBX_SERVICE_KEY_CREATE,
				      SBX_SERVICE_KEY_SIGN, SBX_SERVICE_KEY_PUBLIC,
				      SBX_SERVICE_SEAL, SBX_SERVICE_UNSEAL };
	struct sbx_report_request report = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		struct sbx_service_header header = {
			.version = SBX_SERVICE_PROTOCOL_VERSION, .service = services[i],
			.length = sizeof(report), .status = 1,
		};
		uint8_t request[HEADER_SIZE + sizeof(report)];
		struct sbx_service_header reply;

		memcpy(request, &header, HEADER_SIZE);
		memcpy(request + HEADER_SIZE, &report, sizeof(report));
		response_size = service_handle(&context, request, sizeof(request), response);
		assert_int_equal(response_size, HEADER_SIZE);
		memcpy(&reply, response, HEADER_SIZE);
		assert_int_equal(reply.status, SBX_SERVICE_E_MALFORMED);
		assert_int_equal(reply.service, services[i]);
	}
}

/* --- secrets stay inside --------------------------------------------------------------- */

struct secret {
	uint8_t bytes[32];
};

/* No 8-byte run of any secret appears in `data`. */
static void expect_no_secret(const uint8_t *data, size_t size, const struct secret *secrets,
			     size_t count)
{
	for (size_t s = 0; s < count; s++)
		for (size_t start = 0; start + 8 <= sizeof(secrets[s].bytes); start++)
			for (size_t i = 0; i + 8 <= size; i++)
				assert_memory_not_equal(data + i, secrets[s].bytes + start, 8);
}

static void private_key_of(const struct signing_key *key, struct secret *secret)
{
	assert_int_equal(mbedtls_mpi_write_binary(&key->pair.d, secret->bytes,
						  sizeof(secret->bytes)), 0);
	assert_false(all_zero(secret->bytes, sizeof(secret->bytes)));
}

static void test_no_secret_in_any_response(void **state)
{
	struct secret secrets[4];
	struct sbx_report_request report;
	struct sbx_key_public_response created;
	struct sbx_key_public_request lookup;
	struct sbx_key_sign_request sign;
	uint8_t data[SBX_SEAL_MAX], blob[SEALED_HEADER_SIZE + SBX_SEAL_MAX];
	size_t blob_size;
	static uint8_t transcript[16 * SBX_MESSAGE_MAX];
	size_t transcript_size = 0;

	(void)state;
	make_report_request(&report, 2);
	created = create_key(SBX_KEY_USAGE_AUTHENTICATION, 9);
	memcpy(transcript + transcript_size, response, response_size);
	transcript_size += response_size;
	lookup.handle = created.handle;
	sign = sign_request(created.handle, SBX_KEY_USAGE_AUTHENTICATION);
	fill(data, sizeof(data), 10);

	assert_int_equal(call(SBX_SERVICE_REPORT, &report, sizeof(report)), SBX_SERVICE_OK);
	memcpy(transcript + transcript_size, response, response_size);
	transcript_size += response_size;
	assert_int_equal(call(SBX_SERVICE_KEY_PUBLIC, &lookup, sizeof(lookup)), SBX_SERVICE_OK);
	memcpy(transcript + transcript_size, response, response_size);
	transcript_size += response_size;
	assert_int_equal(call(SBX_SERVICE_KEY_SIGN, &sign, sizeof(sign)), SBX_SERVICE_OK);
	memcpy(transcript + transcript_size, response, response_size);
	transcript_size += response_size;
	blob_size = seal(&context, data, sizeof(data), blob);
	memcpy(transcript + transcript_size, response, response_size);
	transcript_size += response_size;
	assert_int_equal(call(SBX_SERVICE_UNSEAL, blob, blob_size), SBX_SERVICE_OK);
	/* The unsealed data is the caller's own; leave it out of the scan. */
	memcpy(transcript + transcript_size, response, HEADER_SIZE);
	transcript_size += HEADER_SIZE;

	private_key_of(&context.identity.key, &secrets[0]);
	private_key_of(&context.vault.slots[0].key, &secrets[1]);
	memcpy(secrets[2].bytes, boot_info.root_secret, sizeof(secrets[2].bytes));
	assert_int_equal(mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
				      (const unsigned char *)"sbx seal v1", 11,
				      boot_info.root_secret, SBX_ROOT_SECRET_SIZE,
				      &boot_info.measurements.component_digests[0][0],
				      SBX_MEASURED_COUNT * SBX_DIGEST_SIZE, secrets[3].bytes,
				      sizeof(secrets[3].bytes)), 0);
	expect_no_secret(transcript, transcript_size, secrets, 4);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_wipes_seed_and_root_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_states_the_context_and_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_signature_is_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_carries_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_create_sign_public_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests_at_any_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_sign_with_other_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_handles_that_name_no_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_handle_from_another_boot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_slots_run_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_unknown_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seal_unseal_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seal_uses_fresh_ivs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unseal_any_bit_flip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unseal_wrong_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unseal_under_other_measurements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unseal_bad_header_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_a_seed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_a_root_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonzero_request_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_secret_in_any_response, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
