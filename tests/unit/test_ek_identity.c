/* Unit tests for the verifier's identity half: the EK public area, the EK
 * certificate's chain and MakeCredential. The fixtures are real: EKs, AKs and
 * certificates from swtpms provisioned by swtpm_setup with swtpm_localca, made by
 * tests/unit/fixtures/make_ek_fixtures.sh. Every input is handed over in a heap
 * block of exactly its size, so AddressSanitizer reports any read past it. That a
 * TPM activates what make_credential() makes is tested against swtpm by
 * tests/system/test_make_credential_interop.py. */
#define _GNU_SOURCE   /* memmem */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <tss2/tss2_mu.h>

#include "ek_identity.h"
#include "kdfa.h"
#include "mbedtls/aes.h"
#include "mbedtls/md.h"
#include "report_verify.h"
#include "fixture_file.h"

#define ROOT FIXTURES "ek_root.pem"
#define CHAIN FIXTURES "ek_intermediate.pem"

/* Byte offsets in the fixture EK's TPM2B_PUBLIC. */
enum {
	EK_TYPE = 2,
	EK_NAME_ALGORITHM = EK_TYPE + 2,
	EK_ATTRIBUTES = EK_NAME_ALGORITHM + 2,
	EK_POLICY = EK_ATTRIBUTES + 4 + 2,   /* after the policy's size */
	EK_SYMMETRIC = EK_POLICY + 32,
	EK_SYMMETRIC_KEY_BITS = EK_SYMMETRIC + 2,
	EK_SYMMETRIC_MODE = EK_SYMMETRIC_KEY_BITS + 2,
	EK_SCHEME = EK_SYMMETRIC_MODE + 2,
	EK_KEY_BITS = EK_SCHEME + 2,
	EK_EXPONENT = EK_KEY_BITS + 2,
	EK_MODULUS_SIZE = EK_EXPONENT + 4,
	EK_MODULUS = EK_MODULUS_SIZE + 2,
};

static struct blob ek_bytes, ek_name, ek_certificate, ak_name;
static struct ek_public ek;

static void put_u16(uint8_t *bytes, uint16_t value)
{
	bytes[0] = value >> 8;
	bytes[1] = value;
}

static int setup(void **state)
{
	const char *reason;

	(void)state;
	ek_bytes = fixture_load("ek_public.bin");
	ek_name = fixture_load("ek_public.name");
	ek_certificate = fixture_load("ek_cert.der");
	ak_name = fixture_load("ek_ak.name");
	assert_int_equal(ek_public_parse(ek_bytes.bytes, ek_bytes.size, &ek, &reason),
			 VERIFY_TRUSTED);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ek_bytes.bytes);
	free(ek_name.bytes);
	free(ek_certificate.bytes);
	free(ak_name.bytes);
	return 0;
}

/* --- ek_public_parse ------------------------------------------------------------ */

static int parse_status(const struct blob *blob, const char **reason)
{
	struct ek_public parsed;

	return ek_public_parse(blob->bytes, blob->size, &parsed, reason);
}

/* ek_public_parse() of a copy of the fixture EK with one 16-bit field replaced. */
static int parse_with_u16(size_t offset, uint16_t value, const char **reason)
{
	struct blob copy = blob_resized(&ek_bytes, ek_bytes.size, 0);
	int status;

	put_u16(copy.bytes + offset, value);
	status = parse_status(&copy, reason);
	free(copy.bytes);
	return status;
}

static void test_parse_accepts_the_real_ek(void **state)
{
	struct ek_public parsed;
	const char *reason = NULL;

	(void)state;
	assert_int_equal(ek_public_parse(ek_bytes.bytes, ek_bytes.size, &parsed, &reason),
			 VERIFY_TRUSTED);
	assert_string_equal(reason, "");
	assert_memory_equal(parsed.modulus, ek_bytes.bytes + EK_MODULUS, EK_RSA_MODULUS_SIZE);
	assert_int_equal(parsed.exponent, 65537);
	/* The Name tpm2_readpublic computed for the same key. */
	assert_int_equal(ek_name.size, EK_NAME_SIZE);
	assert_memory_equal(parsed.name, ek_name.bytes, EK_NAME_SIZE);
}

static void test_parse_accepts_another_tpms_ek(void **state)
{
	struct blob other = fixture_load("ek_other_public.bin");
	struct ek_public parsed;
	const char *reason;

	(void)state;
	assert_int_equal(ek_public_parse(other.bytes, other.size, &parsed, &reason),
			 VERIFY_TRUSTED);
	assert_memory_not_equal(parsed.modulus, ek.modulus, EK_RSA_MODULUS_SIZE);
	assert_memory_not_equal(parsed.name, ek.name, EK_NAME_SIZE);
	free(other.bytes);
}

