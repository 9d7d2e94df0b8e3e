/* Unit tests for the whole verification (attest/attestation_verify.c): evidence from
 * the software attester (attester_model.h), consistent in every respect, then each
 * thing an attacker or a broken machine could change, with the status it must get and
 * the check that must name it. Every blob is handed over in a heap block of exactly
 * its size, so AddressSanitizer reports any read past it. */
#define _GNU_SOURCE   /* memmem */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "attestation_verify.h"
#include "attester_model.h"
#include "verdict.h"

#define TIME_LIMIT_MS 30000
#define TPM_YES 1
#define TPM_NO 0

static struct attester_config config;
static struct attester_output output;
static struct evidence evidence;
static struct reference reference;
static struct enrollment enrollment;
static bool enrolled;
static struct verdict verdict;
static struct attestation_result result;
static uint8_t expected_nonce[SBX_NONCE_SIZE];
static struct attestation_input input;

/* The in-memory enrolment table: one AK, or none. */
static int lookup(void *context, const uint8_t ak_name[AK_NAME_SIZE],
		  struct enrollment *found, char reason[ENROLLMENT_REASON_SIZE])
{
	(void)context;
	(void)reason;
	if (!enrolled || memcmp(ak_name, enrollment.ak_name, AK_NAME_SIZE))
		return 0;
	*found = enrollment;
	return 1;
}

static int corrupt_lookup(void *context, const uint8_t ak_name[AK_NAME_SIZE],
			  struct enrollment *found, char reason[ENROLLMENT_REASON_SIZE])
{
	(void)context;
	(void)ak_name;
	(void)found;
	snprintf(reason, ENROLLMENT_REASON_SIZE, "truncated record");
	return -1;
}

static int group_setup(void **state)
{
	(void)state;
	if (attester_model_start())
		return -1;
	attester_reference(&reference);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	attester_model_stop();
	return 0;
}

static int setup(void **state)
{
	(void)state;
	attester_defaults(&config);
	attester_enrollment(&enrollment);
	enrolled = true;
	memcpy(expected_nonce, config.nonce, SBX_NONCE_SIZE);
	input = (struct attestation_input){
		.evidence = &evidence,
		.reference = &reference,
		.lookup = lookup,
		.nonce = expected_nonce,
		.live = true,
		.issued_ms = 1000,
		.received_ms = 2500,
		.time_limit_ms = TIME_LIMIT_MS,
	};
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	attester_evidence_free(&evidence);
	return 0;
}

static void build(void)
{
	attester_evidence_free(&evidence);
	attester_build(&config, &output);
	attester_evidence(&config, &output, &evidence);
}

static int verify(void)
{
	int status = attestation_verify(&input, &verdict, &result);

	assert_int_equal(status, verdict_outcome(&verdict));
	return status;
}

static const struct verdict_check *check(const char *name)
{
	const struct verdict_check *found = verdict_find(&verdict, name);

	if (!found)
		fail_msg("no check %s", name);
	return found;
}

static void assert_check(const char *name, enum check_status status)
{
	const struct verdict_check *found = check(name);

	if (found->status != status)
		fail_msg("%s: status %d, expected %d (%s)", name, found->status, status,
			 found->reason);
}

static void assert_reason_contains(const char *name, const char *text)
{
	const struct verdict_check *found = check(name);

	if (!strstr(found->reason, text))
		fail_msg("%s: \"%s\" does not contain \"%s\"", name, found->reason, text);
}

/* Nothing outside `allowed` (names, NULL-terminated) failed. */
static void assert_failures_only(const char *const *allowed)
{
	for (size_t i = 0; i < verdict.check_count; i++) {
		bool listed = false;

		if (verdict.checks[i].status != CHECK_FAILED)
			continue;
		for (size_t j = 0; allowed[j]; j++)
			listed |= !strcmp(allowed[j], verdict.checks[i].name);
		if (!listed)
			fail_msg("unexpected failure %s: %s", verdict.checks[i].name,
				 verdict.checks[i].reason);
	}
}

