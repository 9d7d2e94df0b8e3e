/* The whole verification, in ATTESTATION.md's order. Both logs are replayed first,
 * because the quote's PCR digest is compared with their replay; the checks are then
 * recorded in the contract's order. A check whose input failed an earlier check is
 * recorded as skipped, never as passed, so the verdict fails closed. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "attestation_verify.h"

#include <stdio.h>
#include <string.h>

#include "event_log_replay.h"
#include "event_log_verify.h"

#define TPM_RH_ENDORSEMENT 0x4000000Bu
#define TPM_ALG_SHA256 0x000Bu
#define FIRMWARE_PCR_LAST 9
#define HEX_SIZE(bytes) (2 * (bytes) + 1)

struct replay {
	bool done;
	uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
	struct event_log_error error;
};

/* What the checks share while the verdict is built. */
struct verification {
	const struct attestation_input *input;
	const struct evidence *evidence;
	struct verdict *verdict;
	struct attestation_result *result;
	bool ak_parsed;
	struct ak_public ak;
	struct replay firmware, hypervisor;
	struct hv_log_verdict hv_log;
};

static void hex(const uint8_t *bytes, size_t size, char *out)
{
	for (size_t i = 0; i < size; i++)
		sprintf(out + 2 * i, "%02x", bytes[i]);
	out[2 * size] = '\0';
}

static bool digest_allowed(const struct allowed_digests *allowed,
			   const uint8_t digest[SBX_DIGEST_SIZE])
{
	for (size_t i = 0; i < allowed->count; i++)
		if (!memcmp(allowed->values[i], digest, SBX_DIGEST_SIZE))
			return true;
	return false;
}

int ak_qualified_name(const uint8_t ak_name[AK_NAME_SIZE], uint8_t qualified_name[AK_NAME_SIZE])
{
	uint8_t message[4 + AK_NAME_SIZE];

	for (int i = 0; i < 4; i++)
		message[i] = (uint8_t)(TPM_RH_ENDORSEMENT >> (24 - 8 * i));
	memcpy(message + 4, ak_name, AK_NAME_SIZE);
	qualified_name[0] = TPM_ALG_SHA256 >> 8;
	qualified_name[1] = TPM_ALG_SHA256 & 0xff;
	return mbedtls_sha256_ret(message, sizeof(message), qualified_name + 2, 0) ? -1 : 0;
}

/* --- step 4: the nonce and its age -------------------------------------------------- */

static void check_nonce(struct verification *v)
{
	const struct attestation_input *input = v->input;

	if (mbedtls_ct_memcmp(v->evidence->nonce, input->nonce, SBX_NONCE_SIZE))
		verdict_fail(v->verdict, "nonce", VERIFY_UNTRUSTED,
			     "the evidence echoes another nonce than the one sent");
	else
		verdict_ok(v->verdict, "nonce");

	if (!input->live)
		verdict_skip(v->verdict, "freshness",
			     "offline: the evidence's age is the live verifier's to judge");
	else if (input->received_ms < input->issued_ms ||
		 input->received_ms - input->issued_ms > input->time_limit_ms)
		verdict_fail(v->verdict, "freshness", VERIFY_UNTRUSTED,
			     "the evidence arrived %llu ms after the nonce, over the %llu ms limit",
			     (unsigned long long)(input->received_ms - input->issued_ms),
			     (unsigned long long)input->time_limit_ms);
	else
		verdict_ok(v->verdict, "freshness");
}

/* --- step 2: the AK and its enrolment ----------------------------------------------- */

