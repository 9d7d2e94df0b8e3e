/* Unit tests for the report and key signature verifier. Reports are built and signed
 * here as the securebox would, with a P-256 key made by mbedTLS from a fixed seed, so
 * every run signs the same bytes. Each report is handed over in a heap block of
 * exactly its size, so AddressSanitizer reports any read past it. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */
#include "mbedtls/ctr_drbg.h"

#include <endian.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_verify.h"

#define GOOD_REPORT_CHECKS 23   /* every check, with every reference value given */

static mbedtls_ctr_drbg_context drbg;
static mbedtls_ecp_keypair key;
static uint8_t public_key[SBX_PUBLIC_KEY_SIZE];
static struct sbx_report report;
static struct report_expectations expected;
static uint8_t component_values[SBX_MEASURED_COUNT][2][SBX_DIGEST_SIZE];
static struct report_verdict verdict;

/* The test's only entropy: the same bytes every run. */
static int fixed_entropy(void *context, unsigned char *out, size_t size)
{
	(void)context;
	for (size_t i = 0; i < size; i++)
		out[i] = (uint8_t)(i * 31 + 7);
	return 0;
}

static int drbg_seed(void)
{
	static const unsigned char personalization[] = "sbx report verifier test";

	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_ctr_drbg_init(&drbg);
	return mbedtls_ctr_drbg_seed(&drbg, fixed_entropy, NULL, personalization,
				     sizeof(personalization) - 1);
}

static int group_setup(void **state)
{
	size_t size;

	(void)state;
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_ecp_keypair_init(&key);
	if (drbg_seed() ||
	    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, &key, mbedtls_ctr_drbg_random, &drbg) ||
	    mbedtls_ecp_point_write_binary(&key.grp, &key.Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &size,
					   public_key, sizeof(public_key)))
		return -1;
	return size == sizeof(public_key) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	mbedtls_ecp_keypair_free(&key);
	mbedtls_ctr_drbg_free(&drbg);
	return 0;
}

/* ECDSA with the test key over a ready hash; returns the DER size. */
static uint32_t sign_hash(const uint8_t hash[SBX_DIGEST_SIZE], uint8_t der[SBX_SIGNATURE_MAX])
{
	uint8_t signature[MBEDTLS_ECDSA_MAX_LEN];
	size_t size;

	assert_int_equal(mbedtls_ecdsa_write_signature(&key, MBEDTLS_MD_SHA256, hash,
						       SBX_DIGEST_SIZE, signature, &size,
						       mbedtls_ctr_drbg_random, &drbg), 0);
	assert_in_range(size, 8, SBX_SIGNATURE_MAX);
	memcpy(der, signature, size);
	return (uint32_t)size;
}

/* Signs the body as the securebox does: SHA-256 of its bytes. */
static void report_sign(void)
{
	uint8_t hash[SBX_DIGEST_SIZE];

	assert_int_equal(mbedtls_sha256_ret((const uint8_t *)&report.body, sizeof(report.body),
					    hash, 0), 0);
	memset(report.signature, 0, sizeof(report.signature));
	report.signature_size = htole32(sign_hash(hash, report.signature));
}

static void fill(uint8_t *bytes, size_t size, uint8_t first)
{
	for (size_t i = 0; i < size; i++)
		bytes[i] = (uint8_t)(first + i);
}

