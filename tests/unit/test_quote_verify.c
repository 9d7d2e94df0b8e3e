/* Unit tests for the quote half of the verifier: the AK public area and the quote.
 * The fixtures are a real AK and real quotes from swtpm, made by
 * tests/unit/fixtures/make_quote_fixtures.sh and accepted by tpm2_checkquote. A
 * quote cannot be re-signed here, so edits behind the signature are checked with
 * quote_attest_check(), the half that runs once the signature verified. Every input
 * is handed over in a heap block of exactly its size, so AddressSanitizer reports
 * any read past it. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <tss2/tss2_tpm2_types.h>

#include "ak_public.h"
#include "quote_verify.h"
#include "fixture_file.h"

#define OTHER_PCR_MASK 0xffu   /* quote_other.msg: SHA-256 PCRs 0-7 */

/* Byte offsets in the fixture TPM2B_PUBLIC and TPMS_ATTEST. */
enum {
	AK_ATTRIBUTES = 2 + 2 + 2,       /* size, type, nameAlg */
	AK_SCHEME = AK_ATTRIBUTES + 4 + 2 + 2,   /* attributes, empty authPolicy, symmetric */
	AK_MODULUS = AK_SCHEME + 2 + 2 + 2 + 4 + 2,   /* scheme, hash, keyBits, exponent, size */
	ATTEST_TYPE = 4,
	ATTEST_NONCE = 4 + 2 + 2 + 34 + 2,   /* magic, type, qualifiedSigner (34), size */
	ATTEST_CLOCK = ATTEST_NONCE + 32,
	ATTEST_SAFE = ATTEST_CLOCK + 8 + 4 + 4,
	ATTEST_SELECTION_HASH = ATTEST_SAFE + 1 + 8 + 4,   /* firmwareVersion, count */
};

static struct blob ak_bytes, ak_name, nonce, attest, signature, pcr_file;
static struct blob other_attest, other_signature, other_pcr_file;
static struct ak_public ak;
static uint8_t pcrs[QUOTE_PCR_COUNT][QUOTE_DIGEST_SIZE];
static uint8_t other_pcrs[QUOTE_PCR_COUNT][QUOTE_DIGEST_SIZE];
static struct quote_expectations expected;
static struct quote_verdict verdict;

/* Spreads a file of the selected PCRs' values, ascending, over PCR numbers. */
static void spread_pcrs(const struct blob *file, uint32_t mask,
			uint8_t values[QUOTE_PCR_COUNT][QUOTE_DIGEST_SIZE])
{
	size_t offset = 0;

	memset(values, 0x5a, QUOTE_PCR_COUNT * QUOTE_DIGEST_SIZE);
	for (int pcr = 0; pcr < QUOTE_PCR_COUNT; pcr++) {
		if (!(mask & (1u << pcr)))
			continue;
		assert_true(offset + QUOTE_DIGEST_SIZE <= file->size);
		memcpy(values[pcr], file->bytes + offset, QUOTE_DIGEST_SIZE);
		offset += QUOTE_DIGEST_SIZE;
	}
	assert_int_equal(offset, file->size);
}

static int setup(void **state)
{
	const char *reason;

	(void)state;
	ak_bytes = fixture_load("quote_ak.pub");
	ak_name = fixture_load("quote_ak.name");
	nonce = fixture_load("quote_nonce.bin");
	attest = fixture_load("quote.msg");
	signature = fixture_load("quote.sig");
	pcr_file = fixture_load("quote_pcrs.bin");
	other_attest = fixture_load("quote_other.msg");
	other_signature = fixture_load("quote_other.sig");
	other_pcr_file = fixture_load("quote_other_pcrs.bin");
	spread_pcrs(&pcr_file, QUOTE_SBX_PCR_MASK, pcrs);
	spread_pcrs(&other_pcr_file, OTHER_PCR_MASK, other_pcrs);
	assert_int_equal(ak_public_parse(ak_bytes.bytes, ak_bytes.size, &ak, &reason),
			 VERIFY_TRUSTED);
	return 0;
}

static int teardown(void **state)
{
	struct blob *blobs[] = { &ak_bytes, &ak_name, &nonce, &attest, &signature, &pcr_file,
				 &other_attest, &other_signature, &other_pcr_file };

	(void)state;
	for (size_t i = 0; i < sizeof(blobs) / sizeof(blobs[0]); i++)
		free(blobs[i]->bytes);
	return 0;
}