static void test_consistent_evidence_is_trusted(void **state)
{
	(void)state;
	build();
	assert_int_equal(verify(), VERIFY_TRUSTED);
	for (size_t i = 0; i < verdict.check_count; i++)
		if (verdict.checks[i].status != CHECK_OK)
			fail_msg("%s not ok: %s", verdict.checks[i].name, verdict.checks[i].reason);
	assert_true(result.enrolled);
	assert_int_equal(result.clock.reset_count, 7);
	assert_int_equal(result.clock.restart_count, 2);
	/* Every step of the contract is in the verdict. */
	const char *const names[] = {
		"nonce", "freshness", "ak.public", "ak.enrolled", "ak.ek_certificate",
		"quote.signature", "quote.attest", "quote.nonce", "quote.clock_safe",
		"quote.pcr_selection", "quote.pcr_digest", "quote.qualified_signer",
		"quote.counters", "firmware_log", "platform.pcr0", "platform.pcr9", "hv_log",
		"component.hypervisor", "component.policy", "component.securebox",
		"component.kernel", "component.initrd", "component.cmdline",
		"hv_log.identity_key", "report.signature", "report.nonce",
		"report.identity_key_digest", "report.pcr.18",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_check(names[i], CHECK_OK);
}

static void test_offline_skips_freshness(void **state)
{
	(void)state;
	build();
	input.live = false;
	assert_int_equal(verify(), VERIFY_TRUSTED);
	assert_check("freshness", CHECK_SKIPPED);
}

static void test_late_evidence_is_untrusted(void **state)
{
	(void)state;
	build();
	input.received_ms = input.issued_ms + TIME_LIMIT_MS + 1;
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("freshness", CHECK_FAILED);
	assert_string_equal(verdict.reason,
			    "freshness: the evidence arrived 30001 ms after the nonce, over the "
			    "30000 ms limit");
}

/* A machine that booted another component: its evidence is authentic and
 * consistent, and only the reference comparison names what differs. */
static void test_each_tampered_component_is_named(void **state)
{
	static const char *const names[SBX_MEASURED_COUNT] = {
		"component.hypervisor", "component.policy", "component.securebox",
		"component.kernel", "component.initrd", "component.cmdline",
	};
	static const char *const report_names[SBX_MEASURED_COUNT] = {
		"report.component.hypervisor", "report.component.policy",
		"report.component.securebox", "report.component.kernel",
		"report.component.initrd", "report.component.cmdline",
	};
	static const uint32_t pcrs[SBX_MEASURED_COUNT] = { 17, 17, 18, 19, 19, 19 };
	static const size_t events[SBX_MEASURED_COUNT] = { 1, 2, 3, 4, 5, 6 };
	char expected[128];

	(void)state;
	for (size_t i = 0; i < SBX_MEASURED_COUNT; i++) {
		setup(NULL);
		config.components[i] = "an evil component";
		build();
		assert_int_equal(verify(), VERIFY_UNTRUSTED);
		assert_check(names[i], CHECK_FAILED);
		snprintf(expected, sizeof(expected), "pcr %u event %zu (%s): digest ", pcrs[i],
			 events[i], report_component_name(i));
		assert_reason_contains(names[i], expected);
		assert_reason_contains(names[i], "is not an allowed value");
		assert_check("quote.pcr_digest", CHECK_OK);
		assert_check("hv_log", CHECK_OK);
		const char *const allowed[] = { names[i], report_names[i], NULL };
		assert_failures_only(allowed);
		assert_int_equal(strncmp(verdict.reason, names[i], strlen(names[i])), 0);
	}
}

static void test_every_mismatch_is_reported(void **state)
{
	(void)state;
	config.components[0] = "another hypervisor";
	config.components[3] = "another kernel";
	config.components[5] = "init=/bin/sh";
	build();
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("component.hypervisor", CHECK_FAILED);
	assert_check("component.policy", CHECK_OK);
	assert_check("component.kernel", CHECK_FAILED);
	assert_check("component.initrd", CHECK_OK);
	assert_check("component.cmdline", CHECK_FAILED);
	assert_reason_contains("component.cmdline", "pcr 19 event 6 (cmdline)");
}

static void test_wrong_nonce_is_untrusted(void **state)
{
	(void)state;
	build();
	expected_nonce[0] ^= 1;
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("nonce", CHECK_FAILED);
	assert_check("quote.nonce", CHECK_FAILED);
	assert_check("report.nonce", CHECK_FAILED);
	assert_string_equal(verdict.reason,
			    "nonce: the evidence echoes another nonce than the one sent");
	/* The quote's later checks need not be believed after a wrong nonce. */
	assert_check("quote.pcr_digest", CHECK_SKIPPED);
}

/* The quote covers the PCRs the machine really has; the log presented claims
 * another kernel, one the reference allows. */
static void test_edited_hv_log_is_untrusted(void **state)
{
	struct attester_output *honest = malloc(sizeof(*honest));

	(void)state;
	assert_non_null(honest);
	config.components[3] = "an unknown kernel";
	build();
	attester_defaults(&config);
	attester_build(&config, honest);
	free(evidence.hv_log.bytes);
	evidence.hv_log.bytes = malloc(honest->hv_log_size);
	assert_non_null(evidence.hv_log.bytes);
	memcpy(evidence.hv_log.bytes, honest->hv_log, honest->hv_log_size);
	evidence.hv_log.size = honest->hv_log_size;
	free(honest);

	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("quote.pcr_digest", CHECK_FAILED);
	assert_check("hv_log", CHECK_OK);
	assert_check("component.kernel", CHECK_OK);
	assert_reason_contains("quote.pcr_digest", "differs from the logs' replay");
	assert_reason_contains("quote.pcr_digest",
			       "suspect pcr 19 (differs from the securebox report)");
	assert_true(strstr(verdict.reason, "quote.pcr_digest") == verdict.reason);
}

static void test_edited_firmware_log_names_the_pcr(void **state)
{
	(void)state;
	build();
	/* The text of PCR 4's event ("seabios pcr 4") and its digest, both changed
	 * consistently: the log replays, to a value the quote does not hold. */
	uint8_t *data = memmem(evidence.firmware_log.bytes, evidence.firmware_log.size,
			       "seabios pcr 4", 13);
	assert_non_null(data);
	data[0] = 'S';
	assert_int_equal(mbedtls_sha256_ret(data, 13, data - 4 - 32, 0), 0);

	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("firmware_log", CHECK_OK);
	assert_check("platform.pcr4", CHECK_FAILED);
	assert_reason_contains("platform.pcr4", "pcr 4 replays to ");
	assert_check("platform.pcr3", CHECK_OK);
	assert_reason_contains("quote.pcr_digest", "suspect pcr 4 (not an allowed value)");
}

static void test_event_digest_not_matching_data_is_malformed(void **state)
{
	(void)state;
	build();
	uint8_t *data = memmem(evidence.hv_log.bytes, evidence.hv_log.size, "kernel", 6);
	assert_non_null(data);
	data[0] = 'K';
	assert_int_equal(verify(), VERIFY_MALFORMED);
	assert_check("hv_log", CHECK_FAILED);
	assert_reason_contains("hv_log", "SHA-256 digest does not match the event data");
	assert_check("component.hypervisor", CHECK_OK);
	assert_check("component.kernel", CHECK_SKIPPED);
}

static void test_event_after_separator_is_untrusted(void **state)
{
	(void)state;
	config.event_after_separator = true;
	build();
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("hv_log", CHECK_FAILED);
	assert_reason_contains("hv_log", "event after the separator");
	assert_reason_contains("hv_log", "pcr 19 event 11");
	/* The quote agrees with the log: the machine really extended PCR 19 again. */
	assert_check("quote.pcr_digest", CHECK_OK);
}

static void test_flipped_quote_bit_is_crypto_failure(void **state)
{
	(void)state;
	build();
	for (size_t offset = 0; offset < evidence.quote_attest.size; offset += 7) {
		evidence.quote_attest.bytes[offset] ^= 0x10;
		assert_int_equal(verify(), VERIFY_CRYPTO_FAILURE);
		assert_check("quote.signature", CHECK_FAILED);
		assert_check("quote.attest", CHECK_SKIPPED);
		assert_check("quote.counters", CHECK_SKIPPED);
		evidence.quote_attest.bytes[offset] ^= 0x10;
	}
	assert_int_equal(verify(), VERIFY_TRUSTED);
}

static void test_flipped_signature_bit_is_crypto_failure(void **state)
{
	(void)state;
	build();
	evidence.quote_signature.bytes[evidence.quote_signature.size - 9] ^= 0x01;
	assert_int_equal(verify(), VERIFY_CRYPTO_FAILURE);
	assert_check("quote.signature", CHECK_FAILED);
	assert_reason_contains("quote.signature", "does not verify with the AK");
	assert_true(strstr(verdict.reason, "quote.signature") == verdict.reason);
}

static void test_truncated_signature_is_malformed(void **state)
{
	(void)state;
	build();
	evidence.quote_signature.size -= 1;
	assert_int_equal(verify(), VERIFY_MALFORMED);
	assert_check("quote.signature", CHECK_FAILED);
}

static void test_report_from_another_boot_is_untrusted(void **state)
{
	(void)state;
	config.identity_key = 1;   /* signed by a key the log did not measure */
	build();
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("report.signature", CHECK_OK);
	assert_check("report.identity_key_digest", CHECK_FAILED);
	const char *const allowed[] = { "report.identity_key_digest", NULL };
	assert_failures_only(allowed);
}

static void test_report_with_other_pcrs_is_untrusted(void **state)
{
	struct attester_output *other = malloc(sizeof(*other));

	(void)state;
	assert_non_null(other);
	/* A genuine report of a boot whose PCR 19 differs (another kernel). */
	config.components[3] = "an older kernel";
	attester_build(&config, other);
	attester_defaults(&config);
	build();
	memcpy(evidence.report.bytes, &other->report, sizeof(other->report));
	free(other);
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("report.pcr.19", CHECK_FAILED);
	assert_check("report.pcr.17", CHECK_OK);
}

static void test_truncated_report_is_malformed(void **state)
{
	(void)state;
	build();
	evidence.report.size -= 1;
	assert_int_equal(verify(), VERIFY_MALFORMED);
	assert_check("report.report_size", CHECK_FAILED);
}

static void test_other_selection_is_untrusted(void **state)
{
	(void)state;
	config.pcr_mask = 0xffu;
	build();
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("quote.pcr_selection", CHECK_FAILED);
	assert_check("quote.pcr_digest", CHECK_SKIPPED);
}

static void test_unenrolled_ak_is_untrusted(void **state)
{
	(void)state;
	build();
	enrolled = false;
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("ak.enrolled", CHECK_FAILED);
	assert_reason_contains("ak.enrolled", "was never activated");
	assert_check("ak.ek_certificate", CHECK_SKIPPED);
	assert_check("quote.counters", CHECK_SKIPPED);
	assert_false(result.enrolled);
}

static void test_enrolled_name_with_other_area_is_untrusted(void **state)
{
	(void)state;
	build();
	enrollment.ak_public[enrollment.ak_public_size - 1] ^= 1;
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("ak.enrolled", CHECK_FAILED);
}

static void test_unreadable_enrollment_is_an_error(void **state)
{
	(void)state;
	build();
	input.lookup = corrupt_lookup;
	assert_int_equal(verify(), VERDICT_ERROR);
	assert_reason_contains("ak.enrolled", "truncated record");
}

static void test_other_ek_certificate_is_untrusted(void **state)
{
	(void)state;
	build();
	enrollment.ek_certificate_sha256[0] ^= 1;
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("ak.ek_certificate", CHECK_FAILED);
}

static void test_bad_ak_is_malformed(void **state)
{
	(void)state;
	build();
	evidence.ak_public.size -= 1;
	assert_int_equal(verify(), VERIFY_MALFORMED);
	assert_check("ak.public", CHECK_FAILED);
	assert_check("quote.signature", CHECK_SKIPPED);
}

static void test_counters_going_down_are_untrusted(void **state)
{
	static const struct {
		uint32_t reset, restart;
		int status;
	} cases[] = {
		{ 6, 9, VERIFY_UNTRUSTED },   /* an older boot */
		{ 7, 1, VERIFY_UNTRUSTED },   /* an older resume of this boot */
		{ 7, 2, VERIFY_TRUSTED },     /* the same quote state again */
		{ 8, 0, VERIFY_TRUSTED },     /* a reboot */
	};

	(void)state;
	build();
	enrollment.has_counters = true;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enrollment.reset_count = 7;
		enrollment.restart_count = 2;
		config.reset_count = cases[i].reset;
		config.restart_count = cases[i].restart;
		build();
		assert_int_equal(verify(), cases[i].status);
		assert_check("quote.counters",
			     cases[i].status == VERIFY_TRUSTED ? CHECK_OK : CHECK_FAILED);
	}
}

