/* Verification of securebox reports and key vault signatures, on mbedTLS. The order
 * follows ATTESTATION.md: the report's size, then its signature over the body bytes
 * as received, and only then the body's fields and the reference values. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "report_verify.h"

#include <endian.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(SBX_KEY_SIGN_DOMAIN) - 1 == 20, "key signature domain is 20 bytes");

static const char *const component_names[SBX_MEASURED_COUNT] = {
	[SBX_MEASURED_HYPERVISOR] = "hypervisor",
	[SBX_MEASURED_POLICY] = "policy",
	[SBX_MEASURED_SECUREBOX] = "securebox",
	[SBX_MEASURED_KERNEL] = "kernel",
	[SBX_MEASURED_INITRD] = "initrd",
	[SBX_MEASURED_CMDLINE] = "cmdline",
};

/* Check names must be static: the verdict keeps pointers to them. */
static const char *const component_checks[SBX_MEASURED_COUNT] = {
	[SBX_MEASURED_HYPERVISOR] = "component.hypervisor",
	[SBX_MEASURED_POLICY] = "component.policy",
	[SBX_MEASURED_SECUREBOX] = "component.securebox",
	[SBX_MEASURED_KERNEL] = "component.kernel",
	[SBX_MEASURED_INITRD] = "component.initrd",
	[SBX_MEASURED_CMDLINE] = "component.cmdline",
};

static const char *const pcr_checks[REPORT_PCR_COUNT] = { "pcr.17", "pcr.18", "pcr.19" };

const char *report_component_name(size_t component)
{
	return component < SBX_MEASURED_COUNT ? component_names[component] : NULL;
}

/* Adds a check to the verdict; the first failure sets the status and the reason.
 * Returns `ok`, so that checks chain with &&. */
static bool record(struct report_verdict *verdict, const char *name, bool ok,
		   enum verify_status failure, const char *why)
{
	if (verdict->check_count < REPORT_CHECKS_MAX)
		verdict->checks[verdict->check_count++] = (struct report_check){
			name, ok, ok ? VERIFY_TRUSTED : failure, ok ? NULL : why
		};
	if (!ok && verdict->status == VERIFY_TRUSTED) {
		verdict->status = failure;
		snprintf(verdict->reason, sizeof(verdict->reason), "%s: %s", name, why);
	}
	return ok;
}

/* Reference values may be secret (a nonce, user data): compare without leaking
 * where they differ. */
static bool equal(const void *a, const void *b, size_t size)
{
	return mbedtls_ct_memcmp(a, b, size) == 0;
}

/* --- ECDSA P-256 ------------------------------------------------------------------ */

struct ecdsa_verifier {
	mbedtls_ecp_group group;
	mbedtls_ecp_point public_key;
	mbedtls_mpi r;
	mbedtls_mpi s;
};

static void verifier_init(struct ecdsa_verifier *verifier)
{
	mbedtls_ecp_group_init(&verifier->group);
	mbedtls_ecp_point_init(&verifier->public_key);
	mbedtls_mpi_init(&verifier->r);
	mbedtls_mpi_init(&verifier->s);
}

static void verifier_free(struct ecdsa_verifier *verifier)
{
	mbedtls_ecp_group_free(&verifier->group);
	mbedtls_ecp_point_free(&verifier->public_key);
	mbedtls_mpi_free(&verifier->r);
	mbedtls_mpi_free(&verifier->s);
}

/* One DER INTEGER as r or s: short-form length, non-negative, no needless leading
 * zero. mbedTLS alone would accept other encodings of the same number, which would
 * let anyone make a second valid signature from the first. */
static bool der_integer_read(unsigned char **cursor, const unsigned char *end, mbedtls_mpi *value)
{
	const unsigned char *start = *cursor;
	size_t length;

	if (mbedtls_asn1_get_tag(cursor, end, &length, MBEDTLS_ASN1_INTEGER) ||
	    *cursor - start != 2 || length == 0 || length > SBX_DIGEST_SIZE + 1)
		return false;
	if ((*cursor)[0] & 0x80)
		return false;
	if ((*cursor)[0] == 0 && length > 1 && !((*cursor)[1] & 0x80))
		return false;
	if (mbedtls_mpi_read_binary(value, *cursor, length))
		return false;
	*cursor += length;
	return true;
}

/* SEQUENCE { INTEGER r, INTEGER s }, every byte consumed. A P-256 signature never
 * needs a long-form length, so DER forbids one. */
