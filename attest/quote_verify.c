/* Quote verification. The order is ATTESTATION.md's: the signature over the exact
 * bytes, pinned to the AK's scheme, before any field is parsed; then every field,
 * read with bounds-checked Tss2_MU primitives and sizes checked here, since the
 * structure unmarshallers of libtss2-mu 3.2.1 accept a wrong magic, a wrong type and
 * trailing bytes. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */
#include "mbedtls/rsa.h"

#include "quote_verify.h"

#include <stdbool.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#define PCR_SELECT_SIZE (QUOTE_PCR_COUNT / 8)   /* what a TPM with 24 PCRs selects */

struct reader {
	const uint8_t *bytes;
	size_t size;
	size_t offset;
};

static bool read_u8(struct reader *reader, uint8_t *value)
{
	return Tss2_MU_BYTE_Unmarshal(reader->bytes, reader->size, &reader->offset,
				      value) == TSS2_RC_SUCCESS;
}

static bool read_u16(struct reader *reader, uint16_t *value)
{
	return Tss2_MU_UINT16_Unmarshal(reader->bytes, reader->size, &reader->offset,
					value) == TSS2_RC_SUCCESS;
}

static bool read_u32(struct reader *reader, uint32_t *value)
{
	return Tss2_MU_UINT32_Unmarshal(reader->bytes, reader->size, &reader->offset,
					value) == TSS2_RC_SUCCESS;
}

static bool read_u64(struct reader *reader, uint64_t *value)
{
	return Tss2_MU_UINT64_Unmarshal(reader->bytes, reader->size, &reader->offset,
					value) == TSS2_RC_SUCCESS;
}

/* Reads a TPM2B of at most `size_max` bytes in place; `*data` points into the
 * reader's buffer. */
static bool read_sized(struct reader *reader, size_t size_max, const uint8_t **data,
		       uint16_t *size)
{
	if (!read_u16(reader, size) || *size > size_max ||
	    *size > reader->size - reader->offset)
		return false;
	*data = reader->bytes + reader->offset;
	reader->offset += *size;
	return true;
}

static int fail(struct quote_verdict *verdict, enum verify_status status, const char *check)
{
	verdict->status = status;
	verdict->check = check;
	return status;
}

/* The TPMS_ATTEST fields that are checked after parsing. */
struct quote_fields {
	const uint8_t *extra_data;
	uint16_t extra_data_size;
	uint8_t safe;
	uint32_t selection_count;
	uint16_t selection_hash;
	uint8_t selection_size;
	const uint8_t *selection;
	const uint8_t *pcr_digest;
	uint16_t pcr_digest_size;
};

static int parse_attest(struct reader *reader, struct quote_fields *fields,
			struct quote_verdict *verdict)
{
	uint32_t magic;
	uint16_t type, signer_size;
	const uint8_t *signer;
	struct quote_clock *clock = &verdict->clock;

	if (!read_u32(reader, &magic) || magic != TPM2_GENERATED_VALUE)
		return fail(verdict, VERIFY_MALFORMED, "attest.magic");
	if (!read_u16(reader, &type) || type != TPM2_ST_ATTEST_QUOTE)
		return fail(verdict, VERIFY_MALFORMED, "attest.type");
	if (!read_sized(reader, QUOTE_NAME_SIZE_MAX, &signer, &signer_size) || signer_size == 0)
		return fail(verdict, VERIFY_MALFORMED, "attest.qualified_signer");
	memcpy(verdict->qualified_signer, signer, signer_size);
	verdict->qualified_signer_size = signer_size;
	if (!read_sized(reader, sizeof(TPMU_HA), &fields->extra_data, &fields->extra_data_size))
		return fail(verdict, VERIFY_MALFORMED, "attest.extra_data");
	if (!read_u64(reader, &clock->clock) || !read_u32(reader, &clock->reset_count) ||
	    !read_u32(reader, &clock->restart_count) || !read_u8(reader, &fields->safe) ||
	    fields->safe > TPM2_YES)
		return fail(verdict, VERIFY_MALFORMED, "attest.clock_info");
	if (!read_u64(reader, &clock->firmware_version))
		return fail(verdict, VERIFY_MALFORMED, "attest.firmware_version");

	/* TPMS_QUOTE_INFO. Exactly one bank is ever requested, so a selection of any
	 * other shape is refused before its entries are read. */
	if (!read_u32(reader, &fields->selection_count) || fields->selection_count != 1 ||
	    !read_u16(reader, &fields->selection_hash) ||
	    !read_u8(reader, &fields->selection_size) ||
	    fields->selection_size > sizeof(((TPMS_PCR_SELECTION *)0)->pcrSelect) ||
	    fields->selection_size > reader->size - reader->offset)
		return fail(verdict, VERIFY_MALFORMED, "attest.pcr_select");
	fields->selection = reader->bytes + reader->offset;
	reader->offset += fields->selection_size;
	if (!read_sized(reader, sizeof(TPMU_HA), &fields->pcr_digest, &fields->pcr_digest_size))
		return fail(verdict, VERIFY_MALFORMED, "attest.pcr_digest");
	if (reader->offset != reader->size)
		return fail(verdict, VERIFY_MALFORMED, "attest.trailing_bytes");
	return VERIFY_TRUSTED;
}

static bool selection_equals(const struct quote_fields *fields, uint32_t mask)
{
	if (fields->selection_hash != TPM2_ALG_SHA256 || fields->selection_size != PCR_SELECT_SIZE)
		return false;
	for (size_t i = 0; i < PCR_SELECT_SIZE; i++)
		if (fields->selection[i] != (uint8_t)(mask >> (8 * i)))
			return false;
	return true;
}