/* Stored evidence predates the counts recorded since it was collected: offline, the
 * comparison is skipped and says so, rather than refusing every older piece. */
static void test_counters_are_compared_only_live(void **state)
{
	(void)state;
	enrollment.has_counters = true;
	enrollment.reset_count = 7;
	enrollment.restart_count = 2;
	config.reset_count = 6;
	build();
	input.live = false;
	assert_int_equal(verify(), VERIFY_TRUSTED);
	assert_check("quote.counters", CHECK_SKIPPED);
}

static void test_unsafe_clock_is_untrusted(void **state)
{
	(void)state;
	config.safe = TPM_NO;
	build();
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("quote.clock_safe", CHECK_FAILED);
}

static void test_foreign_qualified_signer_is_untrusted(void **state)
{
	(void)state;
	config.foreign_signer = true;
	build();
	assert_int_equal(verify(), VERIFY_UNTRUSTED);
	assert_check("quote.qualified_signer", CHECK_FAILED);
	const char *const allowed[] = { "quote.qualified_signer", NULL };
	assert_failures_only(allowed);
}

static void test_truncated_logs_are_malformed(void **state)
{
	(void)state;
	build();
	evidence.firmware_log.size -= 3;
	assert_int_equal(verify(), VERIFY_MALFORMED);
	assert_check("firmware_log", CHECK_FAILED);
	assert_check("platform.pcr0", CHECK_SKIPPED);
	assert_check("quote.pcr_digest", CHECK_SKIPPED);

	build();
	evidence.hv_log.size -= 3;
	assert_int_equal(verify(), VERIFY_MALFORMED);
	assert_check("hv_log", CHECK_FAILED);
	assert_check("report.pcrs", CHECK_SKIPPED);

	build();
	evidence.hv_log.size = 0;
	evidence.firmware_log.size = 0;
	evidence.report.size = 0;
	evidence.quote_attest.size = 0;
	evidence.quote_signature.size = 0;
	assert_int_equal(verify(), VERIFY_MALFORMED);
}