static bool der_signature_read(struct ecdsa_verifier *verifier, const uint8_t *der, size_t size)
{
	/* mbedTLS's parser takes a non-const cursor, but only reads through it. */
	unsigned char *cursor = (unsigned char *)der;
	const unsigned char *end = der + size;
	size_t length;

	return !mbedtls_asn1_get_tag(&cursor, end, &length,
				     MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) &&
	       cursor - der == 2 && cursor + length == end &&
	       der_integer_read(&cursor, end, &verifier->r) &&
	       der_integer_read(&cursor, end, &verifier->s) &&
	       cursor == end;
}

static bool public_key_is_uncompressed(const uint8_t public_key[SBX_PUBLIC_KEY_SIZE])
{
	return public_key[0] == 0x04;
}

/* Fails for a point off the curve, and (without distinction, failing closed) if
 * mbedTLS cannot allocate. */
static bool public_key_load(struct ecdsa_verifier *verifier,
			    const uint8_t public_key[SBX_PUBLIC_KEY_SIZE])
{
	return !mbedtls_ecp_group_load(&verifier->group, MBEDTLS_ECP_DP_SECP256R1) &&
	       !mbedtls_ecp_point_read_binary(&verifier->group, &verifier->public_key, public_key,
					      SBX_PUBLIC_KEY_SIZE) &&
	       !mbedtls_ecp_check_pubkey(&verifier->group, &verifier->public_key);
}

static bool signature_matches(struct ecdsa_verifier *verifier, const uint8_t hash[SBX_DIGEST_SIZE])
{
	return !mbedtls_ecdsa_verify(&verifier->group, hash, SBX_DIGEST_SIZE, &verifier->public_key,
				     &verifier->r, &verifier->s);
}

/* --- report ------------------------------------------------------------------------ */

static bool signature_check(const uint8_t *payload, const struct sbx_report *report,
			    struct report_verdict *verdict)
{
	const uint8_t *public_key = report->body.identity_public_key;
	const uint32_t signature_size = le32toh(report->signature_size);
	struct ecdsa_verifier verifier;
	uint8_t hash[SBX_DIGEST_SIZE];
	bool ok;

	verifier_init(&verifier);
	ok = record(verdict, "signature_size",
		    signature_size >= 1 && signature_size <= SBX_SIGNATURE_MAX, VERIFY_MALFORMED,
		    "outside 1..72 bytes") &&
	     record(verdict, "signature_encoding",
		    der_signature_read(&verifier, report->signature, signature_size),
		    VERIFY_MALFORMED, "not exactly one DER ECDSA signature") &&
	     record(verdict, "identity_key_encoding", public_key_is_uncompressed(public_key),
		    VERIFY_MALFORMED, "not an uncompressed point (0x04 prefix)") &&
	     record(verdict, "identity_key_on_curve", public_key_load(&verifier, public_key),
		    VERIFY_CRYPTO_FAILURE, "not a point on P-256") &&
	     record(verdict, "signature",
		    !mbedtls_sha256_ret(payload, sizeof(struct sbx_report_body), hash, 0) &&
		    signature_matches(&verifier, hash),
		    VERIFY_CRYPTO_FAILURE, "does not verify with the identity key");
	verifier_free(&verifier);
	return ok;
}

static bool all_zero(const uint8_t *bytes, size_t size)
{
	uint8_t accumulated = 0;

	for (size_t i = 0; i < size; i++)
		accumulated |= bytes[i];
	return accumulated == 0;
}

static bool form_check(const struct sbx_report_body *body, struct report_verdict *verdict)
{
	return record(verdict, "magic", le32toh(body->magic) == SBX_REPORT_MAGIC,
		      VERIFY_MALFORMED, "not SBXR") &&
	       record(verdict, "version", le32toh(body->version) == SBX_REPORT_VERSION,
		      VERIFY_MALFORMED, "unsupported report version") &&
	       record(verdict, "reserved", body->reserved == 0 &&
		      all_zero(body->padding, sizeof(body->padding)),
		      VERIFY_MALFORMED, "reserved or padding bytes are not zero") &&
	       record(verdict, "flags", (le32toh(body->flags) & ~SBX_REPORT_FLAG_UNMEASURED) == 0,
		      VERIFY_MALFORMED, "unknown flags set");
}

/* Tries every allowed value, so that the time taken does not tell which matched. */
static bool digest_allowed(const uint8_t digest[SBX_DIGEST_SIZE],
			   const struct allowed_digests *allowed)
{
	bool found = false;

	for (size_t i = 0; i < allowed->count; i++)
		found |= equal(digest, allowed->values[i], SBX_DIGEST_SIZE);
	return found;
}

static void reference_check(const struct sbx_report_body *body,
			    const struct report_expectations *expected,
			    struct report_verdict *verdict)
{
	const bool unmeasured = le32toh(body->flags) & SBX_REPORT_FLAG_UNMEASURED;