static void check_ak(struct verification *v)
{
	const struct evidence *evidence = v->evidence;
	struct enrollment *enrollment = &v->result->enrollment;
	char reason[ENROLLMENT_REASON_SIZE] = "";
	char name[HEX_SIZE(AK_NAME_SIZE)];
	uint8_t certificate_digest[32];
	const char *why;
	int status, found;

	status = ak_public_parse(evidence->ak_public.bytes, evidence->ak_public.size, &v->ak, &why);
	if (status != VERIFY_TRUSTED) {
		verdict_fail(v->verdict, "ak.public", status, "%s", why);
		verdict_skip(v->verdict, "ak.enrolled", "the AK public area did not parse");
		verdict_skip(v->verdict, "ak.ek_certificate", "the AK public area did not parse");
		return;
	}
	v->ak_parsed = true;
	verdict_ok(v->verdict, "ak.public");

	hex(v->ak.name, AK_NAME_SIZE, name);
	found = v->input->lookup(v->input->lookup_context, v->ak.name, enrollment, reason);
	if (found < 0) {
		verdict_fail(v->verdict, "ak.enrolled", VERDICT_ERROR,
			     "the enrolment record of AK %s cannot be read: %s", name, reason);
	} else if (found == 0) {
		verdict_fail(v->verdict, "ak.enrolled", VERIFY_UNTRUSTED,
			     "AK %s was never activated (run sbx-attest enroll)", name);
	} else if (enrollment->ak_public_size != evidence->ak_public.size ||
		   memcmp(enrollment->ak_public, evidence->ak_public.bytes,
			  evidence->ak_public.size)) {
		verdict_fail(v->verdict, "ak.enrolled", VERIFY_UNTRUSTED,
			     "AK %s differs from the public area enrolled under its Name", name);
	} else {
		v->result->enrolled = true;
		verdict_ok(v->verdict, "ak.enrolled");
	}
	if (!v->result->enrolled) {
		verdict_skip(v->verdict, "ak.ek_certificate", "the AK is not enrolled");
		return;
	}

	if (mbedtls_sha256_ret(evidence->ek_certificate.bytes, evidence->ek_certificate.size,
			       certificate_digest, 0))
		verdict_fail(v->verdict, "ak.ek_certificate", VERIFY_CRYPTO_FAILURE,
			     "SHA-256 failed");
	else if (memcmp(certificate_digest, enrollment->ek_certificate_sha256,
			sizeof(certificate_digest)))
		verdict_fail(v->verdict, "ak.ek_certificate", VERIFY_UNTRUSTED,
			     "the EK certificate is not the one the AK was activated against");
	else
		verdict_ok(v->verdict, "ak.ek_certificate");
}

/* --- steps 5-9: the quote ------------------------------------------------------------ */

/* The quote's checks in order, and the quote_verify() checks that fail each. */
enum quote_step {
	QUOTE_SIGNATURE,
	QUOTE_ATTEST,
	QUOTE_NONCE,
	QUOTE_CLOCK_SAFE,
	QUOTE_PCR_SELECTION,
	QUOTE_PCR_DIGEST,
	QUOTE_STEPS,
};

static const char *const quote_step_names[QUOTE_STEPS] = {
	"quote.signature", "quote.attest", "quote.nonce",
	"quote.clock_safe", "quote.pcr_selection", "quote.pcr_digest",
};

static enum quote_step quote_failed_step(const char *check)
{
	if (!strncmp(check, "signature", strlen("signature")))
		return QUOTE_SIGNATURE;
	if (!strcmp(check, "attest.nonce"))
		return QUOTE_NONCE;
	if (!strcmp(check, "attest.clock_safe"))
		return QUOTE_CLOCK_SAFE;
	if (!strcmp(check, "attest.pcr_selection"))
		return QUOTE_PCR_SELECTION;
	if (!strcmp(check, "attest.pcr_digest"))
		return QUOTE_PCR_DIGEST;
	return QUOTE_ATTEST;
}

/* The values the logs replay to, where the quote expects them: the firmware's log
 * for PCRs 0-9, the hypervisor's for 17-19. */
static void replayed_pcrs(const struct verification *v,
			  uint8_t pcrs[QUOTE_PCR_COUNT][QUOTE_DIGEST_SIZE])
{
	memset(pcrs, 0, QUOTE_PCR_COUNT * QUOTE_DIGEST_SIZE);
	for (int pcr = 0; pcr <= FIRMWARE_PCR_LAST; pcr++)
		memcpy(pcrs[pcr], v->firmware.pcrs[pcr], QUOTE_DIGEST_SIZE);
	for (int pcr = SBX_PCR_HYPERVISOR; pcr <= SBX_PCR_COMMODITY; pcr++)
		memcpy(pcrs[pcr], v->hypervisor.pcrs[pcr], QUOTE_DIGEST_SIZE);
}

/* The quote covers the selection with one digest, so which PCR a log misstates
 * cannot be read from it. The useful honest answer names the suspects: replayed
 * platform PCRs that are no reference value, and replayed PCRs 17-19 that differ from
 * those the securebox report states (a claim, not yet verified: a hint only). */
