/* One attestation, checked end to end (ATTESTATION.md, steps 2 and 4-16): the nonce
 * and its age, the AK against its enrolment, the quote, both event logs replayed into
 * the quoted PCRs, the hypervisor log against the reference components, and the
 * securebox report bound to the same nonce and to the identity key in PCR 18. Every
 * check lands in a verdict (verdict.h), failed or skipped ones with a reason; nothing
 * not positively verified is trusted. */
#ifndef SBX_ATTEST_ATTESTATION_VERIFY_H
#define SBX_ATTEST_ATTESTATION_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "enrollment.h"
#include "evidence.h"
#include "quote_verify.h"
#include "reference.h"
#include "verdict.h"

/* Returns 1 and fills `enrollment` if the AK called `ak_name` is enrolled, 0 if it is
 * not, -1 with `reason` if its record cannot be read: enrollment_load()'s contract,
 * so that the CLI passes the state directory and a test an in-memory table. */
typedef int (*enrollment_lookup)(void *context, const uint8_t ak_name[AK_NAME_SIZE],
				 struct enrollment *enrollment,
				 char reason[ENROLLMENT_REASON_SIZE]);

struct attestation_input {
	const struct evidence *evidence;
	const struct reference *reference;
	enrollment_lookup lookup;
	void *lookup_context;
	const uint8_t *nonce;   /* SBX_NONCE_SIZE bytes: the one the verifier sent */
	/* Live verification: the evidence must have arrived within `time_limit_ms` of
	 * the nonce being issued (both CLOCK_MONOTONIC, in milliseconds). Offline, the
	 * nonce is the file's own and freshness is not judged. */
	bool live;
	uint64_t issued_ms;
	uint64_t received_ms;
	uint64_t time_limit_ms;
};

struct attestation_result {
	/* The AK's enrolment and the quote's clock: when the verdict is trusted, the
	 * caller stores these counts (enrollment_store) so that they never go down. */
	bool enrolled;
	struct enrollment enrollment;
	struct quote_clock clock;
};

/* Fills `verdict` (which it initialises) and `result`; returns verdict_outcome(). */
int attestation_verify(const struct attestation_input *input, struct verdict *verdict,
		       struct attestation_result *result);

/* The qualified name of a primary key in the endorsement hierarchy (TPM 2.0 Part 1,
 * "Qualified Name"): nameAlg || SHA-256(TPM_RH_ENDORSEMENT, big-endian || Name).
 * Returns 0, or -1 if hashing failed. */
int ak_qualified_name(const uint8_t ak_name[AK_NAME_SIZE], uint8_t qualified_name[AK_NAME_SIZE]);

#endif