/* SHA-256 of the selected PCR values, ascending: what the TPM hashed into pcrDigest. */
static bool pcr_digest_equals(const struct quote_fields *fields,
			      const struct quote_expectations *expected)
{
	mbedtls_sha256_context sha;
	uint8_t digest[QUOTE_DIGEST_SIZE];
	bool ok;

	if (fields->pcr_digest_size != QUOTE_DIGEST_SIZE)
		return false;
	mbedtls_sha256_init(&sha);
	ok = mbedtls_sha256_starts_ret(&sha, 0) == 0;
	for (int pcr = 0; ok && pcr < QUOTE_PCR_COUNT; pcr++)
		if (expected->pcr_mask & (1u << pcr))
			ok = mbedtls_sha256_update_ret(&sha, expected->pcr_values[pcr],
						       QUOTE_DIGEST_SIZE) == 0;
	ok = ok && mbedtls_sha256_finish_ret(&sha, digest) == 0;
	mbedtls_sha256_free(&sha);
	return ok && memcmp(digest, fields->pcr_digest, QUOTE_DIGEST_SIZE) == 0;
}

int quote_attest_check(const uint8_t *attest, size_t attest_size,
		       const struct quote_expectations *expected, struct quote_verdict *verdict)
{
	struct reader reader = { attest, attest_size, 0 };
	struct quote_fields fields;

	memset(verdict, 0, sizeof(*verdict));
	memset(&fields, 0, sizeof(fields));
	verdict->check = "";
	if (parse_attest(&reader, &fields, verdict) != VERIFY_TRUSTED)
		return verdict->status;

	/* The nonce's size is public; its value is compared in constant time. */
	if (fields.extra_data_size != expected->nonce_size ||
	    mbedtls_ct_memcmp(fields.extra_data, expected->nonce, expected->nonce_size) != 0)
		return fail(verdict, VERIFY_UNTRUSTED, "attest.nonce");
	/* Unsafe: the TPM's clock may have gone back, so its counts cannot be trusted. */
	if (fields.safe != TPM2_YES)
		return fail(verdict, VERIFY_UNTRUSTED, "attest.clock_safe");
	if (!selection_equals(&fields, expected->pcr_mask))
		return fail(verdict, VERIFY_UNTRUSTED, "attest.pcr_selection");
	if (!pcr_digest_equals(&fields, expected))
		return fail(verdict, VERIFY_UNTRUSTED, "attest.pcr_digest");
	return VERIFY_TRUSTED;
}

/* Reads the TPMT_SIGNATURE: it must be the AK's scheme, RSASSA with SHA-256, and one
 * modulus long. The scheme is pinned, never taken from the signature. */
static int parse_signature(const uint8_t *signature, size_t signature_size,
			   const uint8_t **value, struct quote_verdict *verdict)
{
	struct reader reader = { signature, signature_size, 0 };
	uint16_t algorithm, hash, size;

	if (!read_u16(&reader, &algorithm) || !read_u16(&reader, &hash))
		return fail(verdict, VERIFY_MALFORMED, "signature.encoding");
	if (algorithm != TPM2_ALG_RSASSA || hash != TPM2_ALG_SHA256)
		return fail(verdict, VERIFY_CRYPTO_FAILURE, "signature.scheme");
	if (!read_sized(&reader, AK_RSA_MODULUS_SIZE, value, &size) ||
	    size != AK_RSA_MODULUS_SIZE || reader.offset != reader.size)
		return fail(verdict, VERIFY_MALFORMED, "signature.encoding");
	return VERIFY_TRUSTED;
}

static bool rsassa_sha256_verify(const struct ak_public *ak, const uint8_t *message,
				 size_t message_size, const uint8_t *signature)
{
	mbedtls_rsa_context rsa;
	uint8_t digest[QUOTE_DIGEST_SIZE];
	const uint8_t exponent[4] = {
		ak->exponent >> 24, ak->exponent >> 16, ak->exponent >> 8, ak->exponent,
	};
	bool ok;

	mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V15, 0);
	ok = mbedtls_rsa_import_raw(&rsa, ak->modulus, sizeof(ak->modulus), NULL, 0, NULL, 0,
				    NULL, 0, exponent, sizeof(exponent)) == 0 &&
	     mbedtls_rsa_complete(&rsa) == 0 && mbedtls_rsa_check_pubkey(&rsa) == 0 &&
	     mbedtls_sha256_ret(message, message_size, digest, 0) == 0 &&
	     mbedtls_rsa_rsassa_pkcs1_v15_verify(&rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC,
						 MBEDTLS_MD_SHA256, sizeof(digest), digest,
						 signature) == 0;
	mbedtls_rsa_free(&rsa);
	return ok;
}

int quote_verify(const struct ak_public *ak, const uint8_t *attest, size_t attest_size,
		 const uint8_t *signature, size_t signature_size,
		 const struct quote_expectations *expected, struct quote_verdict *verdict)
{
	const uint8_t *value;

	memset(verdict, 0, sizeof(*verdict));
	verdict->check = "";
	if (parse_signature(signature, signature_size, &value, verdict) != VERIFY_TRUSTED)
		return verdict->status;
	if (!rsassa_sha256_verify(ak, attest, attest_size, value))
		return fail(verdict, VERIFY_CRYPTO_FAILURE, "signature");
	return quote_attest_check(attest, attest_size, expected, verdict);
}