/* A good, signed report, and expectations that it meets in every respect. */
static int setup(void **state)
{
	struct sbx_report_body *body = &report.body;

	(void)state;
	memset(&report, 0, sizeof(report));
	body->magic = htole32(SBX_REPORT_MAGIC);
	body->version = htole32(SBX_REPORT_VERSION);
	fill(body->nonce, sizeof(body->nonce), 0x10);
	fill(body->user_data, sizeof(body->user_data), 0x20);
	for (size_t i = 0; i < SBX_MEASURED_COUNT; i++)
		fill(body->component_digests[i], SBX_DIGEST_SIZE, (uint8_t)(0x40 + 0x10 * i));
	for (size_t i = 0; i < REPORT_PCR_COUNT; i++)
		fill(body->pcrs[i], SBX_DIGEST_SIZE, (uint8_t)(0xa0 + 0x10 * i));
	fill(body->policy_digest, sizeof(body->policy_digest), 0x50);
	fill(body->boot_id, sizeof(body->boot_id), 0xe0);
	memcpy(body->identity_public_key, public_key, sizeof(public_key));
	if (drbg_seed())
		return -1;
	report_sign();

	memset(&expected, 0, sizeof(expected));
	memcpy(expected.nonce, body->nonce, SBX_NONCE_SIZE);
	expected.check_user_data = true;
	memcpy(expected.user_data, body->user_data, SBX_USER_DATA_SIZE);
	expected.check_identity_key_digest = true;
	if (mbedtls_sha256_ret(public_key, sizeof(public_key), expected.identity_key_digest, 0))
		return -1;
	for (size_t i = 0; i < SBX_MEASURED_COUNT; i++) {
		memcpy(component_values[i][0], body->component_digests[i], SBX_DIGEST_SIZE);
		expected.components[i] = (struct allowed_digests){ component_values[i], 1 };
	}
	for (size_t i = 0; i < REPORT_PCR_COUNT; i++) {
		expected.check_pcr[i] = true;
		memcpy(expected.pcrs[i], body->pcrs[i], SBX_DIGEST_SIZE);
	}
	return 0;
}

/* Verifies `size` bytes (the report, then zeros) at the end of a block, `offset`
 * bytes in. */
static int verify_at(size_t size, size_t offset)
{
	const size_t block_size = offset + size ? offset + size : 1;
	uint8_t *block = calloc(1, block_size);
	int status;

	assert_non_null(block);
	memcpy(block + offset, &report, size < sizeof(report) ? size : sizeof(report));
	status = report_verify(block + offset, size, &expected, &verdict);
	free(block);
	assert_int_equal(status, verdict.status);
	return status;
}

static int verify(void)
{
	return verify_at(sizeof(report), 0);
}

static const char *first_failure(void)
{
	for (size_t i = 0; i < verdict.check_count; i++)
		if (!verdict.checks[i].ok)
			return verdict.checks[i].name;
	return NULL;
}

static bool check_failed(const char *name)
{
	for (size_t i = 0; i < verdict.check_count; i++)
		if (!strcmp(verdict.checks[i].name, name))
			return !verdict.checks[i].ok;
	return false;
}

/* The report is rejected with `status`, first by `check`, and the reason says so. */
static void assert_rejected(int status, const char *check)
{
	assert_int_equal(verify(), status);
	assert_non_null(first_failure());
	assert_string_equal(first_failure(), check);
	assert_int_equal(strncmp(verdict.reason, check, strlen(check)), 0);
	assert_int_equal(verdict.reason[strlen(check)], ':');
}

static void assert_trusted(void)
{
	assert_int_equal(verify(), VERIFY_TRUSTED);
	assert_null(first_failure());
	assert_string_equal(verdict.reason, "");
}

/* --- what a good report passes ------------------------------------------------------ */

static void test_good_report_is_trusted(void **state)
{
	(void)state;
	assert_trusted();
	assert_int_equal(verdict.check_count, GOOD_REPORT_CHECKS);
	assert_string_equal(verdict.checks[0].name, "report_size");
	assert_string_equal(verdict.checks[GOOD_REPORT_CHECKS - 1].name, "unmeasured");
}

static void test_unaligned_payload_is_trusted(void **state)
{
	(void)state;
	assert_int_equal(verify_at(sizeof(report), 1), VERIFY_TRUSTED);
}