static void fail_pcr_digest(struct verification *v)
{
	const struct blob *report_blob = &v->evidence->report;
	const struct reference *reference = v->input->reference;
	char suspects[VERDICT_REASON_SIZE] = "";
	size_t length = 0;
	struct sbx_report report;

	for (int pcr = 0; pcr <= FIRMWARE_PCR_LAST && length < sizeof(suspects); pcr++)
		if (!digest_allowed(&reference->platform_pcrs[pcr], v->firmware.pcrs[pcr]))
			length += snprintf(suspects + length, sizeof(suspects) - length,
					   ", pcr %d (not an allowed value)", pcr);
	if (report_blob->size == sizeof(report)) {
		memcpy(&report, report_blob->bytes, sizeof(report));
		for (int i = 0; i < REPORT_PCR_COUNT && length < sizeof(suspects); i++)
			if (memcmp(report.body.pcrs[i], v->hypervisor.pcrs[SBX_PCR_HYPERVISOR + i],
				   SBX_DIGEST_SIZE))
				length += snprintf(suspects + length, sizeof(suspects) - length,
						   ", pcr %d (differs from the securebox report)",
						   SBX_PCR_HYPERVISOR + i);
	}
	verdict_fail(v->verdict, "quote.pcr_digest", VERIFY_UNTRUSTED,
		     "the quoted pcr digest differs from the logs' replay (an edited log)%s%s",
		     length ? "; suspect" : "; no single pcr identified",
		     length ? suspects + 1 : "");
}

static void check_qualified_signer(struct verification *v, const struct quote_verdict *quote)
{
	uint8_t qualified_name[AK_NAME_SIZE];

	if (ak_qualified_name(v->ak.name, qualified_name))
		verdict_fail(v->verdict, "quote.qualified_signer", VERIFY_CRYPTO_FAILURE,
			     "SHA-256 failed");
	else if (quote->qualified_signer_size != AK_NAME_SIZE ||
		 memcmp(quote->qualified_signer, qualified_name, AK_NAME_SIZE))
		verdict_fail(v->verdict, "quote.qualified_signer", VERIFY_UNTRUSTED,
			     "the quote's signer is not the AK as a primary key of the "
			     "endorsement hierarchy");
	else
		verdict_ok(v->verdict, "quote.qualified_signer");
}

/* ATTESTATION.md, step 9: a TPM's reset count only grows, and its restart count
 * only grows between resets. Lower counts mean a replayed or rolled-back quote. */
static void check_counters(struct verification *v, const struct quote_clock *clock)
{
	const struct enrollment *enrollment = &v->result->enrollment;

	if (!v->result->enrolled)
		verdict_skip(v->verdict, "quote.counters", "the AK is not enrolled");
	else if (!v->input->live)
		/* Stored evidence is older than the counts live verification has
		 * recorded since: comparing them would refuse every old piece. */
		verdict_skip(v->verdict, "quote.counters",
			     "offline: counters are compared only with a live quote");
	else if (enrollment_counts_below(enrollment, clock->reset_count, clock->restart_count))
		verdict_fail(v->verdict, "quote.counters", VERIFY_UNTRUSTED,
			     "reset/restart counts %u/%u are below the %u/%u seen before",
			     clock->reset_count, clock->restart_count, enrollment->reset_count,
			     enrollment->restart_count);
	else
		verdict_ok(v->verdict, "quote.counters");
}

static void skip_quote(struct verification *v, enum quote_step from, const char *reason)
{
	for (enum quote_step step = from; step < QUOTE_STEPS; step++)
		verdict_skip(v->verdict, quote_step_names[step], reason);
}

