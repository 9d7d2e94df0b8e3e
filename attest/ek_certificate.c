/* The EK certificate's chain to the pinned CA (ATTESTATION.md, step 1), on mbedTLS
 * X.509. swtpm's EK certificates (swtpm 0.7.1) parse as they are: their critical
 * subjectAltName holds only a directoryName (the TPM's manufacturer, model and
 * version), which mbedTLS 2.28 keeps without interpreting, and their other TCG
 * extensions (subjectDirectoryAttributes, authorityKeyIdentifier) are not critical.
 * So no extension callback is installed, and a critical extension that mbedTLS does
 * not know still makes a certificate malformed. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "ek_identity.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/bignum.h"
#include "mbedtls/md.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/rsa.h"
#include "mbedtls/x509_crt.h"

#include "report_verify.h"

/* A root, intermediates and the EK certificate: a path of more is not swtpm's. */
#define PATH_LENGTH_MAX 8

/* tcg-kp-EKCertificate (2.23.133.8.1), the extended key usage of an EK certificate:
 * tcg (2.23.133) is 0x67 0x81 0x05 in DER. */
static const char ek_certificate_usage[] = "\x67\x81\x05\x08\x01";
/* id-ce-authorityKeyIdentifier (2.5.29.35) and id-ce-subjectKeyIdentifier (2.5.29.14). */
static const char authority_key_id_oid[] = MBEDTLS_OID_ID_CE "\x23";
static const char subject_key_id_oid[] = MBEDTLS_OID_ID_CE "\x0e";

struct check_context {
	char *reason;
	size_t reason_size;
};

static int fail(struct check_context *context, int status, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct check_context *context, int status, const char *format, ...)
{
	va_list arguments;

	if (context->reason && context->reason_size) {
		va_start(arguments, format);
		vsnprintf(context->reason, context->reason_size, format, arguments);
		va_end(arguments);
	}
	return status;
}

/* A pinned file is configuration, not evidence: failing to read it is a usage error. */
static int load_pinned(mbedtls_x509_crt *certificates, const char *path, const char *what,
		       struct check_context *context)
{
	int result = mbedtls_x509_crt_parse_file(certificates, path);

	if (result == MBEDTLS_ERR_PK_FILE_IO_ERROR)
		return fail(context, -1, "ek_certificate.%s: cannot read %s", what, path);
	/* A positive result counts certificates that did not parse. */
	if (result != 0)
		return fail(context, -1, "ek_certificate.%s: %s is not a list of PEM certificates",
			    what, path);
	return 0;
}

static bool same_buffer(const mbedtls_x509_buf *first, const mbedtls_x509_buf *second)
{
	return first->len == second->len && memcmp(first->p, second->p, first->len) == 0;
}