static void test_parse_rejects_every_truncation(void **state)
{
	const char *reason;

	(void)state;
	/* As received: the size prefix no longer matches. */
	for (size_t size = 0; size < ek_bytes.size; size++) {
		struct blob copy = blob_resized(&ek_bytes, size, 0);

		assert_int_equal(parse_status(&copy, &reason), VERIFY_MALFORMED);
		free(copy.bytes);
	}
	/* With a size prefix that agrees: the area itself ends early. */
	for (size_t size = 2; size < ek_bytes.size; size++) {
		struct blob copy = blob_resized(&ek_bytes, size, 0);

		put_u16(copy.bytes, size - 2);
		assert_int_equal(parse_status(&copy, &reason), VERIFY_MALFORMED);
		free(copy.bytes);
	}
}

/* Every byte before the modulus is fixed by the template or by the encoding. */
static void test_parse_rejects_every_changed_template_byte(void **state)
{
	(void)state;
	for (size_t offset = 0; offset < EK_MODULUS; offset++) {
		struct blob copy = blob_resized(&ek_bytes, ek_bytes.size, 0);
		const char *reason;
		int status;

		copy.bytes[offset] ^= 0x01;
		status = parse_status(&copy, &reason);
		if (status != VERIFY_MALFORMED && status != VERIFY_UNTRUSTED)
			fail_msg("byte %zu changed: status %d (%s)", offset, status, reason);
		free(copy.bytes);
	}
}

static void test_parse_rejects_trailing_bytes(void **state)
{
	struct blob copy = blob_resized(&ek_bytes, ek_bytes.size + 1, 0);
	const char *reason;

	(void)state;
	assert_int_equal(parse_status(&copy, &reason), VERIFY_MALFORMED);
	assert_string_equal(reason, "ek.size");
	put_u16(copy.bytes, ek_bytes.size + 1 - 2);
	assert_int_equal(parse_status(&copy, &reason), VERIFY_MALFORMED);
	assert_string_equal(reason, "ek.trailing_bytes");
	free(copy.bytes);
}

static void test_parse_rejects_every_attribute_change(void **state)
{
	(void)state;
	for (int bit = 0; bit < 32; bit++) {
		struct blob copy = blob_resized(&ek_bytes, ek_bytes.size, 0);
		const char *reason;

		copy.bytes[EK_ATTRIBUTES + 3 - bit / 8] ^= 1u << (bit % 8);
		assert_int_equal(parse_status(&copy, &reason), VERIFY_UNTRUSTED);
		assert_true(strncmp(reason, "ek.attribute", strlen("ek.attribute")) == 0);
		free(copy.bytes);
	}
}

static void test_parse_names_the_attribute_that_differs(void **state)
{
	struct blob copy = blob_resized(&ek_bytes, ek_bytes.size, 0);
	const char *reason;

	(void)state;
	copy.bytes[EK_ATTRIBUTES + 3] |= TPMA_OBJECT_USERWITHAUTH;
	assert_int_equal(parse_status(&copy, &reason), VERIFY_UNTRUSTED);
	assert_string_equal(reason, "ek.attribute.userWithAuth");
	copy.bytes[EK_ATTRIBUTES + 3] &= ~(TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_FIXEDTPM);
	assert_int_equal(parse_status(&copy, &reason), VERIFY_UNTRUSTED);
	assert_string_equal(reason, "ek.attribute.fixedTPM");
	free(copy.bytes);
}