/* Before each quote test: the sbx selection, the fixture's nonce and PCRs. */
static int expect_fixture(void **state)
{
	(void)state;
	expected = (struct quote_expectations){ nonce.bytes, nonce.size, QUOTE_SBX_PCR_MASK, pcrs };
	return 0;
}

static uint64_t big_endian(const uint8_t *bytes, size_t size)
{
	uint64_t value = 0;

	for (size_t i = 0; i < size; i++)
		value = value << 8 | bytes[i];
	return value;
}

static void set_attributes(struct blob *ak_area, uint32_t attributes)
{
	for (size_t i = 0; i < 4; i++)
		ak_area->bytes[AK_ATTRIBUTES + i] = attributes >> (8 * (3 - i));
}

static void parse_ak(const struct blob *bytes, int status, const char *check)
{
	struct blob copy = blob_resized(bytes, bytes->size, 0);
	struct ak_public parsed;
	const char *reason;

	assert_int_equal(ak_public_parse(copy.bytes, copy.size, &parsed, &reason), status);
	assert_string_equal(reason, check);
	free(copy.bytes);
}

static void test_ak_name_matches_tpm2_readpublic(void **state)
{
	(void)state;
	parse_ak(&ak_bytes, VERIFY_TRUSTED, "");
	assert_int_equal(ak_name.size, AK_NAME_SIZE);
	assert_memory_equal(ak.name, ak_name.bytes, AK_NAME_SIZE);
	assert_int_equal(ak.exponent, 65537);
}

