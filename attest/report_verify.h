/* Verification of what the securebox signs: its REPORT, and signatures made by key
 * vault keys (include/sbx/service.h). The report's own identity key is taken on
 * trust here; the caller binds it to the machine by comparing its digest with the
 * PCR 18 event of a quoted hypervisor event log (ATTESTATION.md, steps 14-15). */
#ifndef SBX_REPORT_VERIFY_H
#define SBX_REPORT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbx/service.h"

/* Ordered as the exit codes of sbx-verify-report, which uses these values. */
enum verify_status {
	VERIFY_TRUSTED = 0,          /* every check passed */
	VERIFY_UNTRUSTED = 1,        /* authentic, but differs from a reference value */
	VERIFY_MALFORMED = 2,        /* wrong size, encoding or field value */
	VERIFY_CRYPTO_FAILURE = 3,   /* the key is no P-256 point, or the signature fails */
};

/* The values a component may have; count 0 leaves the component unchecked. Several
 * are allowed so that a fleet stays trusted through an update. */
struct allowed_digests {
	const uint8_t (*values)[SBX_DIGEST_SIZE];
	size_t count;
};

#define REPORT_PCR_COUNT 3   /* PCR 17, 18, 19: struct sbx_report_body.pcrs */

struct report_expectations {
	uint8_t nonce[SBX_NONCE_SIZE];                     /* always checked */
	bool check_user_data;
	uint8_t user_data[SBX_USER_DATA_SIZE];
	/* SHA-256 of the identity public key, from the PCR 18 event of the event log. */
	bool check_identity_key_digest;
	uint8_t identity_key_digest[SBX_DIGEST_SIZE];
	struct allowed_digests components[SBX_MEASURED_COUNT];   /* enum sbx_measured_component */
	bool check_pcr[REPORT_PCR_COUNT];
	uint8_t pcrs[REPORT_PCR_COUNT][SBX_DIGEST_SIZE];
	/* Accept a report of a boot without a TPM, whose digests no PCR vouches for. */
	bool allow_unmeasured;
};

#define REPORT_CHECKS_MAX 32
#define REPORT_REASON_SIZE 128

struct report_check {
	const char *name;   /* static, e.g. "signature", "component.kernel", "pcr.18" */
	bool ok;
	/* When not ok: what the failure makes of the report, and why (static). */
	enum verify_status status;
	const char *why;
};

/* The checks made, in order. Checks of the report's form and signature stop at the
 * first failure, since nothing after it can be believed; the comparisons with
 * reference values that follow are all made, so that every mismatch shows. */
struct report_verdict {
	enum verify_status status;
	struct report_check checks[REPORT_CHECKS_MAX];
	size_t check_count;
	char reason[REPORT_REASON_SIZE];   /* the first failed check and why; "" if trusted */
};

/* `payload` is the REPORT response payload: a struct sbx_report, exactly. The
 * signature is verified over the body as received before any field is read.
 * Returns verdict->status. */
int report_verify(const uint8_t *payload, size_t size, const struct report_expectations *expected,
		  struct report_verdict *verdict);

/* Verifies a KEY_SIGN signature: DER ECDSA over
 * SHA-256(SBX_KEY_SIGN_DOMAIN || usage, little-endian || label || digest) by
 * `public_key`, an uncompressed P-256 point. Returns an enum verify_status:
 * VERIFY_TRUSTED if the signature is good. */
int key_signature_verify(const uint8_t public_key[SBX_PUBLIC_KEY_SIZE], uint32_t usage,
			 const uint8_t label[SBX_KEY_LABEL_SIZE],
			 const uint8_t digest[SBX_DIGEST_SIZE], const uint8_t *der, size_t der_size);

/* "hypervisor", "policy", ... for enum sbx_measured_component, as the hypervisor
 * names them; NULL past SBX_MEASURED_COUNT. */
const char *report_component_name(size_t component);

#endif
