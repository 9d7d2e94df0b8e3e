/* Strict reading of an AK's TPM2B_PUBLIC. Only primitive fields are read with
 * Tss2_MU, which bounds-checks them: its structure unmarshallers (libtss2-mu 3.2.1)
 * accept inner-type errors and trailing bytes, so every size is checked here. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "ak_public.h"

#include <stdbool.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "report_verify.h"

#define AK_RSA_KEY_BITS 2048
#define AK_RSA_DEFAULT_EXPONENT 65537
#define SHA256_SIZE 32

/* The attributes that make a key an AK a verifier can trust: its private part was
 * made in this TPM and never leaves it, and it signs only what the TPM itself
 * generated (restricted), so a quote cannot be forged with it. */
static const struct {
	TPMA_OBJECT bit;
	const char *check;
} required_attributes[] = {
	{ TPMA_OBJECT_FIXEDTPM, "ak.attribute.fixedTPM" },
	{ TPMA_OBJECT_FIXEDPARENT, "ak.attribute.fixedParent" },
	{ TPMA_OBJECT_SENSITIVEDATAORIGIN, "ak.attribute.sensitiveDataOrigin" },
	{ TPMA_OBJECT_RESTRICTED, "ak.attribute.restricted" },
	{ TPMA_OBJECT_SIGN_ENCRYPT, "ak.attribute.sign" },
};

struct reader {
	const uint8_t *bytes;
	size_t size;
	size_t offset;
};

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

/* Reads `size` bytes in place; `*data` points into the reader's buffer. */
static bool read_bytes(struct reader *reader, size_t size, const uint8_t **data)
{
	if (size > reader->size - reader->offset)
		return false;
	*data = reader->bytes + reader->offset;
	reader->offset += size;
	return true;
}

static int fail(int status, const char *check, const char **reason)
{
	*reason = check;
	return status;
}

/* Reads the TPMT_PUBLIC that follows the size prefix, up to its unique field. */
static int parse_public_area(struct reader *reader, struct ak_public *ak, const char **reason)
{
	uint16_t type, name_algorithm, policy_size, symmetric, scheme, scheme_hash, key_bits;
	uint16_t modulus_size;
	uint32_t attributes, exponent;
	const uint8_t *policy, *modulus;

	if (!read_u16(reader, &type) || !read_u16(reader, &name_algorithm) ||
	    !read_u32(reader, &attributes) || !read_u16(reader, &policy_size))
		return fail(VERIFY_MALFORMED, "ak.encoding", reason);
	/* An authPolicy is empty or one digest of nameAlg. */
	if ((policy_size != 0 && policy_size != SHA256_SIZE) ||
	    !read_bytes(reader, policy_size, &policy))
		return fail(VERIFY_MALFORMED, "ak.auth_policy", reason);
	if (type != TPM2_ALG_RSA)
		return fail(VERIFY_UNTRUSTED, "ak.type", reason);
	if (name_algorithm != TPM2_ALG_SHA256)
		return fail(VERIFY_UNTRUSTED, "ak.name_algorithm", reason);
	for (size_t i = 0; i < sizeof(required_attributes) / sizeof(required_attributes[0]); i++)
		if (!(attributes & required_attributes[i].bit))
			return fail(VERIFY_UNTRUSTED, required_attributes[i].check, reason);
	/* A key that also decrypts could be made to sign chosen data (TPM2_RSA_Decrypt). */
	if (attributes & TPMA_OBJECT_DECRYPT)
		return fail(VERIFY_UNTRUSTED, "ak.attribute.decrypt", reason);

	/* TPMS_RSA_PARMS. A signing key has no symmetric algorithm, and the fields that
	 * would follow one are absent: anything else is an encoding error. */
	if (!read_u16(reader, &symmetric) || symmetric != TPM2_ALG_NULL)
		return fail(VERIFY_MALFORMED, "ak.symmetric", reason);
	if (!read_u16(reader, &scheme) || !read_u16(reader, &scheme_hash))
		return fail(VERIFY_MALFORMED, "ak.encoding", reason);
	if (scheme != TPM2_ALG_RSASSA || scheme_hash != TPM2_ALG_SHA256)
		return fail(VERIFY_UNTRUSTED, "ak.scheme", reason);
	if (!read_u16(reader, &key_bits) || !read_u32(reader, &exponent))
		return fail(VERIFY_MALFORMED, "ak.encoding", reason);
	if (key_bits != AK_RSA_KEY_BITS)
		return fail(VERIFY_UNTRUSTED, "ak.key_bits", reason);
	if (exponent != 0 && exponent != AK_RSA_DEFAULT_EXPONENT)
		return fail(VERIFY_UNTRUSTED, "ak.exponent", reason);

	/* unique: the modulus, exactly keyBits long. */
	if (!read_u16(reader, &modulus_size) || modulus_size != AK_RSA_MODULUS_SIZE ||
	    !read_bytes(reader, modulus_size, &modulus))
		return fail(VERIFY_MALFORMED, "ak.modulus", reason);
	memcpy(ak->modulus, modulus, AK_RSA_MODULUS_SIZE);
	ak->exponent = AK_RSA_DEFAULT_EXPONENT;
	return VERIFY_TRUSTED;
}

int ak_public_parse(const uint8_t *bytes, size_t size, struct ak_public *ak,
		    const char **reason)
{
	struct reader outer = { bytes, size, 0 };
	struct reader area;
	uint16_t area_size;
	int status;

	memset(ak, 0, sizeof(*ak));
	*reason = "";
	if (!read_u16(&outer, &area_size) || area_size != size - outer.offset)
		return fail(VERIFY_MALFORMED, "ak.size", reason);
	area = (struct reader){ bytes + outer.offset, area_size, 0 };
	status = parse_public_area(&area, ak, reason);
	if (status != VERIFY_TRUSTED)
		goto rejected;
	if (area.offset != area.size) {
		status = fail(VERIFY_MALFORMED, "ak.trailing_bytes", reason);
		goto rejected;
	}

	/* The Name covers the bytes as received, so that it names this exact key. */
	ak->name[0] = TPM2_ALG_SHA256 >> 8;
	ak->name[1] = TPM2_ALG_SHA256 & 0xff;
	if (mbedtls_sha256_ret(area.bytes, area.size, ak->name + 2, 0) != 0) {
		status = fail(VERIFY_CRYPTO_FAILURE, "ak.name", reason);
		goto rejected;
	}
	return VERIFY_TRUSTED;

rejected:
	memset(ak, 0, sizeof(*ak));
	return status;
}