static void test_ak_requires_each_attribute(void **state)
{
	static const struct {
		uint32_t bit;
		const char *check;
	} attributes[] = {
		{ TPMA_OBJECT_FIXEDTPM, "ak.attribute.fixedTPM" },
		{ TPMA_OBJECT_FIXEDPARENT, "ak.attribute.fixedParent" },
		{ TPMA_OBJECT_SENSITIVEDATAORIGIN, "ak.attribute.sensitiveDataOrigin" },
		{ TPMA_OBJECT_RESTRICTED, "ak.attribute.restricted" },
		{ TPMA_OBJECT_SIGN_ENCRYPT, "ak.attribute.sign" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(attributes) / sizeof(attributes[0]); i++) {
		struct blob edited = blob_resized(&ak_bytes, ak_bytes.size, 0);

		set_attributes(&edited, big_endian(edited.bytes + AK_ATTRIBUTES, 4) &
					~attributes[i].bit);
		parse_ak(&edited, VERIFY_UNTRUSTED, attributes[i].check);
		free(edited.bytes);
	}
}

static void test_ak_rejects_decrypt(void **state)
{
	struct blob edited = blob_resized(&ak_bytes, ak_bytes.size, 0);

	(void)state;
	set_attributes(&edited, big_endian(edited.bytes + AK_ATTRIBUTES, 4) | TPMA_OBJECT_DECRYPT);
	parse_ak(&edited, VERIFY_UNTRUSTED, "ak.attribute.decrypt");
	free(edited.bytes);
}

/* The profile is exact: a bit beyond it (noDA, stClear, adminWithPolicy, a
 * reserved one) or an authPolicy makes another key, however well formed. */
static void test_ak_profile_is_exact(void **state)
{
	static const uint32_t extra_bits[] = {
		TPMA_OBJECT_NODA, TPMA_OBJECT_STCLEAR, TPMA_OBJECT_ADMINWITHPOLICY,
		TPMA_OBJECT_ENCRYPTEDDUPLICATION, 0x00000001u, 0x80000000u,
	};
	const uint32_t pinned = big_endian(ak_bytes.bytes + AK_ATTRIBUTES, 4);
	struct blob with_policy = blob_resized(&ak_bytes, ak_bytes.size + 32, 0);

	(void)state;
	for (size_t i = 0; i < sizeof(extra_bits) / sizeof(extra_bits[0]); i++) {
		struct blob edited = blob_resized(&ak_bytes, ak_bytes.size, 0);

		set_attributes(&edited, pinned | extra_bits[i]);
		parse_ak(&edited, VERIFY_UNTRUSTED, "ak.attributes");
		free(edited.bytes);
	}
	{
		struct blob edited = blob_resized(&ak_bytes, ak_bytes.size, 0);

		set_attributes(&edited, pinned & ~TPMA_OBJECT_USERWITHAUTH);
		parse_ak(&edited, VERIFY_UNTRUSTED, "ak.attributes");
		free(edited.bytes);
	}

	/* A 32-byte authPolicy spliced in after the attributes, the sizes adjusted. */
	memmove(with_policy.bytes + AK_ATTRIBUTES + 4 + 2 + 32, ak_bytes.bytes + AK_ATTRIBUTES + 6,
		ak_bytes.size - (AK_ATTRIBUTES + 6));
	memset(with_policy.bytes + AK_ATTRIBUTES + 6, 0xa5, 32);
	with_policy.bytes[AK_ATTRIBUTES + 4] = 0;
	with_policy.bytes[AK_ATTRIBUTES + 5] = 32;
	with_policy.bytes[0] = (with_policy.size - 2) >> 8;
	with_policy.bytes[1] = (with_policy.size - 2) & 0xff;
	parse_ak(&with_policy, VERIFY_UNTRUSTED, "ak.auth_policy");
	free(with_policy.bytes);
}

static void test_ak_rejects_other_profiles(void **state)
{
	struct blob edited = blob_resized(&ak_bytes, ak_bytes.size, 0);

	(void)state;
	edited.bytes[5] = TPM2_ALG_SHA1;   /* nameAlg */
	parse_ak(&edited, VERIFY_UNTRUSTED, "ak.name_algorithm");
	edited.bytes[5] = TPM2_ALG_SHA256;
	edited.bytes[AK_SCHEME + 1] = TPM2_ALG_RSAPSS;
	parse_ak(&edited, VERIFY_UNTRUSTED, "ak.scheme");
	edited.bytes[AK_SCHEME + 1] = TPM2_ALG_RSASSA;
	edited.bytes[AK_SCHEME + 3] = TPM2_ALG_SHA1;
	parse_ak(&edited, VERIFY_UNTRUSTED, "ak.scheme");
	edited.bytes[AK_SCHEME + 3] = TPM2_ALG_SHA256;
	edited.bytes[AK_SCHEME + 8] = 3;   /* exponent 3 */
	parse_ak(&edited, VERIFY_UNTRUSTED, "ak.exponent");
	free(edited.bytes);
}

static void test_ak_rejects_bad_sizes(void **state)
{
	struct blob longer = blob_resized(&ak_bytes, ak_bytes.size + 1, 0);

	(void)state;
	parse_ak(&longer, VERIFY_MALFORMED, "ak.size");
	/* A trailing byte counted in the TPM2B's size is inside the area, but past the key. */
	longer.bytes[1]++;
	parse_ak(&longer, VERIFY_MALFORMED, "ak.trailing_bytes");
	free(longer.bytes);
	for (size_t size = 0; size < ak_bytes.size; size++) {
		struct blob truncated = blob_resized(&ak_bytes, size, 0);
		struct ak_public parsed;
		const char *reason;

		parse_ak(&truncated, VERIFY_MALFORMED, "ak.size");
		/* Truncated consistently: the size prefix agrees, the area is cut short. */
		if (size >= 2) {
			truncated.bytes[0] = (size - 2) >> 8;
			truncated.bytes[1] = (size - 2) & 0xff;
			assert_int_equal(ak_public_parse(truncated.bytes, size, &parsed, &reason),
					 VERIFY_MALFORMED);
		}
		free(truncated.bytes);
	}
}

static int verify(const struct blob *message, const struct blob *sig)
{
	struct blob message_copy = blob_resized(message, message->size, 0);
	struct blob signature_copy = blob_resized(sig, sig->size, 0);
	int status = quote_verify(&ak, message_copy.bytes, message_copy.size, signature_copy.bytes,
				  signature_copy.size, &expected, &verdict);

	assert_int_equal(status, verdict.status);
	free(message_copy.bytes);
	free(signature_copy.bytes);
	return status;
}

static int check_attest(const struct blob *message)
{
	struct blob copy = blob_resized(message, message->size, 0);
	int status = quote_attest_check(copy.bytes, copy.size, &expected, &verdict);

	assert_int_equal(status, verdict.status);
	free(copy.bytes);
	return status;
}

static void test_fixture_quote_is_trusted(void **state)
{
	(void)state;
	assert_int_equal(verify(&attest, &signature), VERIFY_TRUSTED);
	assert_string_equal(verdict.check, "");
	assert_int_equal(verdict.clock.clock, big_endian(attest.bytes + ATTEST_CLOCK, 8));
	assert_int_equal(verdict.clock.reset_count, big_endian(attest.bytes + ATTEST_CLOCK + 8, 4));
	assert_int_equal(verdict.clock.restart_count,
			 big_endian(attest.bytes + ATTEST_CLOCK + 12, 4));
	assert_int_equal(verdict.qualified_signer_size, AK_NAME_SIZE);
}

static void test_flipped_bit_fails_signature(void **state)
{
	(void)state;
	for (size_t i = 0; i < attest.size; i++) {
		struct blob edited = blob_resized(&attest, attest.size, 0);

		edited.bytes[i] ^= 0x01;
		assert_int_equal(verify(&edited, &signature), VERIFY_CRYPTO_FAILURE);
		assert_string_equal(verdict.check, "signature");
		free(edited.bytes);
	}
	for (size_t i = 6; i < signature.size; i += 17) {
		struct blob edited = blob_resized(&signature, signature.size, 0);

		edited.bytes[i] ^= 0x80;
		assert_int_equal(verify(&attest, &edited), VERIFY_CRYPTO_FAILURE);
		assert_string_equal(verdict.check, "signature");
		free(edited.bytes);
	}
}

/* The scheme comes from the AK, never from the signature. */
static void test_signature_scheme_is_pinned(void **state)
{
	struct blob edited = blob_resized(&signature, signature.size, 0);

	(void)state;
	edited.bytes[1] = TPM2_ALG_RSAPSS;
	assert_int_equal(verify(&attest, &edited), VERIFY_CRYPTO_FAILURE);
	assert_string_equal(verdict.check, "signature.scheme");
	edited.bytes[1] = TPM2_ALG_RSASSA;
	edited.bytes[3] = TPM2_ALG_SHA1;
	assert_int_equal(verify(&attest, &edited), VERIFY_CRYPTO_FAILURE);
	assert_string_equal(verdict.check, "signature.scheme");
	free(edited.bytes);

	edited = blob_resized(&signature, signature.size + 1, 0);
	assert_int_equal(verify(&attest, &edited), VERIFY_MALFORMED);
	assert_string_equal(verdict.check, "signature.encoding");
	free(edited.bytes);
}

static void test_other_ak_fails_signature(void **state)
{
	struct blob other_key = blob_resized(&ak_bytes, ak_bytes.size, 0);
	struct ak_public genuine = ak;
	const char *reason;

	(void)state;
	other_key.bytes[AK_MODULUS + 100] ^= 0x01;
	assert_int_equal(ak_public_parse(other_key.bytes, other_key.size, &ak, &reason),
			 VERIFY_TRUSTED);
	assert_memory_not_equal(ak.name, genuine.name, AK_NAME_SIZE);
	assert_int_equal(verify(&attest, &signature), VERIFY_CRYPTO_FAILURE);
	assert_string_equal(verdict.check, "signature");
	ak = genuine;
	free(other_key.bytes);
}

static void test_wrong_nonce_is_untrusted(void **state)
{
	struct blob wrong = blob_resized(&nonce, nonce.size, 0);

	(void)state;
	wrong.bytes[31] ^= 0x01;
	expected.nonce = wrong.bytes;
	assert_int_equal(verify(&attest, &signature), VERIFY_UNTRUSTED);
	assert_string_equal(verdict.check, "attest.nonce");
	expected.nonce = nonce.bytes;
	expected.nonce_size = nonce.size - 1;
	assert_int_equal(verify(&attest, &signature), VERIFY_UNTRUSTED);
	assert_string_equal(verdict.check, "attest.nonce");
	free(wrong.bytes);
}

static void test_other_selection_is_untrusted(void **state)
{
	(void)state;
	assert_int_equal(verify(&other_attest, &other_signature), VERIFY_UNTRUSTED);
	assert_string_equal(verdict.check, "attest.pcr_selection");
	/* The same quote verifies when that is the selection asked for. */
	expected.pcr_mask = OTHER_PCR_MASK;
	expected.pcr_values = other_pcrs;
	assert_int_equal(verify(&other_attest, &other_signature), VERIFY_TRUSTED);
	/* A superset is not equal either. */
	expected.pcr_mask = QUOTE_SBX_PCR_MASK | (1u << 20);
	expected.pcr_values = pcrs;
	assert_int_equal(verify(&attest, &signature), VERIFY_UNTRUSTED);
	assert_string_equal(verdict.check, "attest.pcr_selection");
}

static void test_pcr_mismatch_is_untrusted(void **state)
{
	uint8_t edited[QUOTE_PCR_COUNT][QUOTE_DIGEST_SIZE];

	(void)state;
	memcpy(edited, pcrs, sizeof(edited));
	expected.pcr_values = edited;
	/* PCRs outside the selection are never read. */
	edited[20][0] ^= 0x01;
	assert_int_equal(verify(&attest, &signature), VERIFY_TRUSTED);
	edited[18][31] ^= 0x01;
	assert_int_equal(verify(&attest, &signature), VERIFY_UNTRUSTED);
	assert_string_equal(verdict.check, "attest.pcr_digest");
}

/* A trailing or missing byte breaks the signature first; behind it, the parser
 * rejects them too. */
static void test_attest_size_is_exact(void **state)
{
	struct blob longer = blob_resized(&attest, attest.size + 1, 0);

	(void)state;
	assert_int_equal(verify(&longer, &signature), VERIFY_CRYPTO_FAILURE);
	assert_string_equal(verdict.check, "signature");
	assert_int_equal(check_attest(&longer), VERIFY_MALFORMED);
	assert_string_equal(verdict.check, "attest.trailing_bytes");
	free(longer.bytes);
	for (size_t size = 1; size < attest.size; size++) {
		struct blob truncated = blob_resized(&attest, size, 0);

		assert_int_equal(verify(&truncated, &signature), VERIFY_CRYPTO_FAILURE);
		assert_string_equal(verdict.check, "signature");
		assert_int_equal(check_attest(&truncated), VERIFY_MALFORMED);
		free(truncated.bytes);
	}
}

/* Edits behind the signature, which only a forger or a broken TPM could make. */
static void test_attest_fields(void **state)
{
	static const struct {
		size_t offset;
		uint8_t value;
		int status;
		const char *check;
	} edits[] = {
		{ 0, 0x00, VERIFY_MALFORMED, "attest.magic" },
		{ ATTEST_TYPE + 1, TPM2_ST_ATTEST_CERTIFY & 0xff, VERIFY_MALFORMED, "attest.type" },
		{ ATTEST_SAFE, TPM2_NO, VERIFY_UNTRUSTED, "attest.clock_safe" },
		{ ATTEST_SAFE, 2, VERIFY_MALFORMED, "attest.clock_info" },
		/* A SHA-1-only quote of the same PCRs. */
		{ ATTEST_SELECTION_HASH + 1, TPM2_ALG_SHA1, VERIFY_UNTRUSTED, "attest.pcr_selection" },
	};

	(void)state;
	assert_int_equal(check_attest(&attest), VERIFY_TRUSTED);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		struct blob edited = blob_resized(&attest, attest.size, 0);

		edited.bytes[edits[i].offset] = edits[i].value;
		assert_int_equal(check_attest(&edited), edits[i].status);
		assert_string_equal(verdict.check, edits[i].check);
		free(edited.bytes);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ak_name_matches_tpm2_readpublic),
		cmocka_unit_test(test_ak_requires_each_attribute),
		cmocka_unit_test(test_ak_rejects_decrypt),
		cmocka_unit_test(test_ak_profile_is_exact),
		cmocka_unit_test(test_ak_rejects_other_profiles),
		cmocka_unit_test(test_ak_rejects_bad_sizes),
		cmocka_unit_test_setup(test_fixture_quote_is_trusted, expect_fixture),
		cmocka_unit_test_setup(test_flipped_bit_fails_signature, expect_fixture),
		cmocka_unit_test_setup(test_signature_scheme_is_pinned, expect_fixture),
		cmocka_unit_test_setup(test_other_ak_fails_signature, expect_fixture),
		cmocka_unit_test_setup(test_wrong_nonce_is_untrusted, expect_fixture),
		cmocka_unit_test_setup(test_other_selection_is_untrusted, expect_fixture),
		cmocka_unit_test_setup(test_pcr_mismatch_is_untrusted, expect_fixture),
		cmocka_unit_test_setup(test_attest_size_is_exact, expect_fixture),
		cmocka_unit_test_setup(test_attest_fields, expect_fixture),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