static void test_optional_references_may_be_left_out(void **state)
{
	(void)state;
	expected.check_user_data = false;
	expected.check_identity_key_digest = false;
	memset(expected.components, 0, sizeof(expected.components));
	memset(expected.check_pcr, 0, sizeof(expected.check_pcr));
	fill(report.body.user_data, SBX_USER_DATA_SIZE, 0x77);
	report_sign();
	assert_trusted();
	assert_int_equal(verdict.check_count, GOOD_REPORT_CHECKS - 11);
}

/* --- reference mismatches: authentic, but not what was expected --------------------- */

static void test_wrong_nonce_is_untrusted(void **state)
{
	(void)state;
	expected.nonce[SBX_NONCE_SIZE - 1] ^= 1;
	assert_rejected(VERIFY_UNTRUSTED, "nonce");
}

static void test_wrong_user_data_is_untrusted(void **state)
{
	(void)state;
	expected.user_data[0] ^= 0x80;
	assert_rejected(VERIFY_UNTRUSTED, "user_data");
}

static void test_wrong_identity_key_digest_is_untrusted(void **state)
{
	(void)state;
	expected.identity_key_digest[7] ^= 4;
	assert_rejected(VERIFY_UNTRUSTED, "identity_key_digest");
}

static void test_either_allowed_component_digest_passes(void **state)
{
	uint8_t *kernel = report.body.component_digests[SBX_MEASURED_KERNEL];

	(void)state;
	fill(component_values[SBX_MEASURED_KERNEL][1], SBX_DIGEST_SIZE, 0x99);
	expected.components[SBX_MEASURED_KERNEL].count = 2;
	assert_trusted();

	/* The report now carries the second value: an updated kernel. */
	memcpy(kernel, component_values[SBX_MEASURED_KERNEL][1], SBX_DIGEST_SIZE);
	report_sign();
	assert_trusted();

	/* And neither. */
	kernel[31] ^= 1;
	report_sign();
	assert_rejected(VERIFY_UNTRUSTED, "component.kernel");
}

static void test_wrong_component_digest_is_untrusted(void **state)
{
	(void)state;
	component_values[SBX_MEASURED_CMDLINE][0][0] ^= 1;
	assert_rejected(VERIFY_UNTRUSTED, "component.cmdline");
}

static void test_wrong_pcr_is_untrusted(void **state)
{
	(void)state;
	expected.pcrs[1][16] ^= 2;
	assert_rejected(VERIFY_UNTRUSTED, "pcr.18");
}

static void test_every_mismatch_is_listed(void **state)
{
	(void)state;
	expected.nonce[0] ^= 1;
	expected.pcrs[2][0] ^= 1;
	assert_rejected(VERIFY_UNTRUSTED, "nonce");
	assert_true(check_failed("pcr.19"));
	assert_false(check_failed("pcr.17"));
	assert_int_equal(verdict.check_count, GOOD_REPORT_CHECKS);
}

static void test_unmeasured_is_rejected_unless_allowed(void **state)
{
	(void)state;
	report.body.flags = htole32(SBX_REPORT_FLAG_UNMEASURED);
	report_sign();
	assert_rejected(VERIFY_UNTRUSTED, "unmeasured");
	expected.allow_unmeasured = true;
	assert_trusted();
}

/* --- tampering: the signature no longer verifies ------------------------------------ */

static void test_flipped_body_bit_fails_the_signature(void **state)
{
	(void)state;
	report.body.boot_id[3] ^= 0x10;
	assert_rejected(VERIFY_CRYPTO_FAILURE, "signature");
}

static void test_flipped_signature_bit_fails_the_signature(void **state)
{
	(void)state;
	report.signature[le32toh(report.signature_size) - 1] ^= 1;
	assert_rejected(VERIFY_CRYPTO_FAILURE, "signature");
}