static void check_quote(struct verification *v)
{
	const struct evidence *evidence = v->evidence;
	uint8_t pcrs[QUOTE_PCR_COUNT][QUOTE_DIGEST_SIZE];
	const struct quote_expectations expected = {
		.nonce = v->input->nonce,
		.nonce_size = SBX_NONCE_SIZE,
		.pcr_mask = QUOTE_SBX_PCR_MASK,
		.pcr_values = (const uint8_t(*)[QUOTE_DIGEST_SIZE])pcrs,
	};
	struct quote_verdict quote;
	enum quote_step failed;
	char skip_reason[64];

	if (!v->ak_parsed) {
		skip_quote(v, QUOTE_SIGNATURE, "no AK to verify it with");
		verdict_skip(v->verdict, "quote.qualified_signer", "no AK");
		verdict_skip(v->verdict, "quote.counters", "no AK");
		return;
	}
	replayed_pcrs(v, pcrs);
	quote_verify(&v->ak, evidence->quote_attest.bytes, evidence->quote_attest.size,
		     evidence->quote_signature.bytes, evidence->quote_signature.size, &expected,
		     &quote);
	failed = quote.status == VERIFY_TRUSTED ? QUOTE_STEPS : quote_failed_step(quote.check);

	for (enum quote_step step = QUOTE_SIGNATURE; step < failed; step++)
		verdict_ok(v->verdict, quote_step_names[step]);
	if (failed == QUOTE_PCR_DIGEST && !(v->firmware.done && v->hypervisor.done))
		verdict_skip(v->verdict, "quote.pcr_digest",
			     "an event log does not replay, so there is nothing to compare");
	else if (failed == QUOTE_PCR_DIGEST)
		fail_pcr_digest(v);
	else if (failed == QUOTE_SIGNATURE && quote.status == VERIFY_CRYPTO_FAILURE)
		verdict_fail(v->verdict, "quote.signature", quote.status,
			     !strcmp(quote.check, "signature") ?
				     "does not verify with the AK: the quote was altered or "
				     "another key signed it" :
				     "not RSASSA with SHA-256, the AK's pinned scheme");
	else if (failed == QUOTE_SIGNATURE)
		verdict_fail(v->verdict, "quote.signature", quote.status,
			     "the TPMT_SIGNATURE is not well formed");
	else if (failed == QUOTE_ATTEST)
		verdict_fail(v->verdict, "quote.attest", quote.status,
			     "TPMS_ATTEST field %s is not well formed", quote.check);
	else if (failed == QUOTE_NONCE)
		verdict_fail(v->verdict, "quote.nonce", quote.status,
			     "the quote's qualifying data is not the nonce sent");
	else if (failed == QUOTE_CLOCK_SAFE)
		verdict_fail(v->verdict, "quote.clock_safe", quote.status,
			     "clockInfo.safe is not set: the TPM's clock may have gone back");
	else if (failed == QUOTE_PCR_SELECTION)
		verdict_fail(v->verdict, "quote.pcr_selection", quote.status,
			     "the quote does not select exactly SHA-256 pcrs 0-9 and 17-19");
	if (failed + 1 < QUOTE_STEPS) {
		snprintf(skip_reason, sizeof(skip_reason), "%s failed",
			 quote_step_names[failed]);
		skip_quote(v, failed + 1, skip_reason);
	}

	/* The fields below exist once the signature verified and the bytes parsed. */
	if (failed <= QUOTE_ATTEST) {
		verdict_skip(v->verdict, "quote.qualified_signer", "the quote did not verify");
		verdict_skip(v->verdict, "quote.counters", "the quote did not verify");
		return;
	}
	check_qualified_signer(v, &quote);
	check_counters(v, &quote.clock);
	v->result->clock = quote.clock;
}

/* --- steps 10-11: the firmware log --------------------------------------------------- */

static void check_firmware_log(struct verification *v)
{
	const struct reference *reference = v->input->reference;
	const struct event_log_error *error = &v->firmware.error;
	char name[24], value[HEX_SIZE(REPLAY_DIGEST_SIZE)];

	if (!v->firmware.done)
		verdict_fail(v->verdict, "firmware_log", VERIFY_MALFORMED,
			     "event %zu at offset %zu: %s", error->event_index, error->offset,
			     error->reason);
	else
		verdict_ok(v->verdict, "firmware_log");
	for (int pcr = 0; pcr <= FIRMWARE_PCR_LAST; pcr++) {
		snprintf(name, sizeof(name), "platform.pcr%d", pcr);
		hex(v->firmware.pcrs[pcr], REPLAY_DIGEST_SIZE, value);
		if (!v->firmware.done)
			verdict_skip(v->verdict, name, "the firmware log does not replay");
		else if (!digest_allowed(&reference->platform_pcrs[pcr], v->firmware.pcrs[pcr]))
			verdict_fail(v->verdict, name, VERIFY_UNTRUSTED,
				     "pcr %d replays to %s: not an allowed value", pcr, value);
		else
			verdict_ok(v->verdict, name);
	}
}

/* --- steps 12-14: the hypervisor log -------------------------------------------------- */

static const struct hv_log_mismatch *find_mismatch(const struct hv_log_verdict *hv_log,
						   size_t component)
{
	for (size_t i = 0; i < hv_log->mismatch_count; i++)
		if (hv_log->mismatches[i].component == SBX_COMPONENT_HYPERVISOR + component)
			return &hv_log->mismatches[i];
	return NULL;
}

