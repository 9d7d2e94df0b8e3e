/* The fixed verifier side of the attestation fuzzers, and the trusted machine they
 * start from: the software attester of the unit tests (tests/unit/attester_model.h)
 * makes evidence that passes every check against the reference and the enrolment
 * held here, so that mutations begin from a trusted verdict. */
#ifndef SBX_FUZZ_ATTESTATION_FIXTURE_H
#define SBX_FUZZ_ATTESTATION_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "attestation_verify.h"
#include "attester_model.h"
#include "evidence_fields.h"

struct attestation_fixture {
	struct attester_config config;    /* the good machine: attester_defaults() */
	struct attester_output output;    /* its evidence */
	struct reference reference;
	struct enrollment enrollment;     /* its AK, enrolled */
};

extern struct attestation_fixture fixture;

/* Makes the keys and the trusted machine's evidence. Returns 0, or -1. */
int attestation_fixture_start(void);

/* An enrollment_lookup over the one enrolled AK of the fixture. */
int attestation_fixture_lookup(void *context, const uint8_t ak_name[AK_NAME_SIZE],
			       struct enrollment *enrollment,
			       char reason[ENROLLMENT_REASON_SIZE]);

/* The evidence response line the agent would send for `output` (attest/README.md),
 * newline included, malloc'ed; NULL if out of memory. */
char *attestation_fixture_line(const struct attester_config *config,
			       const struct attester_output *output);

/* The binary fields of `output`, as views into it, framed with `flags`. */
void attestation_fixture_fields(const struct attester_output *output, uint8_t flags,
				struct evidence_fields *fields);

/* What any verdict must be, aborting otherwise: `status` is its outcome, every
 * check named, a failed one with its reason, the JSON one line that parses; and a
 * trusted one (every check ok or skipped) holds logs that replay to the trusted
 * machine's PCRs, whose signed quote, unless `resigned`, is the trusted machine's
 * exactly. */
void attestation_fixture_check(const struct verdict *verdict, int status,
			       const struct evidence *evidence, bool resigned);

#endif