static void test_signature_by_another_key_fails(void **state)
{
	uint8_t *y = report.body.identity_public_key + 1 + SBX_DIGEST_SIZE;
	mbedtls_mpi negated_y;

	(void)state;
	/* (x, p - y) is on the curve too, but it is another key than the signer's. */
	mbedtls_mpi_init(&negated_y);
	assert_int_equal(mbedtls_mpi_sub_mpi(&negated_y, &key.grp.P, &key.Q.Y), 0);
	assert_int_equal(mbedtls_mpi_write_binary(&negated_y, y, SBX_DIGEST_SIZE), 0);
	mbedtls_mpi_free(&negated_y);
	report_sign();
	assert_rejected(VERIFY_CRYPTO_FAILURE, "signature");
}

/* --- malformed evidence ------------------------------------------------------------- */

static void test_wrong_report_sizes_are_malformed(void **state)
{
	static const size_t sizes[] = { 0, 1, sizeof(report) - 1, sizeof(report) + 1,
					sizeof(report.body) };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(verify_at(sizes[i], 0), VERIFY_MALFORMED);
		assert_string_equal(first_failure(), "report_size");
		assert_int_equal(verdict.check_count, 1);
	}
}

static void test_signature_size_out_of_bounds_is_malformed(void **state)
{
	static const uint32_t sizes[] = { 0, SBX_SIGNATURE_MAX + 1, UINT32_MAX };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		report.signature_size = htole32(sizes[i]);
		assert_rejected(VERIFY_MALFORMED, "signature_size");
	}
}

static void test_signature_size_off_by_one_is_malformed(void **state)
{
	const uint32_t size = le32toh(report.signature_size);

	(void)state;
	report.signature_size = htole32(size + 1);   /* a trailing zero byte */
	assert_rejected(VERIFY_MALFORMED, "signature_encoding");
	report.signature_size = htole32(size - 1);   /* truncated DER */
	assert_rejected(VERIFY_MALFORMED, "signature_encoding");
}

/* The same r and s, encoded in ways DER forbids but a lax parser takes. */
static void test_non_canonical_der_is_malformed(void **state)
{
	const uint32_t size = le32toh(report.signature_size);
	uint8_t good[SBX_SIGNATURE_MAX], *der = report.signature;
	size_t r_size, s_offset;

	(void)state;
	assert_in_range(size, 8, SBX_SIGNATURE_MAX - 2);
	memcpy(good, report.signature, sizeof(good));
	r_size = good[3];
	s_offset = 4 + r_size + 2;

	/* A long-form SEQUENCE length. */
	der[1] = 0x81;
	memcpy(der + 2, good + 1, size - 1);
	report.signature_size = htole32(size + 1);
	assert_rejected(VERIFY_MALFORMED, "signature_encoding");

	/* A needless leading zero on s. */
	memcpy(der, good, s_offset - 1);
	der[1] = (uint8_t)(good[1] + 1);
	der[s_offset - 1] = (uint8_t)(good[s_offset - 1] + 1);
	der[s_offset] = 0;
	memcpy(der + s_offset + 1, good + s_offset, size - s_offset);
	assert_rejected(VERIFY_MALFORMED, "signature_encoding");
}

static void test_uncompressed_prefix_is_required(void **state)
{
	(void)state;
	report.body.identity_public_key[0] = 0x02;
	report_sign();
	assert_rejected(VERIFY_MALFORMED, "identity_key_encoding");
}

static void test_public_key_off_the_curve_is_rejected(void **state)
{
	(void)state;
	report.body.identity_public_key[SBX_PUBLIC_KEY_SIZE - 1] ^= 1;
	report_sign();
	assert_rejected(VERIFY_CRYPTO_FAILURE, "identity_key_on_curve");
}

/* Each field is re-signed, so that only the field's own check can catch it. */
static void test_bad_magic_is_malformed(void **state)
{
	(void)state;
	report.body.magic = htole32(SBX_REPORT_MAGIC + 1);
	report_sign();
	assert_rejected(VERIFY_MALFORMED, "magic");
}