static void check_hv_log(struct verification *v)
{
	const struct hv_log_verdict *hv_log = &v->hv_log;
	const struct event_log_error *error = &v->hypervisor.error;
	char name[32], value[HEX_SIZE(SBX_DIGEST_SIZE)];

	if (!hv_log->complete)
		verdict_fail(v->verdict, "hv_log", hv_log->status, "%s", hv_log->reason);
	else if (!v->hypervisor.done)
		verdict_fail(v->verdict, "hv_log", VERIFY_MALFORMED,
			     "event %zu at offset %zu does not replay: %s", error->event_index,
			     error->offset, error->reason);
	else
		verdict_ok(v->verdict, "hv_log");

	for (size_t component = 0; component < SBX_MEASURED_COUNT; component++) {
		const struct hv_log_mismatch *mismatch = find_mismatch(hv_log, component);

		snprintf(name, sizeof(name), "component.%s", report_component_name(component));
		if (mismatch) {
			hex(mismatch->digest, SBX_DIGEST_SIZE, value);
			verdict_fail(v->verdict, name, VERIFY_UNTRUSTED,
				     "pcr %u event %zu (%s): digest %s is not an allowed value",
				     mismatch->pcr, mismatch->event_index,
				     report_component_name(component), value);
		} else if (hv_log->component_checked[component]) {
			verdict_ok(v->verdict, name);
		} else {
			verdict_skip(v->verdict, name, "the hv log failed before this component");
		}
	}
	if (hv_log->identity_key_seen)
		verdict_ok(v->verdict, "hv_log.identity_key");
	else
		verdict_skip(v->verdict, "hv_log.identity_key",
			     "the hv log failed before the identity key event");
}

/* --- steps 14-15: the securebox report ------------------------------------------------ */

static void check_report(struct verification *v)
{
	struct report_expectations expected = { .check_user_data = true };
	struct report_verdict report;
	char name[VERDICT_NAME_SIZE];

	memcpy(expected.nonce, v->input->nonce, SBX_NONCE_SIZE);
	memcpy(expected.components, v->input->reference->components, sizeof(expected.components));
	if (v->hv_log.identity_key_seen) {
		expected.check_identity_key_digest = true;
		memcpy(expected.identity_key_digest, v->hv_log.identity_key_digest,
		       SBX_DIGEST_SIZE);
	}
	if (v->hypervisor.done) {
		for (int i = 0; i < REPORT_PCR_COUNT; i++) {
			expected.check_pcr[i] = true;
			memcpy(expected.pcrs[i], v->hypervisor.pcrs[SBX_PCR_HYPERVISOR + i],
			       SBX_DIGEST_SIZE);
		}
	}

	report_verify(v->evidence->report.bytes, v->evidence->report.size, &expected, &report);
	for (size_t i = 0; i < report.check_count; i++) {
		const struct report_check *check = &report.checks[i];

		snprintf(name, sizeof(name), "report.%s", check->name);
		if (check->ok)
			verdict_ok(v->verdict, name);
		else
			verdict_fail(v->verdict, name, check->status, "%s", check->why);
	}
	if (!v->hv_log.identity_key_seen)
		verdict_fail(v->verdict, "report.identity_key_digest", VERIFY_UNTRUSTED,
			     "the hv log measured no identity key to bind the report to");
	if (!v->hypervisor.done)
		verdict_skip(v->verdict, "report.pcrs", "the hv log does not replay");
}

int attestation_verify(const struct attestation_input *input, struct verdict *verdict,
		       struct attestation_result *result)
{
	const struct evidence *evidence = input->evidence;
	struct verification v = {
		.input = input,
		.evidence = evidence,
		.verdict = verdict,
		.result = result,
	};
	struct hv_log_expectations hv_expected;

	verdict_init(verdict);
	memset(result, 0, sizeof(*result));
	memcpy(hv_expected.components, input->reference->components,
	       sizeof(hv_expected.components));

	v.firmware.done = event_log_replay_sha256(evidence->firmware_log.bytes,
						  evidence->firmware_log.size, v.firmware.pcrs,
						  &v.firmware.error) == 0;
	v.hypervisor.done = event_log_replay_sha256(evidence->hv_log.bytes, evidence->hv_log.size,
						    v.hypervisor.pcrs, &v.hypervisor.error) == 0;
	hv_log_check(evidence->hv_log.bytes, evidence->hv_log.size, &hv_expected, &v.hv_log);

	check_nonce(&v);
	check_ak(&v);
	check_quote(&v);
	check_firmware_log(&v);
	check_hv_log(&v);
	check_report(&v);
	return verdict_outcome(verdict);
}
