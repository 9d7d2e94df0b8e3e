/* Strict reading of an AK's TPM2B_PUBLIC, with the reader it shares with the EK's
 * (tpm_public_reader.h): every size and value is checked here. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "ak_public.h"

#include <string.h>

#include <tss2/tss2_tpm2_types.h>

#include "report_verify.h"
#include "tpm_public_reader.h"

#define AK_RSA_KEY_BITS 2048
#define AK_RSA_DEFAULT_EXPONENT 65537
#define SHA256_SIZE 32

/* The profile's attributes, exactly (attest/README.md): its private part was made
 * in this TPM and never leaves it, and it signs only what the TPM itself generated
 * (restricted), so a quote cannot be forged with it. A key that also decrypts could
 * be made to sign chosen data (TPM2_RSA_Decrypt); any other bit is another profile. */
static const struct tpm_attribute_rule profile_attributes[] = {
	{ TPMA_OBJECT_FIXEDTPM, true, "ak.attribute.fixedTPM" },
	{ TPMA_OBJECT_FIXEDPARENT, true, "ak.attribute.fixedParent" },
	{ TPMA_OBJECT_SENSITIVEDATAORIGIN, true, "ak.attribute.sensitiveDataOrigin" },
	{ TPMA_OBJECT_RESTRICTED, true, "ak.attribute.restricted" },
	{ TPMA_OBJECT_SIGN_ENCRYPT, true, "ak.attribute.sign" },
	{ TPMA_OBJECT_DECRYPT, false, "ak.attribute.decrypt" },
};

#define PROFILE_ATTRIBUTES                                                                 \
	(TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN | \
	 TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT)

static int fail(int status, const char *check, const char **reason)
{
	*reason = check;
	return status;
}

/* Reads the TPMT_PUBLIC that follows the size prefix, up to its unique field. */
static int parse_public_area(struct tpm_reader *reader, void *key, const char **reason)
{
	struct ak_public *ak = key;
	uint16_t type, name_algorithm, policy_size, symmetric, scheme, scheme_hash, key_bits;
	uint16_t modulus_size;
	uint32_t attributes, exponent;
	const uint8_t *policy, *modulus;
	int status;

	if (!tpm_read_u16(reader, &type) || !tpm_read_u16(reader, &name_algorithm) ||
	    !tpm_read_u32(reader, &attributes) || !tpm_read_u16(reader, &policy_size))
		return fail(VERIFY_MALFORMED, "ak.encoding", reason);
	/* An authPolicy is empty or one digest of nameAlg. */
	if ((policy_size != 0 && policy_size != SHA256_SIZE) ||
	    !tpm_read_bytes(reader, policy_size, &policy))
		return fail(VERIFY_MALFORMED, "ak.auth_policy", reason);
	if (type != TPM2_ALG_RSA)
		return fail(VERIFY_UNTRUSTED, "ak.type", reason);
	if (name_algorithm != TPM2_ALG_SHA256)
		return fail(VERIFY_UNTRUSTED, "ak.name_algorithm", reason);
	status = tpm_attributes_check(attributes, PROFILE_ATTRIBUTES, profile_attributes,
				      sizeof(profile_attributes) / sizeof(profile_attributes[0]),
				      "ak.attributes", reason);
	if (status != VERIFY_TRUSTED)
		return status;
	/* The profile has none: a policy would be a second way to use the key. */
	if (policy_size != 0)
		return fail(VERIFY_UNTRUSTED, "ak.auth_policy", reason);

	/* TPMS_RSA_PARMS. A signing key has no symmetric algorithm, and the fields that
	 * would follow one are absent: anything else is an encoding error. */
	if (!tpm_read_u16(reader, &symmetric) || symmetric != TPM2_ALG_NULL)
		return fail(VERIFY_MALFORMED, "ak.symmetric", reason);
	if (!tpm_read_u16(reader, &scheme) || !tpm_read_u16(reader, &scheme_hash))
		return fail(VERIFY_MALFORMED, "ak.encoding", reason);
	if (scheme != TPM2_ALG_RSASSA || scheme_hash != TPM2_ALG_SHA256)
		return fail(VERIFY_UNTRUSTED, "ak.scheme", reason);
	if (!tpm_read_u16(reader, &key_bits) || !tpm_read_u32(reader, &exponent))
		return fail(VERIFY_MALFORMED, "ak.encoding", reason);
	if (key_bits != AK_RSA_KEY_BITS)
		return fail(VERIFY_UNTRUSTED, "ak.key_bits", reason);
	if (exponent != 0 && exponent != AK_RSA_DEFAULT_EXPONENT)
		return fail(VERIFY_UNTRUSTED, "ak.exponent", reason);

	/* unique: the modulus, exactly keyBits long. */
	if (!tpm_read_u16(reader, &modulus_size) || modulus_size != AK_RSA_MODULUS_SIZE ||
	    !tpm_read_bytes(reader, modulus_size, &modulus))
		return fail(VERIFY_MALFORMED, "ak.modulus", reason);
	memcpy(ak->modulus, modulus, AK_RSA_MODULUS_SIZE);
	ak->exponent = AK_RSA_DEFAULT_EXPONENT;
	return VERIFY_TRUSTED;
}

int ak_public_parse(const uint8_t *bytes, size_t size, struct ak_public *ak,
		    const char **reason)
{
	static const struct tpm_public_checks checks = { "ak.size", "ak.trailing_bytes",
							 "ak.name" };

	return tpm_public_parse(bytes, size, parse_public_area, &checks, ak, sizeof(*ak),
				ak->name, reason);
}
