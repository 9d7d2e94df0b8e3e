/* The hypervisor event log's policy (ATTESTATION.md, steps 12-14): PCRs 17-19 hold
 * exactly the launch plan's events (hv/launch_plan.c), in its order, each digest
 * being the SHA-256 of its event data, each component digest one of the reference
 * values, nothing after a separator, and the securebox identity key event exactly
 * once. The PCR values themselves are the replay's business (event_log_replay.h):
 * the caller replays the same log and compares it with the quote. */
#ifndef SBX_ATTEST_EVENT_LOG_VERIFY_H
#define SBX_ATTEST_EVENT_LOG_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report_verify.h"   /* enum verify_status, struct allowed_digests */
#include "sbx/measurement.h"

struct hv_log_expectations {
	/* Indexed by enum sbx_measured_component, the order of enum sbx_component.
	 * Unlike report_verify(), an empty set matches nothing: every component of
	 * the plan is checked, so a missing reference value fails closed. */
	struct allowed_digests components[SBX_MEASURED_COUNT];
};

#define HV_LOG_REASON_SIZE 160
#define HV_LOG_MISMATCHES_MAX 8   /* the plan has six components */

/* A component event whose digest is none of the allowed values. */
struct hv_log_mismatch {
	size_t event_index;
	uint32_t pcr;
	enum sbx_component component;
	uint8_t digest[SBX_DIGEST_SIZE];
};

struct hv_log_verdict {
	enum verify_status status;   /* VERIFY_TRUSTED, VERIFY_UNTRUSTED or VERIFY_MALFORMED */
	char reason[HV_LOG_REASON_SIZE];   /* names the PCR, event and component; "" if trusted */
	/* The first failure: its record (tpm2_eventlog's numbering, the header being
	 * event 0), its PCR (0 if the log failed before one was read) and its
	 * component ("separator", "header", ... for events without one). */
	size_t event_index;
	uint32_t pcr;
	const char *component;
	/* When trusted: the SHA-256 of the securebox identity public key, which the
	 * report's key must hash to (ATTESTATION.md, step 14). */
	uint8_t identity_key_digest[SBX_DIGEST_SIZE];
	bool identity_key_seen;
	/* Every component mismatch, so that an operator sees all of them at once: the
	 * check goes on past one, and stops only at a failure of the log's form or
	 * sequence, which `reason` then describes (else the first mismatch). */
	struct hv_log_mismatch mismatches[HV_LOG_MISMATCHES_MAX];
	size_t mismatch_count;
	/* Indexed by enum sbx_measured_component: its digest was compared with the
	 * reference values (whatever the outcome) before the check stopped. */
	bool component_checked[SBX_MEASURED_COUNT];
	/* The check reached the end of the log: each component not in `mismatches` has
	 * an allowed digest. */
	bool complete;
};

/* Parses the hypervisor's log strictly and checks it against the launch plan and
 * `expected`, stopping at the first failure other than a component mismatch. Only the SHA-256 digests are checked,
 * since only the SHA-256 bank is quoted. Returns verdict->status. */
int hv_log_check(const uint8_t *log, size_t size, const struct hv_log_expectations *expected,
		 struct hv_log_verdict *verdict);

#endif