static void test_parse_rejects_other_algorithms(void **state)
{
	static const struct {
		size_t offset;
		uint16_t value;
		const char *reason;
	} edits[] = {
		{ EK_TYPE, TPM2_ALG_ECC, "ek.type" },
		{ EK_TYPE, TPM2_ALG_KEYEDHASH, "ek.type" },
		{ EK_NAME_ALGORITHM, TPM2_ALG_SHA1, "ek.name_algorithm" },
		{ EK_NAME_ALGORITHM, TPM2_ALG_SHA384, "ek.name_algorithm" },
		{ EK_SYMMETRIC, TPM2_ALG_NULL, "ek.symmetric" },
		{ EK_SYMMETRIC, TPM2_ALG_SM4, "ek.symmetric" },
		{ EK_SYMMETRIC_KEY_BITS, 256, "ek.symmetric" },
		{ EK_SYMMETRIC_MODE, TPM2_ALG_CBC, "ek.symmetric" },
		{ EK_SCHEME, TPM2_ALG_OAEP, "ek.scheme" },
		{ EK_SCHEME, TPM2_ALG_RSAES, "ek.scheme" },
		{ EK_KEY_BITS, 3072, "ek.key_bits" },
		{ EK_KEY_BITS, 1024, "ek.key_bits" },
		{ EK_EXPONENT + 2, 3, "ek.exponent" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const char *reason;

		assert_int_equal(parse_with_u16(edits[i].offset, edits[i].value, &reason),
				 VERIFY_UNTRUSTED);
		assert_string_equal(reason, edits[i].reason);
	}
}

static void test_parse_rejects_another_policy(void **state)
{
	const char *reason;

	(void)state;
	for (size_t i = 0; i < 32; i++) {
		struct blob copy = blob_resized(&ek_bytes, ek_bytes.size, 0);

		copy.bytes[EK_POLICY + i] ^= 0x40;
		assert_int_equal(parse_status(&copy, &reason), VERIFY_UNTRUSTED);
		assert_string_equal(reason, "ek.auth_policy");
		free(copy.bytes);
	}
	/* A policy size that no digest has is an encoding error. */
	assert_int_equal(parse_with_u16(EK_POLICY - 2, 31, &reason), VERIFY_MALFORMED);
	assert_string_equal(reason, "ek.auth_policy");
}

static void test_parse_rejects_a_bad_modulus(void **state)
{
	struct blob copy = blob_resized(&ek_bytes, ek_bytes.size, 0);
	const char *reason;

	(void)state;
	/* Shorter than keyBits says. */
	assert_int_equal(parse_with_u16(EK_MODULUS_SIZE, EK_RSA_MODULUS_SIZE - 1, &reason),
			 VERIFY_MALFORMED);
	assert_string_equal(reason, "ek.modulus");
	/* 256 bytes, but not 2048 bits. */
	copy.bytes[EK_MODULUS] &= 0x7f;
	assert_int_equal(parse_status(&copy, &reason), VERIFY_MALFORMED);
	assert_string_equal(reason, "ek.modulus");
	free(copy.bytes);
}

static void test_parse_rejects_tpm_keys_of_other_templates(void **state)
{
	static const struct {
		const char *file;
		const char *reason;
	} keys[] = {
		{ "ek_ecc_public.bin", "ek.type" },
		/* An RSA storage primary in the endorsement hierarchy: no policy. */
		{ "ek_storage_public.bin", "ek.attribute.adminWithPolicy" },
		/* The AK: a signing key. */
		{ "ek_ak.pub", "ek.attribute.adminWithPolicy" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct blob key = fixture_load(keys[i].file);
		struct ek_public parsed;
		const char *reason;

		memset(&parsed, 0xa5, sizeof(parsed));
		assert_int_equal(ek_public_parse(key.bytes, key.size, &parsed, &reason),
				 VERIFY_UNTRUSTED);
		assert_string_equal(reason, keys[i].reason);
		/* Nothing of a rejected key is left behind. */
		for (size_t byte = 0; byte < sizeof(parsed); byte++)
			assert_int_equal(((uint8_t *)&parsed)[byte], 0);
		free(key.bytes);
	}
}

/* --- ek_certificate_check ------------------------------------------------------- */

static char reason_text[256];

static int check_certificate(const struct blob *certificate, const char *root,
			     const char *chain, const struct ek_public *key)
{
	return ek_certificate_check(certificate->bytes, certificate->size, root, chain, key,
				    reason_text, sizeof(reason_text));
}

static int check_certificate_file(const char *file)
{
	struct blob certificate = fixture_load(file);
	int status = check_certificate(&certificate, ROOT, CHAIN, &ek);

	free(certificate.bytes);
	return status;
}

static void assert_reason_starts(const char *prefix)
{
	if (strncmp(reason_text, prefix, strlen(prefix)) != 0)
		fail_msg("reason \"%s\" does not start with \"%s\"", reason_text, prefix);
}

static void test_certificate_accepts_the_real_chain(void **state)
{
	(void)state;
	assert_int_equal(check_certificate(&ek_certificate, ROOT, CHAIN, &ek), VERIFY_TRUSTED);
	assert_string_equal(reason_text, "");
}

static void test_certificate_needs_the_intermediate(void **state)
{
	(void)state;
	assert_int_equal(check_certificate(&ek_certificate, ROOT, NULL, &ek), VERIFY_UNTRUSTED);
	assert_reason_starts("ek_certificate.issuer");
}

static void test_certificate_rejects_a_flipped_signature_bit(void **state)
{
	(void)state;
	/* The signature is the last field: its last byte is the DER's. */
	for (size_t bit = 0; bit < 8; bit++) {
		struct blob copy = blob_resized(&ek_certificate, ek_certificate.size, 0);

		copy.bytes[copy.size - 1] ^= 1u << bit;
		assert_int_equal(check_certificate(&copy, ROOT, CHAIN, &ek), VERIFY_CRYPTO_FAILURE);
		assert_reason_starts("ek_certificate.signature");
		free(copy.bytes);
	}
}

static void test_certificate_rejects_a_changed_key(void **state)
{
	struct blob copy = blob_resized(&ek_certificate, ek_certificate.size, 0);
	uint8_t *modulus;

	(void)state;
	/* Swap the certified key for the EK's modulus with one bit changed: the CA's
	 * signature no longer covers it. */
	modulus = memmem(copy.bytes, copy.size, ek.modulus, EK_RSA_MODULUS_SIZE);
	assert_non_null(modulus);
	modulus[100] ^= 0x01;
	assert_int_equal(check_certificate(&copy, ROOT, CHAIN, &ek), VERIFY_CRYPTO_FAILURE);
	free(copy.bytes);
}

static void test_certificate_rejects_another_root(void **state)
{
	(void)state;
	/* Another swtpm local CA: the same names, other keys. */
	assert_int_equal(check_certificate(&ek_certificate, FIXTURES "ek_other_root.pem", CHAIN,
					   &ek),
			 VERIFY_UNTRUSTED);
	assert_reason_starts("ek_certificate.issuer");
}

/* A chain file of `first` then `second` (fixture PEM files), in a temporary file
 * whose name is written to `path`. */
static void write_chain(char path[], const char *first, const char *second)
{
	struct blob parts[2] = { fixture_load(first), fixture_load(second) };
	int descriptor = mkstemp(path);
	FILE *file;

	assert_true(descriptor >= 0);
	file = fdopen(descriptor, "wb");
	assert_non_null(file);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(fwrite(parts[i].bytes, 1, parts[i].size, file), parts[i].size);
		free(parts[i].bytes);
	}
	assert_int_equal(fclose(file), 0);
}

static void test_certificate_chain_file_roots_are_not_trusted(void **state)
{
	char chain[] = "/tmp/sbx-test-ek-chain-XXXXXX";

	(void)state;
	/* The real root in the chain file does not replace the pinned one. */
	write_chain(chain, "ek_intermediate.pem", "ek_root.pem");
	assert_int_equal(check_certificate(&ek_certificate, FIXTURES "ek_other_root.pem", chain,
					   &ek),
			 VERIFY_UNTRUSTED);
	assert_reason_starts("ek_certificate.issuer");
	/* A certificate in the chain file that no path uses changes nothing. */
	assert_int_equal(check_certificate(&ek_certificate, ROOT, chain, &ek), VERIFY_TRUSTED);
	unlink(chain);
}

static void test_certificate_rejects_another_eks_certificate(void **state)
{
	(void)state;
	/* Genuine, from the same CA, for another TPM's EK. */
	assert_int_equal(check_certificate_file("ek_other_cert.der"), VERIFY_UNTRUSTED);
	assert_reason_starts("ek_certificate.key");
}

static void test_certificate_checks_dates(void **state)
{
	(void)state;
	assert_int_equal(check_certificate_file("ek_expired_cert.der"), VERIFY_UNTRUSTED);
	assert_string_equal(reason_text,
			    "ek_certificate.dates: a certificate of the chain is expired");
	assert_int_equal(check_certificate_file("ek_future_cert.der"), VERIFY_UNTRUSTED);
	assert_string_equal(reason_text,
			    "ek_certificate.dates: a certificate of the chain is not yet valid");
}

static void test_certificate_needs_key_encipherment(void **state)
{
	(void)state;
	assert_int_equal(check_certificate_file("ek_sign_only_cert.der"), VERIFY_UNTRUSTED);
	assert_reason_starts("ek_certificate.key_usage");
}

/* The real certificate edited into a v2 one without extensions, which the fuzzer
 * found: mbedTLS leaves its extension buffer NULL. It is refused (no key usage). The
 * NULL + 0 the extension lookup once computed for it is caught by clang's UBSan in
 * fuzz_ek_identity, which has this input as a seed; GCC's UBSan does not flag it. */
static void test_certificate_without_extensions_is_refused(void **state)
{
	(void)state;
	assert_int_not_equal(check_certificate_file("ek_v2_no_extensions_cert.der"),
			     VERIFY_TRUSTED);
}

static void test_certificate_rejects_garbage(void **state)
{
	static const uint8_t garbage[] = "not a certificate at all";
	struct blob text = blob_resized(&(struct blob){ (uint8_t *)garbage, sizeof(garbage) },
				   sizeof(garbage), 0);
	struct blob longer = blob_resized(&ek_certificate, ek_certificate.size + 1, 0);

	(void)state;
	assert_int_equal(check_certificate(&text, ROOT, CHAIN, &ek), VERIFY_MALFORMED);
	assert_reason_starts("ek_certificate.parse");
	assert_int_equal(ek_certificate_check(NULL, 0, ROOT, CHAIN, &ek, reason_text,
					      sizeof(reason_text)),
			 VERIFY_MALFORMED);
	assert_int_equal(check_certificate(&longer, ROOT, CHAIN, &ek), VERIFY_MALFORMED);
	assert_string_equal(reason_text, "ek_certificate.parse: bytes follow the certificate");
	/* The root in PEM where DER is expected. */
	free(text.bytes);
	text = fixture_load("ek_root.pem");
	assert_int_equal(check_certificate(&text, ROOT, CHAIN, &ek), VERIFY_MALFORMED);
	free(text.bytes);
	free(longer.bytes);
}

static void test_certificate_rejects_every_truncation(void **state)
{
	(void)state;
	for (size_t size = 1; size < ek_certificate.size; size++) {
		struct blob copy = blob_resized(&ek_certificate, size, 0);

		assert_int_equal(check_certificate(&copy, ROOT, CHAIN, &ek), VERIFY_MALFORMED);
		free(copy.bytes);
	}
}

/* No change of any one byte leaves a certificate that passes: the signature covers
 * the body, and mbedTLS checks what lies outside it. */
static void test_certificate_rejects_every_changed_byte(void **state)
{
	(void)state;
	for (size_t offset = 0; offset < ek_certificate.size; offset++) {
		struct blob copy = blob_resized(&ek_certificate, ek_certificate.size, 0);
		int status;

		copy.bytes[offset] ^= 0x01;
		status = check_certificate(&copy, ROOT, CHAIN, &ek);
		if (status != VERIFY_MALFORMED && status != VERIFY_CRYPTO_FAILURE &&
		    status != VERIFY_UNTRUSTED)
			fail_msg("byte %zu changed: status %d (%s)", offset, status, reason_text);
		free(copy.bytes);
	}
}

static void test_certificate_of_an_unsupported_curve_is_malformed(void **state)
{
	(void)state;
	/* swtpm_setup's ECC EK is on P-384, which this verifier's mbedTLS does not
	 * have: the certificate cannot be read. */
	assert_int_equal(check_certificate_file("ek_ecc_cert.der"), VERIFY_MALFORMED);
}

static void test_certificate_pinned_files_must_be_readable(void **state)
{
	char two_roots[] = "/tmp/sbx-test-ek-roots-XXXXXX";

	(void)state;
	assert_int_equal(check_certificate(&ek_certificate, FIXTURES "no-such-root.pem", CHAIN,
					   &ek),
			 -1);
	assert_reason_starts("ek_certificate.root: cannot read");
	assert_int_equal(check_certificate(&ek_certificate, ROOT, FIXTURES "no-such-chain.pem",
					   &ek),
			 -1);
	assert_reason_starts("ek_certificate.chain: cannot read");
	assert_int_equal(check_certificate(&ek_certificate, FIXTURES "ek_public.bin", CHAIN, &ek),
			 -1);
	assert_reason_starts("ek_certificate.root");
	assert_int_equal(check_certificate(&ek_certificate, NULL, CHAIN, &ek), -1);
	assert_int_equal(check_certificate(&ek_certificate, ROOT, CHAIN, NULL), -1);

	/* A root file is one certificate: two would pin both. */
	write_chain(two_roots, "ek_root.pem", "ek_other_root.pem");
	assert_int_equal(check_certificate(&ek_certificate, two_roots, CHAIN, &ek), -1);
	assert_reason_starts("ek_certificate.root");
	unlink(two_roots);
}

static void test_certificate_reason_is_bounded(void **state)
{
	char small[8];

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(ek_certificate_check(ek_certificate.bytes, ek_certificate.size, ROOT,
					      NULL, &ek, small, sizeof(small)),
			 VERIFY_UNTRUSTED);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(ek_certificate_check(ek_certificate.bytes, ek_certificate.size, ROOT,
					      NULL, &ek, NULL, 0),
			 VERIFY_UNTRUSTED);
}

/* --- KDFa and make_credential ------------------------------------------------------ */

/* A deterministic generator: a counter mixed into the bytes, from `seed`. */
struct counter_random {
	uint8_t seed;
	uint32_t calls;
};

static int counter_random(void *context, unsigned char *out, size_t size)
{
	struct counter_random *random = context;

	random->calls++;
	for (size_t i = 0; i < size; i++)
		out[i] = (uint8_t)(random->seed * 131 + random->calls * 17 + i * 7);
	return 0;
}

static int failing_random(void *context, unsigned char *out, size_t size)
{
	(void)context;
	(void)out;
	(void)size;
	return -1;
}

/* Values from an independent KDFa (Python's hmac, SP 800-108 counter mode). */
static void test_kdfa_matches_known_answers(void **state)
{
	static const uint8_t storage[16] = {
		0x7a, 0x58, 0xc2, 0x07, 0x9b, 0xee, 0x13, 0xe0,
		0x0e, 0xd1, 0x60, 0xd6, 0x57, 0xae, 0xca, 0xef,
	};
	static const uint8_t integrity[32] = {
		0xba, 0xcf, 0x68, 0x9f, 0x63, 0x4e, 0xce, 0x30, 0x1e, 0x1f, 0x1b,
		0x15, 0xb0, 0x72, 0xd9, 0xc8, 0x7d, 0xb6, 0xa6, 0x95, 0x85, 0xdb,
		0x42, 0xb1, 0xa0, 0xcb, 0x8f, 0x73, 0xeb, 0xe2, 0x69, 0x2e,
	};
	static const uint8_t two_blocks[40] = {
		0xdb, 0x5d, 0xd8, 0x1a, 0xd6, 0xf3, 0x48, 0x44, 0xe2, 0x20,
		0xa6, 0x47, 0xce, 0x8d, 0x93, 0x47, 0xa8, 0xab, 0xbf, 0xd0,
		0xb5, 0x36, 0x3a, 0x0c, 0x92, 0xc5, 0x16, 0x00, 0x6c, 0x7b,
		0xc8, 0x87, 0x64, 0x56, 0x94, 0xf7, 0x79, 0xce, 0x07, 0xaa,
	};
	uint8_t key[32], name[EK_NAME_SIZE], out[40];

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = i;
	name[0] = 0x00;
	name[1] = 0x0b;
	for (size_t i = 2; i < sizeof(name); i++)
		name[i] = 0x40 + i - 2;
	assert_int_equal(kdfa_sha256(key, sizeof(key), "STORAGE", name, sizeof(name), NULL, 0,
				     out, sizeof(storage)),
			 0);
	assert_memory_equal(out, storage, sizeof(storage));
	assert_int_equal(kdfa_sha256(key, sizeof(key), "INTEGRITY", NULL, 0, NULL, 0, out,
				     sizeof(integrity)),
			 0);
	assert_memory_equal(out, integrity, sizeof(integrity));
	assert_int_equal(kdfa_sha256(key, sizeof(key), "TEST", (const uint8_t *)"uu", 2,
				     (const uint8_t *)"vvv", 3, out, sizeof(two_blocks)),
			 0);
	assert_memory_equal(out, two_blocks, sizeof(two_blocks));
}

struct credential_output {
	uint8_t blob[CREDENTIAL_BLOB_SIZE_MAX];
	uint8_t secret[ENCRYPTED_SECRET_SIZE_MAX];
	size_t blob_size;
	size_t secret_size;
};

static int make(const uint8_t *credential, size_t size, uint8_t seed,
		struct credential_output *output, const char **reason)
{
	struct counter_random random = { seed, 0 };

	return make_credential(&ek, ak_name.bytes, credential, size, counter_random, &random,
			       output->blob, &output->blob_size, output->secret,
			       &output->secret_size, reason);
}

static void test_make_credential_output_parses_back(void **state)
{
	static const uint8_t credential[32] = "sbx credential, 32 bytes long..";
	struct credential_output output;
	TPM2B_ID_OBJECT id_object;
	TPM2B_ENCRYPTED_SECRET secret;
	TPM2B_DIGEST hmac;
	size_t offset = 0;
	const char *reason;

	(void)state;
	assert_int_equal(make(credential, sizeof(credential), 1, &output, &reason), 0);
	assert_string_equal(reason, "");
	/* size, then integrityHMAC (size, 32 bytes), then encIdentity (size field and
	 * credential, encrypted); the secret is one RSA-2048 block. */
	assert_int_equal(output.blob_size, 2 + 2 + 32 + 2 + sizeof(credential));
	assert_int_equal(output.secret_size, 2 + 256);

	assert_int_equal(Tss2_MU_TPM2B_ID_OBJECT_Unmarshal(output.blob, output.blob_size, &offset,
							   &id_object),
			 TSS2_RC_SUCCESS);
	assert_int_equal(offset, output.blob_size);
	offset = 0;
	assert_int_equal(Tss2_MU_TPM2B_DIGEST_Unmarshal(id_object.credential, id_object.size,
							&offset, &hmac),
			 TSS2_RC_SUCCESS);
	assert_int_equal(hmac.size, 32);
	assert_int_equal(id_object.size - offset, 2 + sizeof(credential));

	offset = 0;
	assert_int_equal(Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal(output.secret,
								   output.secret_size, &offset,
								   &secret),
			 TSS2_RC_SUCCESS);
	assert_int_equal(offset, output.secret_size);
	assert_int_equal(secret.size, 256);
}

/* With the seed known (the generator's first output), the blob opens as a TPM would
 * open it: the HMAC holds over encIdentity and the Name, and encIdentity decrypts to
 * the credential as a TPM2B_DIGEST. */
static void test_make_credential_opens_with_the_seed(void **state)
{
	static const uint8_t credential[20] = "twenty byte secret!";
	struct credential_output output;
	struct counter_random replay = { 7, 0 };
	uint8_t seed[32], symmetric_key[16], hmac_key[32], hmac[32], iv[16] = { 0 };
	uint8_t plain[2 + sizeof(credential)];
	const uint8_t *enc_identity;
	mbedtls_md_context_t md;
	mbedtls_aes_context aes;
	size_t iv_offset = 0;
	const char *reason;

	(void)state;
	assert_int_equal(make(credential, sizeof(credential), 7, &output, &reason), 0);
	counter_random(&replay, seed, sizeof(seed));
	assert_int_equal(kdfa_sha256(seed, sizeof(seed), "STORAGE", ak_name.bytes, ak_name.size,
				     NULL, 0, symmetric_key, sizeof(symmetric_key)),
			 0);
	assert_int_equal(kdfa_sha256(seed, sizeof(seed), "INTEGRITY", NULL, 0, NULL, 0, hmac_key,
				     sizeof(hmac_key)),
			 0);
	enc_identity = output.blob + 2 + 2 + 32;

	mbedtls_md_init(&md);
	assert_int_equal(mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1), 0);
	assert_int_equal(mbedtls_md_hmac_starts(&md, hmac_key, sizeof(hmac_key)), 0);
	assert_int_equal(mbedtls_md_hmac_update(&md, enc_identity, sizeof(plain)), 0);
	assert_int_equal(mbedtls_md_hmac_update(&md, ak_name.bytes, ak_name.size), 0);
	assert_int_equal(mbedtls_md_hmac_finish(&md, hmac), 0);
	mbedtls_md_free(&md);
	assert_memory_equal(output.blob + 2 + 2, hmac, sizeof(hmac));

	mbedtls_aes_init(&aes);
	assert_int_equal(mbedtls_aes_setkey_enc(&aes, symmetric_key, 128), 0);
	assert_int_equal(mbedtls_aes_crypt_cfb128(&aes, MBEDTLS_AES_DECRYPT, sizeof(plain),
						  &iv_offset, iv, enc_identity, plain),
			 0);
	mbedtls_aes_free(&aes);
	assert_int_equal(plain[0], 0);
	assert_int_equal(plain[1], sizeof(credential));
	assert_memory_equal(plain + 2, credential, sizeof(credential));
}