/* The extnValue of the extension `oid`, or false if the certificate has none. */
static bool find_extension(const mbedtls_x509_crt *certificate, const char *oid,
			   size_t oid_size, mbedtls_x509_buf *value)
{
	unsigned char *p = certificate->v3_ext.p;
	const unsigned char *end;
	size_t size;

	/* A certificate without extensions has no buffer: p is NULL, and even NULL + 0
	 * is undefined. */
	if (certificate->v3_ext.len == 0)
		return false;
	end = p + certificate->v3_ext.len;
	if (mbedtls_asn1_get_tag(&p, end, &size, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
		return false;
	while (p < end) {
		unsigned char *extension_end;
		mbedtls_x509_buf extension_oid;
		int critical;

		if (mbedtls_asn1_get_tag(&p, end, &size,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
			return false;
		extension_end = p + size;
		if (mbedtls_asn1_get_tag(&p, extension_end, &extension_oid.len, MBEDTLS_ASN1_OID))
			return false;
		extension_oid.p = p;
		p += extension_oid.len;
		/* Present or not, criticality changes nothing for a key identifier. */
		(void)mbedtls_asn1_get_bool(&p, extension_end, &critical);
		if (mbedtls_asn1_get_tag(&p, extension_end, &size, MBEDTLS_ASN1_OCTET_STRING))
			return false;
		if (extension_oid.len == oid_size && memcmp(extension_oid.p, oid, oid_size) == 0) {
			value->p = p;
			value->len = size;
			return true;
		}
		p = extension_end;
	}
	return false;
}

/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING
 * OPTIONAL, ... }; SubjectKeyIdentifier ::= OCTET STRING. */
static bool authority_key_id(const mbedtls_x509_crt *certificate, mbedtls_x509_buf *key_id)
{
	mbedtls_x509_buf value;
	unsigned char *p;
	size_t size;

	if (!find_extension(certificate, authority_key_id_oid, sizeof(authority_key_id_oid) - 1,
			    &value))
		return false;
	p = value.p;
	if (mbedtls_asn1_get_tag(&p, value.p + value.len, &size,
				 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
	    mbedtls_asn1_get_tag(&p, value.p + value.len, &key_id->len,
				 MBEDTLS_ASN1_CONTEXT_SPECIFIC | 0))
		return false;
	key_id->p = p;
	return true;
}

static bool subject_key_id(const mbedtls_x509_crt *certificate, mbedtls_x509_buf *key_id)
{
	mbedtls_x509_buf value;
	unsigned char *p;

	if (!find_extension(certificate, subject_key_id_oid, sizeof(subject_key_id_oid) - 1,
			    &value))
		return false;
	p = value.p;
	if (mbedtls_asn1_get_tag(&p, value.p + value.len, &key_id->len, MBEDTLS_ASN1_OCTET_STRING))
		return false;
	key_id->p = p;
	return true;
}

/* The certificate among `candidates` that names itself as `child`'s issuer, by name
 * and, where both carry one, by key identifier. */
static const mbedtls_x509_crt *find_issuer(const mbedtls_x509_crt *child,
					   const mbedtls_x509_crt *candidates)
{
	mbedtls_x509_buf authority, subject;
	bool has_authority = authority_key_id(child, &authority);

	for (const mbedtls_x509_crt *candidate = candidates; candidate;
	     candidate = candidate->next) {
		if (candidate == child || !same_buffer(&child->issuer_raw, &candidate->subject_raw))
			continue;
		if (has_authority && subject_key_id(candidate, &subject) &&
		    !same_buffer(&authority, &subject))
			continue;
		return candidate;
	}
	return NULL;
}

static bool signed_by(const mbedtls_x509_crt *child, const mbedtls_x509_crt *issuer)
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(child->sig_md);
	uint8_t hash[MBEDTLS_MD_MAX_SIZE];

	return md && mbedtls_md(md, child->tbs.p, child->tbs.len, hash) == 0 &&
	       mbedtls_pk_verify_ext(child->sig_pk, child->sig_opts,
				     (mbedtls_pk_context *)&issuer->pk, child->sig_md, hash,
				     mbedtls_md_get_size(md), child->sig.p, child->sig.len) == 0;
}

/* mbedTLS reports a broken signature and an unknown issuer alike (NOT_TRUSTED). The
 * path is walked again to tell them apart: an issuer that is found by name and key
 * identifier but whose key does not verify the signature means a signature of the
 * chain fails; an issuer that is not found means the chain leads to another root.
 * `leaf` has the intermediates linked after it. */
static int explain_untrusted(const mbedtls_x509_crt *leaf, const mbedtls_x509_crt *root,
			     struct check_context *context)
{
	static const char unknown_issuer[] =
		"ek_certificate.issuer: the chain does not lead to the pinned root";
	const mbedtls_x509_crt *child = leaf;

	for (int depth = 0; depth < PATH_LENGTH_MAX; depth++) {
		const mbedtls_x509_crt *issuer;

		/* A root from the chain file is no issuer the verifier pinned. */
		if (same_buffer(&child->issuer_raw, &child->subject_raw))
			break;
		issuer = find_issuer(child, leaf->next);
		if (!issuer && find_issuer(child, root))
			issuer = root;
		if (!issuer)
			return fail(context, VERIFY_UNTRUSTED, "%s", unknown_issuer);
		if (!signed_by(child, issuer))
			return fail(context, VERIFY_CRYPTO_FAILURE,
				    "ek_certificate.signature: a certificate of the chain "
				    "fails its issuer's signature check");
		if (issuer == root)
			return fail(context, VERIFY_UNTRUSTED,
				    "ek_certificate.chain: the signatures hold, but an issuer "
				    "may not issue certificates (CA, keyCertSign, path length)");
		child = issuer;
	}
	return fail(context, VERIFY_UNTRUSTED, "%s", unknown_issuer);
}

static int check_chain(mbedtls_x509_crt *leaf, mbedtls_x509_crt *root,
		       struct check_context *context)
{
	uint32_t flags = 0;
	char info[256];
	int result = mbedtls_x509_crt_verify(leaf, root, NULL, NULL, &flags, NULL, NULL);

	if (result == 0 && flags == 0)
		return VERIFY_TRUSTED;
	if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
		return explain_untrusted(leaf, root, context);
	if (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE))
		return fail(context, VERIFY_UNTRUSTED,
			    "ek_certificate.dates: a certificate of the chain is %s",
			    flags & MBEDTLS_X509_BADCERT_EXPIRED ? "expired" : "not yet valid");
	if (flags == 0)
		return fail(context, VERIFY_UNTRUSTED,
			    "ek_certificate.chain: mbedTLS error -0x%04x", (unsigned int)-result);
	/* Algorithms outside mbedTLS's default profile, CA key usage, and the like. */
	if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags) < 0)
		info[0] = '\0';
	info[strcspn(info, "\n")] = '\0';
	return fail(context, VERIFY_UNTRUSTED, "ek_certificate.chain: %s", info);
}

/* The certified key must be exactly the EK's: RSA, same modulus, same exponent. */
static int check_key(const mbedtls_x509_crt *certificate, const struct ek_public *ek,
		     struct check_context *context)
{
	mbedtls_mpi modulus, exponent, ek_modulus;
	int status = VERIFY_UNTRUSTED;