static void test_bad_version_is_malformed(void **state)
{
	(void)state;
	report.body.version = htole32(SBX_REPORT_VERSION + 1);
	report_sign();
	assert_rejected(VERIFY_MALFORMED, "version");
}

static void test_nonzero_reserved_is_malformed(void **state)
{
	(void)state;
	report.body.reserved = htole32(1u << 31);
	report_sign();
	assert_rejected(VERIFY_MALFORMED, "reserved");
}

static void test_nonzero_padding_is_malformed(void **state)
{
	(void)state;
	report.body.padding[2] = 1;
	report_sign();
	assert_rejected(VERIFY_MALFORMED, "reserved");
}

static void test_unknown_flag_is_malformed(void **state)
{
	(void)state;
	report.body.flags = htole32(SBX_REPORT_FLAG_UNMEASURED << 1);
	report_sign();
	assert_rejected(VERIFY_MALFORMED, "flags");
	expected.allow_unmeasured = true;
	assert_rejected(VERIFY_MALFORMED, "flags");
}

/* --- key vault signatures ----------------------------------------------------------- */

static const uint8_t label[SBX_KEY_LABEL_SIZE] = "ssh login for alice";
static const uint8_t digest[SBX_DIGEST_SIZE] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 };

/* SHA-256(domain || usage LE32 || label || digest), built here in one piece, apart
 * from the verifier's incremental hashing. */
static void key_sign_hash(uint32_t usage, uint8_t hash[SBX_DIGEST_SIZE])
{
	uint8_t message[20 + 4 + SBX_KEY_LABEL_SIZE + SBX_DIGEST_SIZE];
	const uint32_t usage_le = htole32(usage);

	memcpy(message, SBX_KEY_SIGN_DOMAIN, 20);
	memcpy(message + 20, &usage_le, 4);
	memcpy(message + 24, label, SBX_KEY_LABEL_SIZE);
	memcpy(message + 24 + SBX_KEY_LABEL_SIZE, digest, SBX_DIGEST_SIZE);
	assert_int_equal(mbedtls_sha256_ret(message, sizeof(message), hash, 0), 0);
}

static void test_key_signature_over_the_domain_hash_verifies(void **state)
{
	const uint32_t usage = SBX_KEY_USAGE_AUTHENTICATION;
	uint8_t hash[SBX_DIGEST_SIZE], der[SBX_SIGNATURE_MAX], other_label[SBX_KEY_LABEL_SIZE];
	uint8_t other_digest[SBX_DIGEST_SIZE];
	uint32_t size;

	(void)state;
	key_sign_hash(usage, hash);
	size = sign_hash(hash, der);
	assert_int_equal(key_signature_verify(public_key, usage, label, digest, der, size),
			 VERIFY_TRUSTED);

	assert_int_equal(key_signature_verify(public_key, SBX_KEY_USAGE_DOCUMENT, label, digest,
					      der, size), VERIFY_CRYPTO_FAILURE);
	memcpy(other_label, label, sizeof(other_label));
	other_label[31] ^= 1;
	assert_int_equal(key_signature_verify(public_key, usage, other_label, digest, der, size),
			 VERIFY_CRYPTO_FAILURE);
	memcpy(other_digest, digest, sizeof(other_digest));
	other_digest[0] ^= 1;
	assert_int_equal(key_signature_verify(public_key, usage, label, other_digest, der, size),
			 VERIFY_CRYPTO_FAILURE);
}

static void test_key_signature_over_the_raw_digest_fails(void **state)
{
	uint8_t der[SBX_SIGNATURE_MAX];
	uint32_t size;

	(void)state;
	size = sign_hash(digest, der);
	assert_int_equal(key_signature_verify(public_key, SBX_KEY_USAGE_DOCUMENT, label, digest,
					      der, size), VERIFY_CRYPTO_FAILURE);
}