	record(verdict, "nonce", equal(body->nonce, expected->nonce, SBX_NONCE_SIZE),
	       VERIFY_UNTRUSTED, "differs from the verifier's nonce");
	if (expected->check_user_data)
		record(verdict, "user_data",
		       equal(body->user_data, expected->user_data, SBX_USER_DATA_SIZE),
		       VERIFY_UNTRUSTED, "differs from the expected user data");
	if (expected->check_identity_key_digest) {
		uint8_t digest[SBX_DIGEST_SIZE];

		record(verdict, "identity_key_digest",
		       !mbedtls_sha256_ret(body->identity_public_key, SBX_PUBLIC_KEY_SIZE, digest,
					   0) &&
		       equal(digest, expected->identity_key_digest, SBX_DIGEST_SIZE),
		       VERIFY_UNTRUSTED, "the identity key is not the one measured into PCR 18");
	}
	for (size_t i = 0; i < SBX_MEASURED_COUNT; i++)
		if (expected->components[i].count)
			record(verdict, component_checks[i],
			       digest_allowed(body->component_digests[i], &expected->components[i]),
			       VERIFY_UNTRUSTED, "matches none of the allowed digests");
	for (size_t i = 0; i < REPORT_PCR_COUNT; i++)
		if (expected->check_pcr[i])
			record(verdict, pcr_checks[i],
			       equal(body->pcrs[i], expected->pcrs[i], SBX_DIGEST_SIZE),
			       VERIFY_UNTRUSTED, "differs from the expected value");
	record(verdict, "unmeasured", !unmeasured || expected->allow_unmeasured, VERIFY_UNTRUSTED,
	       "booted without a TPM: no PCR vouches for the digests");
}

int report_verify(const uint8_t *payload, size_t size, const struct report_expectations *expected,
		  struct report_verdict *verdict)
{
	struct sbx_report report;

	memset(verdict, 0, sizeof(*verdict));
	verdict->status = VERIFY_TRUSTED;
	if (!record(verdict, "report_size", size == sizeof(report), VERIFY_MALFORMED,
		    "not the size of a struct sbx_report"))
		return verdict->status;
	/* A copy: the payload need not be aligned for the struct. */
	memcpy(&report, payload, sizeof(report));
	if (signature_check(payload, &report, verdict) && form_check(&report.body, verdict))
		reference_check(&report.body, expected, verdict);
	return verdict->status;
}

/* --- key vault signatures ----------------------------------------------------------- */

static bool key_sign_hash(uint32_t usage, const uint8_t label[SBX_KEY_LABEL_SIZE],
			  const uint8_t digest[SBX_DIGEST_SIZE], uint8_t hash[SBX_DIGEST_SIZE])
{
	const uint8_t usage_le[4] = { (uint8_t)usage, (uint8_t)(usage >> 8), (uint8_t)(usage >> 16),
				      (uint8_t)(usage >> 24) };
	mbedtls_sha256_context context;
	bool ok;

	mbedtls_sha256_init(&context);
	ok = !mbedtls_sha256_starts_ret(&context, 0) &&
	     !mbedtls_sha256_update_ret(&context, (const unsigned char *)SBX_KEY_SIGN_DOMAIN,
					sizeof(SBX_KEY_SIGN_DOMAIN) - 1) &&
	     !mbedtls_sha256_update_ret(&context, usage_le, sizeof(usage_le)) &&
	     !mbedtls_sha256_update_ret(&context, label, SBX_KEY_LABEL_SIZE) &&
	     !mbedtls_sha256_update_ret(&context, digest, SBX_DIGEST_SIZE) &&
	     !mbedtls_sha256_finish_ret(&context, hash);
	mbedtls_sha256_free(&context);
	return ok;
}

int key_signature_verify(const uint8_t public_key[SBX_PUBLIC_KEY_SIZE], uint32_t usage,
			 const uint8_t label[SBX_KEY_LABEL_SIZE],
			 const uint8_t digest[SBX_DIGEST_SIZE], const uint8_t *der, size_t der_size)
{
	struct ecdsa_verifier verifier;
	uint8_t hash[SBX_DIGEST_SIZE];
	int status;

	if (der_size == 0 || der_size > SBX_SIGNATURE_MAX ||
	    !public_key_is_uncompressed(public_key))
		return VERIFY_MALFORMED;
	verifier_init(&verifier);
	if (!der_signature_read(&verifier, der, der_size))
		status = VERIFY_MALFORMED;
	else if (!public_key_load(&verifier, public_key) ||
		 !key_sign_hash(usage, label, digest, hash) || !signature_matches(&verifier, hash))
		status = VERIFY_CRYPTO_FAILURE;
	else
		status = VERIFY_TRUSTED;
	verifier_free(&verifier);
	return status;
}