	if (mbedtls_pk_get_type(&certificate->pk) != MBEDTLS_PK_RSA)
		return fail(context, VERIFY_UNTRUSTED,
			    "ek_certificate.key: the certified key is not an RSA key");
	mbedtls_mpi_init(&modulus);
	mbedtls_mpi_init(&exponent);
	mbedtls_mpi_init(&ek_modulus);
	if (mbedtls_rsa_export(mbedtls_pk_rsa(certificate->pk), &modulus, NULL, NULL, NULL,
			       &exponent) != 0 ||
	    mbedtls_mpi_read_binary(&ek_modulus, ek->modulus, sizeof(ek->modulus)) != 0)
		fail(context, VERIFY_UNTRUSTED, "ek_certificate.key: cannot read the key");
	else if (mbedtls_mpi_cmp_mpi(&modulus, &ek_modulus) != 0 ||
		 mbedtls_mpi_cmp_int(&exponent, ek->exponent) != 0)
		fail(context, VERIFY_UNTRUSTED,
		     "ek_certificate.key: the certificate is for another key than the EK");
	else
		status = VERIFY_TRUSTED;
	mbedtls_mpi_free(&modulus);
	mbedtls_mpi_free(&exponent);
	mbedtls_mpi_free(&ek_modulus);
	return status;
}

/* What the EK certificate itself must say (EK Credential Profile 2.0): an end
 * entity whose key encrypts (keyEncipherment), certified for EKs if it names uses. */
static int check_usage(const mbedtls_x509_crt *certificate, struct check_context *context)
{
	if (certificate->ca_istrue)
		return fail(context, VERIFY_UNTRUSTED,
			    "ek_certificate.basic_constraints: it is a CA certificate");
	/* mbedTLS allows every use when keyUsage is absent; an EK certificate has one. */
	if (!(certificate->ext_types & MBEDTLS_X509_EXT_KEY_USAGE) ||
	    mbedtls_x509_crt_check_key_usage(certificate, MBEDTLS_X509_KU_KEY_ENCIPHERMENT) != 0)
		return fail(context, VERIFY_UNTRUSTED,
			    "ek_certificate.key_usage: keyEncipherment is not allowed");
	if (mbedtls_x509_crt_check_extended_key_usage(certificate, ek_certificate_usage,
						      sizeof(ek_certificate_usage) - 1) != 0)
		return fail(context, VERIFY_UNTRUSTED,
			    "ek_certificate.extended_key_usage: not an EK certificate");
	return VERIFY_TRUSTED;
}

static int parse_certificate(mbedtls_x509_crt *certificate, const uint8_t *der,
			     size_t der_size, struct check_context *context)
{
	int result;

	if (!der || der_size == 0)
		return fail(context, VERIFY_MALFORMED, "ek_certificate.parse: it is empty");
	result = mbedtls_x509_crt_parse_der(certificate, der, der_size);
	if (result != 0)
		return fail(context, VERIFY_MALFORMED,
			    "ek_certificate.parse: not an X.509 certificate (mbedTLS -0x%04x)",
			    (unsigned int)-result);
	/* mbedTLS reads one certificate and ignores what follows it. */
	if (certificate->raw.len != der_size)
		return fail(context, VERIFY_MALFORMED,
			    "ek_certificate.parse: bytes follow the certificate");
	if (certificate->version != 3)
		return fail(context, VERIFY_MALFORMED, "ek_certificate.parse: not X.509 version 3");
	return VERIFY_TRUSTED;
}

int ek_certificate_check(const uint8_t *der, size_t der_size, const char *root_pem_path,
			 const char *chain_pem_path, const struct ek_public *ek, char *reason,
			 size_t reason_size)
{
	struct check_context context = { reason, reason_size };
	mbedtls_x509_crt root, intermediates, certificate;
	int status;

	if (reason && reason_size)
		reason[0] = '\0';
	if (!root_pem_path || !ek)
		return fail(&context, -1, "ek_certificate: no pinned root or no EK");
	mbedtls_x509_crt_init(&root);
	mbedtls_x509_crt_init(&intermediates);
	mbedtls_x509_crt_init(&certificate);

	status = load_pinned(&root, root_pem_path, "root", &context);
	if (status == 0 && root.next)
		status = fail(&context, -1,
			      "ek_certificate.root: %s holds more than one certificate",
			      root_pem_path);
	if (status == 0 && chain_pem_path)
		status = load_pinned(&intermediates, chain_pem_path, "chain", &context);
	if (status != 0)
		goto out;

	status = parse_certificate(&certificate, der, der_size, &context);
	if (status != VERIFY_TRUSTED)
		goto out;
	/* The intermediates follow the certificate, where mbedTLS looks for untrusted
	 * issuers; they are unlinked before anything is freed. */
	if (chain_pem_path)
		certificate.next = &intermediates;
	status = check_chain(&certificate, &root, &context);
	certificate.next = NULL;
	if (status == VERIFY_TRUSTED)
		status = check_usage(&certificate, &context);
	if (status == VERIFY_TRUSTED)
		status = check_key(&certificate, ek, &context);
out:
	mbedtls_x509_crt_free(&certificate);
	mbedtls_x509_crt_free(&intermediates);
	mbedtls_x509_crt_free(&root);
	return status;
}