static void test_qualified_name_formula(void **state)
{
	/* QN = nameAlg || SHA-256(TPM_RH_ENDORSEMENT || Name), for a fixed Name. */
	uint8_t name[AK_NAME_SIZE] = { 0x00, 0x0b };
	uint8_t message[4 + AK_NAME_SIZE] = { 0x40, 0x00, 0x00, 0x0b };
	uint8_t qualified[AK_NAME_SIZE], digest[32];

	(void)state;
	memset(name + 2, 0xab, 32);
	memcpy(message + 4, name, sizeof(name));
	assert_int_equal(mbedtls_sha256_ret(message, sizeof(message), digest, 0), 0);
	assert_int_equal(ak_qualified_name(name, qualified), 0);
	assert_int_equal(qualified[0], 0x00);
	assert_int_equal(qualified[1], 0x0b);
	assert_memory_equal(qualified + 2, digest, 32);
}

static void test_verdict_json(void **state)
{
	char *line;

	(void)state;
	build();
	config.components[4] = "an \"evil\" initrd";
	build();
	verify();
	line = verdict_json(&verdict);
	assert_non_null(line);
	assert_true(strncmp(line, "{\"status\":\"untrusted\",\"reason\":\"component.initrd: pcr 19 "
			   "event 5 (initrd): digest ", 78) == 0);
	assert_non_null(strstr(line, "{\"name\":\"nonce\",\"status\":\"ok\",\"reason\":null}"));
	/* One line: its only newline ends it. */
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
	free(line);

	verdict_init(&verdict);
	assert_int_equal(verdict_outcome(&verdict), VERDICT_ERROR);
	line = verdict_json(&verdict);
	assert_string_equal(line, "{\"status\":\"error\",\"reason\":\"no check was made\","
				  "\"checks\":[]}\n");
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		TEST(test_consistent_evidence_is_trusted),
		TEST(test_offline_skips_freshness),
		TEST(test_late_evidence_is_untrusted),
		TEST(test_each_tampered_component_is_named),
		TEST(test_every_mismatch_is_reported),
		TEST(test_wrong_nonce_is_untrusted),
		TEST(test_edited_hv_log_is_untrusted),
		TEST(test_edited_firmware_log_names_the_pcr),
		TEST(test_event_digest_not_matching_data_is_malformed),
		TEST(test_event_after_separator_is_untrusted),
		TEST(test_flipped_quote_bit_is_crypto_failure),
		TEST(test_flipped_signature_bit_is_crypto_failure),
		TEST(test_truncated_signature_is_malformed),
		TEST(test_report_from_another_boot_is_untrusted),
		TEST(test_report_with_other_pcrs_is_untrusted),
		TEST(test_truncated_report_is_malformed),
		TEST(test_other_selection_is_untrusted),
		TEST(test_unenrolled_ak_is_untrusted),
		TEST(test_enrolled_name_with_other_area_is_untrusted),
		TEST(test_unreadable_enrollment_is_an_error),
		TEST(test_other_ek_certificate_is_untrusted),
		TEST(test_bad_ak_is_malformed),
		TEST(test_counters_going_down_are_untrusted),
		TEST(test_counters_are_compared_only_live),
		TEST(test_unsafe_clock_is_untrusted),
		TEST(test_foreign_qualified_signer_is_untrusted),
		TEST(test_truncated_logs_are_malformed),
		TEST(test_qualified_name_formula),
		TEST(test_verdict_json),
#undef TEST
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
