/* Strict reading of an EK's TPM2B_PUBLIC: only the TCG default RSA-2048 EK (EK
 * Credential Profile 2.0, template L-1) is accepted, field by field, because the
 * verifier encrypts credentials to it and relies on what the template promises: the
 * key never leaves this TPM, and it decrypts only under the endorsement
 * hierarchy's PolicySecret. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "ek_identity.h"

#include <string.h>

#include <tss2/tss2_tpm2_types.h>

#include "report_verify.h"
#include "tpm_public_reader.h"

#define EK_RSA_KEY_BITS 2048
#define EK_RSA_DEFAULT_EXPONENT 65537
#define EK_SYMMETRIC_KEY_BITS 128
#define SHA256_SIZE 32

/* TPM2_PolicySecret(TPM_RH_ENDORSEMENT) from an empty policy digest, SHA-256: the
 * authPolicy of template L-1 (EK Credential Profile 2.0, annex B). */
static const uint8_t endorsement_policy[SHA256_SIZE] = {
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5,
	0xd7, 0x24, 0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b,
	0x33, 0x14, 0x69, 0xaa,
};

/* Template L-1's attributes, exactly: each bit it has, and each it lacks, is named
 * when it differs. */
static const struct tpm_attribute_rule template_attributes[] = {
	{ TPMA_OBJECT_FIXEDTPM, true, "ek.attribute.fixedTPM" },
	{ TPMA_OBJECT_FIXEDPARENT, true, "ek.attribute.fixedParent" },
	{ TPMA_OBJECT_SENSITIVEDATAORIGIN, true, "ek.attribute.sensitiveDataOrigin" },
	{ TPMA_OBJECT_ADMINWITHPOLICY, true, "ek.attribute.adminWithPolicy" },
	{ TPMA_OBJECT_RESTRICTED, true, "ek.attribute.restricted" },
	{ TPMA_OBJECT_DECRYPT, true, "ek.attribute.decrypt" },
	/* With userWithAuth, the empty endorsement auth value would unlock the key
	 * without the policy. */
	{ TPMA_OBJECT_USERWITHAUTH, false, "ek.attribute.userWithAuth" },
	{ TPMA_OBJECT_SIGN_ENCRYPT, false, "ek.attribute.sign" },
	{ TPMA_OBJECT_NODA, false, "ek.attribute.noDA" },
	{ TPMA_OBJECT_ENCRYPTEDDUPLICATION, false, "ek.attribute.encryptedDuplication" },
};

#define TEMPLATE_ATTRIBUTES                                                                \
	(TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN | \
	 TPMA_OBJECT_ADMINWITHPOLICY | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT)

static int fail(int status, const char *check, const char **reason)
{
	*reason = check;
	return status;
}

/* TPMT_SYM_DEF_OBJECT: AES-128 in CFB mode. Other algorithms are a well-formed key
 * of another template, but their fields are not read: their layout differs. */
static int check_symmetric(struct tpm_reader *reader, const char **reason)
{
	uint16_t algorithm, key_bits, mode;

	if (!tpm_read_u16(reader, &algorithm))
		return fail(VERIFY_MALFORMED, "ek.encoding", reason);
	if (algorithm != TPM2_ALG_AES)
		return fail(VERIFY_UNTRUSTED, "ek.symmetric", reason);
	if (!tpm_read_u16(reader, &key_bits) || !tpm_read_u16(reader, &mode))
		return fail(VERIFY_MALFORMED, "ek.encoding", reason);
	if (key_bits != EK_SYMMETRIC_KEY_BITS || mode != TPM2_ALG_CFB)
		return fail(VERIFY_UNTRUSTED, "ek.symmetric", reason);
	return VERIFY_TRUSTED;
}

/* Reads the TPMT_PUBLIC that follows the size prefix, up to its unique field. */
static int parse_public_area(struct tpm_reader *reader, void *key, const char **reason)
{
	struct ek_public *ek = key;
	uint16_t type, name_algorithm, policy_size, scheme, key_bits, modulus_size;
	uint32_t attributes, exponent;
	const uint8_t *policy, *modulus;
	int status;

	if (!tpm_read_u16(reader, &type) || !tpm_read_u16(reader, &name_algorithm) ||
	    !tpm_read_u32(reader, &attributes) || !tpm_read_u16(reader, &policy_size))
		return fail(VERIFY_MALFORMED, "ek.encoding", reason);
	/* An authPolicy is empty or one digest of nameAlg. */
	if ((policy_size != 0 && policy_size != SHA256_SIZE) ||
	    !tpm_read_bytes(reader, policy_size, &policy))
		return fail(VERIFY_MALFORMED, "ek.auth_policy", reason);
	if (type != TPM2_ALG_RSA)
		return fail(VERIFY_UNTRUSTED, "ek.type", reason);
	if (name_algorithm != TPM2_ALG_SHA256)
		return fail(VERIFY_UNTRUSTED, "ek.name_algorithm", reason);
	status = tpm_attributes_check(attributes, TEMPLATE_ATTRIBUTES, template_attributes,
				      sizeof(template_attributes) / sizeof(template_attributes[0]),
				      "ek.attributes", reason);
	if (status != VERIFY_TRUSTED)
		return status;
	if (policy_size != SHA256_SIZE ||
	    memcmp(policy, endorsement_policy, sizeof(endorsement_policy)) != 0)
		return fail(VERIFY_UNTRUSTED, "ek.auth_policy", reason);

	/* TPMS_RSA_PARMS. A restricted decryption key has a NULL scheme, which has no
	 * details; any other scheme is another template. */
	status = check_symmetric(reader, reason);
	if (status != VERIFY_TRUSTED)
		return status;
	if (!tpm_read_u16(reader, &scheme))
		return fail(VERIFY_MALFORMED, "ek.encoding", reason);
	if (scheme != TPM2_ALG_NULL)
		return fail(VERIFY_UNTRUSTED, "ek.scheme", reason);
	if (!tpm_read_u16(reader, &key_bits) || !tpm_read_u32(reader, &exponent))
		return fail(VERIFY_MALFORMED, "ek.encoding", reason);
	if (key_bits != EK_RSA_KEY_BITS)
		return fail(VERIFY_UNTRUSTED, "ek.key_bits", reason);
	/* The template says 0, the default exponent; a TPM echoes the template. */
	if (exponent != 0)
		return fail(VERIFY_UNTRUSTED, "ek.exponent", reason);

	/* unique: the modulus, exactly keyBits long, so its top bit is set. */
	if (!tpm_read_u16(reader, &modulus_size) || modulus_size != EK_RSA_MODULUS_SIZE ||
	    !tpm_read_bytes(reader, modulus_size, &modulus) || !(modulus[0] & 0x80))
		return fail(VERIFY_MALFORMED, "ek.modulus", reason);
	memcpy(ek->modulus, modulus, EK_RSA_MODULUS_SIZE);
	ek->exponent = EK_RSA_DEFAULT_EXPONENT;
	return VERIFY_TRUSTED;
}

int ek_public_parse(const uint8_t *bytes, size_t size, struct ek_public *ek,
		    const char **reason)
{
	static const struct tpm_public_checks checks = { "ek.size", "ek.trailing_bytes",
							 "ek.name" };

	return tpm_public_parse(bytes, size, parse_public_area, &checks, ek, sizeof(*ek),
				ek->name, reason);
}