static void test_make_credential_depends_on_the_seed(void **state)
{
	static const uint8_t credential[32] = { 1, 2, 3 };
	struct credential_output first, again, other;
	const char *reason;

	(void)state;
	assert_int_equal(make(credential, sizeof(credential), 1, &first, &reason), 0);
	assert_int_equal(make(credential, sizeof(credential), 1, &again, &reason), 0);
	assert_int_equal(make(credential, sizeof(credential), 2, &other, &reason), 0);
	assert_memory_equal(first.blob, again.blob, first.blob_size);
	assert_memory_equal(first.secret, again.secret, first.secret_size);
	/* Past the size fields, nothing is the same. */
	assert_memory_not_equal(first.blob + 4, other.blob + 4, 32);
	assert_memory_not_equal(first.blob + 4 + 32, other.blob + 4 + 32, first.blob_size - 36);
	assert_memory_not_equal(first.secret + 2, other.secret + 2, 256);
}

static void test_make_credential_rejects_bad_input(void **state)
{
	static const uint8_t credential[CREDENTIAL_SIZE_MAX + 1];
	struct credential_output output;
	struct counter_random random = { 1, 0 };
	struct ek_public zero_ek;
	uint8_t sha1_name[EK_NAME_SIZE];
	const char *reason;

	(void)state;
	/* A TPM refuses a credential longer than its EK's nameAlg digest. */
	assert_int_equal(make(credential, 33, 1, &output, &reason), -1);
	assert_int_equal(make(credential, CREDENTIAL_SIZE_MAX, 1, &output, &reason), -1);
	assert_int_equal(make(credential, CREDENTIAL_SIZE_MAX + 1, 1, &output, &reason), -1);
	assert_int_equal(make(credential, 0, 1, &output, &reason), -1);
	assert_int_equal(make(NULL, 16, 1, &output, &reason), -1);
	assert_string_equal(reason, "a required argument is NULL");

	assert_int_equal(make_credential(NULL, ak_name.bytes, credential, 16, counter_random,
					 &random, output.blob, &output.blob_size, output.secret,
					 &output.secret_size, &reason),
			 -1);
	assert_int_equal(make_credential(&ek, NULL, credential, 16, counter_random, &random,
					 output.blob, &output.blob_size, output.secret,
					 &output.secret_size, &reason),
			 -1);
	assert_int_equal(make_credential(&ek, ak_name.bytes, credential, 16, NULL, NULL,
					 output.blob, &output.blob_size, output.secret,
					 &output.secret_size, &reason),
			 -1);
	assert_int_equal(make_credential(&ek, ak_name.bytes, credential, 16, counter_random,
					 &random, NULL, &output.blob_size, output.secret,
					 &output.secret_size, NULL),
			 -1);
	assert_int_equal(make_credential(&ek, ak_name.bytes, credential, 16, counter_random,
					 &random, output.blob, &output.blob_size, output.secret,
					 NULL, &reason),
			 -1);

	/* A Name of another hash is not what the KDF and HMAC expect. */
	memcpy(sha1_name, ak_name.bytes, sizeof(sha1_name));
	sha1_name[1] = TPM2_ALG_SHA1;
	assert_int_equal(make_credential(&ek, sha1_name, credential, 16, counter_random, &random,
					 output.blob, &output.blob_size, output.secret,
					 &output.secret_size, &reason),
			 -1);
	assert_string_equal(reason, "the AK Name is not a SHA-256 Name");

	/* A key that is no RSA public key, and a generator that fails: nothing out. */
	memset(&zero_ek, 0, sizeof(zero_ek));
	output.blob_size = output.secret_size = 99;
	assert_int_equal(make_credential(&zero_ek, ak_name.bytes, credential, 16, counter_random,
					 &random, output.blob, &output.blob_size, output.secret,
					 &output.secret_size, &reason),
			 -1);
	assert_string_equal(reason, "the EK is no RSA-2048 public key");
	assert_int_equal(output.blob_size, 0);
	assert_int_equal(output.secret_size, 0);
	assert_int_equal(make_credential(&ek, ak_name.bytes, credential, 16, failing_random, NULL,
					 output.blob, &output.blob_size, output.secret,
					 &output.secret_size, &reason),
			 -1);
	assert_string_equal(reason, "the random generator failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepts_the_real_ek),
		cmocka_unit_test(test_parse_accepts_another_tpms_ek),
		cmocka_unit_test(test_parse_rejects_every_truncation),
		cmocka_unit_test(test_parse_rejects_every_changed_template_byte),
		cmocka_unit_test(test_parse_rejects_trailing_bytes),
		cmocka_unit_test(test_parse_rejects_every_attribute_change),
		cmocka_unit_test(test_parse_names_the_attribute_that_differs),
		cmocka_unit_test(test_parse_rejects_other_algorithms),
		cmocka_unit_test(test_parse_rejects_another_policy),
		cmocka_unit_test(test_parse_rejects_a_bad_modulus),
		cmocka_unit_test(test_parse_rejects_tpm_keys_of_other_templates),
		cmocka_unit_test(test_certificate_accepts_the_real_chain),
		cmocka_unit_test(test_certificate_needs_the_intermediate),
		cmocka_unit_test(test_certificate_rejects_a_flipped_signature_bit),
		cmocka_unit_test(test_certificate_rejects_a_changed_key),
		cmocka_unit_test(test_certificate_rejects_another_root),
		cmocka_unit_test(test_certificate_chain_file_roots_are_not_trusted),
		cmocka_unit_test(test_certificate_rejects_another_eks_certificate),
		cmocka_unit_test(test_certificate_checks_dates),
		cmocka_unit_test(test_certificate_needs_key_encipherment),
		cmocka_unit_test(test_certificate_without_extensions_is_refused),
		cmocka_unit_test(test_certificate_rejects_garbage),
		cmocka_unit_test(test_certificate_rejects_every_truncation),
		cmocka_unit_test(test_certificate_rejects_every_changed_byte),
		cmocka_unit_test(test_certificate_of_an_unsupported_curve_is_malformed),
		cmocka_unit_test(test_certificate_pinned_files_must_be_readable),
		cmocka_unit_test(test_certificate_reason_is_bounded),
		cmocka_unit_test(test_kdfa_matches_known_answers),
		cmocka_unit_test(test_make_credential_output_parses_back),
		cmocka_unit_test(test_make_credential_opens_with_the_seed),
		cmocka_unit_test(test_make_credential_depends_on_the_seed),
		cmocka_unit_test(test_make_credential_rejects_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