static void test_malformed_key_signatures(void **state)
{
	uint8_t hash[SBX_DIGEST_SIZE], der[SBX_SIGNATURE_MAX + 1] = { 0 };
	uint8_t key_copy[SBX_PUBLIC_KEY_SIZE];
	uint32_t size;

	(void)state;
	key_sign_hash(SBX_KEY_USAGE_DOCUMENT, hash);
	size = sign_hash(hash, der);
	assert_int_equal(key_signature_verify(public_key, SBX_KEY_USAGE_DOCUMENT, label, digest,
					      der, 0), VERIFY_MALFORMED);
	assert_int_equal(key_signature_verify(public_key, SBX_KEY_USAGE_DOCUMENT, label, digest,
					      der, size + 1), VERIFY_MALFORMED);
	assert_int_equal(key_signature_verify(public_key, SBX_KEY_USAGE_DOCUMENT, label, digest,
					      der, SBX_SIGNATURE_MAX + 1), VERIFY_MALFORMED);

	memcpy(key_copy, public_key, sizeof(key_copy));
	key_copy[0] = 0x03;
	assert_int_equal(key_signature_verify(key_copy, SBX_KEY_USAGE_DOCUMENT, label, digest,
					      der, size), VERIFY_MALFORMED);
	key_copy[0] = 0x04;
	key_copy[40] ^= 1;
	assert_int_equal(key_signature_verify(key_copy, SBX_KEY_USAGE_DOCUMENT, label, digest,
					      der, size), VERIFY_CRYPTO_FAILURE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_report_is_trusted, setup),
		cmocka_unit_test_setup(test_unaligned_payload_is_trusted, setup),
		cmocka_unit_test_setup(test_optional_references_may_be_left_out, setup),
		cmocka_unit_test_setup(test_wrong_nonce_is_untrusted, setup),
		cmocka_unit_test_setup(test_wrong_user_data_is_untrusted, setup),
		cmocka_unit_test_setup(test_wrong_identity_key_digest_is_untrusted, setup),
		cmocka_unit_test_setup(test_either_allowed_component_digest_passes, setup),
		cmocka_unit_test_setup(test_wrong_component_digest_is_untrusted, setup),
		cmocka_unit_test_setup(test_wrong_pcr_is_untrusted, setup),
		cmocka_unit_test_setup(test_every_mismatch_is_listed, setup),
		cmocka_unit_test_setup(test_unmeasured_is_rejected_unless_allowed, setup),
		cmocka_unit_test_setup(test_flipped_body_bit_fails_the_signature, setup),
		cmocka_unit_test_setup(test_flipped_signature_bit_fails_the_signature, setup),
		cmocka_unit_test_setup(test_signature_by_another_key_fails, setup),
		cmocka_unit_test_setup(test_wrong_report_sizes_are_malformed, setup),
		cmocka_unit_test_setup(test_signature_size_out_of_bounds_is_malformed, setup),
		cmocka_unit_test_setup(test_signature_size_off_by_one_is_malformed, setup),
		cmocka_unit_test_setup(test_non_canonical_der_is_malformed, setup),
		cmocka_unit_test_setup(test_uncompressed_prefix_is_required, setup),
		cmocka_unit_test_setup(test_public_key_off_the_curve_is_rejected, setup),
		cmocka_unit_test_setup(test_bad_magic_is_malformed, setup),
		cmocka_unit_test_setup(test_bad_version_is_malformed, setup),
		cmocka_unit_test_setup(test_nonzero_reserved_is_malformed, setup),
		cmocka_unit_test_setup(test_nonzero_padding_is_malformed, setup),
		cmocka_unit_test_setup(test_unknown_flag_is_malformed, setup),
		cmocka_unit_test_setup(test_key_signature_over_the_domain_hash_verifies, setup),
		cmocka_unit_test_setup(test_key_signature_over_the_raw_digest_fails, setup),
		cmocka_unit_test_setup(test_malformed_key_signatures, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
