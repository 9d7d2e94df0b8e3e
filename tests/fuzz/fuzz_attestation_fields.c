/* libFuzzer target for the verification behind the JSON: the evidence's binary
 * fields, framed as evidence_fields.h says, go to attestation_verify() live, as
 * `sbx-attest verify --agent` makes it, and to the parsers of what the quote's
 * signature covers, called directly as if it were signed: quote_attest_check(),
 * the AK public area, the event log reader, replay and hypervisor log policy. With
 * FIELDS_RESIGN the harness signs the attestation with the AK, so the whole
 * pipeline sees signed, mutated quotes. Seeds: build/fuzz/fuzz_attestation.seeds
 * (or tests/fuzz/seeds/attestation_fields/). */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <stdlib.h>
#include <string.h>

#include "attestation_fixture.h"
#include "event_log_replay.h"
#include "event_log_verify.h"

#define ISSUED_MS 1000
#define RECEIVED_MS 2500
#define TIME_LIMIT_MS 60000

static void must(bool condition)
{
	if (!condition)
		abort();
}

/* Exactly sized, so that AddressSanitizer sees a read past the field. */
static struct blob copy(const uint8_t *bytes, size_t size)
{
	struct blob blob = { malloc(size ? size : 1), size };

	must(blob.bytes != NULL);
	if (size)
		memcpy(blob.bytes, bytes, size);
	return blob;
}

static void replace(struct blob *blob, const uint8_t *bytes, size_t size)
{
	free(blob->bytes);
	*blob = copy(bytes, size);
}

/* Signs the attestation field with the AK in place of the signature field; false
 * if it is too long for the attester to hold. */
static bool resign(struct evidence *evidence)
{
	static struct attester_output signer;

	if (evidence->quote_attest.size > sizeof(signer.attest))
		return false;
	memcpy(signer.attest, evidence->quote_attest.bytes, evidence->quote_attest.size);
	signer.attest_size = evidence->quote_attest.size;
	attester_sign_quote(&signer);
	replace(&evidence->quote_signature, signer.signature, signer.signature_size);
	return true;
}

static int verify(const struct evidence *evidence, bool resigned)
{
	static struct verdict verdict;
	struct attestation_result result;
	const struct attestation_input input = {
		.evidence = evidence,
		.reference = &fixture.reference,
		.lookup = attestation_fixture_lookup,
		.nonce = fixture.config.nonce,
		.live = true,
		.issued_ms = ISSUED_MS,
		.received_ms = RECEIVED_MS,
		.time_limit_ms = TIME_LIMIT_MS,
	};
	int status = attestation_verify(&input, &verdict, &result);

	attestation_fixture_check(&verdict, status, evidence, resigned);
	return status;
}

/* The quote's fields as if their signature had verified. */
static void check_quote(const struct blob *attest)
{
	const struct quote_expectations expected = {
		.nonce = fixture.config.nonce,
		.nonce_size = SBX_NONCE_SIZE,
		.pcr_mask = QUOTE_SBX_PCR_MASK,
		.pcr_values = (const uint8_t(*)[QUOTE_DIGEST_SIZE])fixture.output.pcrs,
	};
	struct quote_verdict verdict;
	int status = quote_attest_check(attest->bytes, attest->size, &expected, &verdict);

	must(status == (int)verdict.status && verdict.check != NULL);
	must(verdict.qualified_signer_size <= QUOTE_NAME_SIZE_MAX);
	must((status == VERIFY_TRUSTED) == (verdict.check[0] == '\0'));
}

static void check_ak(const struct blob *ak_public)
{
	struct ak_public ak;
	const char *reason = NULL;

	if (ak_public_parse(ak_public->bytes, ak_public->size, &ak, &reason) != VERIFY_TRUSTED)
		must(reason && reason[0]);
}

/* A log the replay refuses says why; a hypervisor log the policy trusts replays. */
static void check_logs(const struct blob *firmware_log, const struct blob *hv_log)
{
	uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
	struct hv_log_expectations expected;
	struct hv_log_verdict verdict;
	struct event_log_error error;
	int replayed;

	if (event_log_replay_sha256(firmware_log->bytes, firmware_log->size, pcrs, &error))
		must(error.reason != NULL);
	replayed = event_log_replay_sha256(hv_log->bytes, hv_log->size, pcrs, &error);
	if (replayed)
		must(error.reason != NULL);
	memcpy(expected.components, fixture.reference.components, sizeof(expected.components));
	if (hv_log_check(hv_log->bytes, hv_log->size, &expected, &verdict) == VERIFY_TRUSTED)
		must(replayed == 0 && !verdict.reason[0] && verdict.complete);
	else
		must(verdict.reason[0] && strnlen(verdict.reason, sizeof(verdict.reason)) <
					      sizeof(verdict.reason));
}

/* Returns the verdict's status. */
static int run(const uint8_t *data, size_t size)
{
	struct blob *blobs[FIELD_COUNT];
	struct evidence_fields fields;
	struct evidence evidence;
	bool resigned = false;
	int status;

	evidence_fields_split(data, size, &fields);
	attester_evidence(&fixture.config, &fixture.output, &evidence);
	blobs[FIELD_QUOTE_ATTEST] = &evidence.quote_attest;
	blobs[FIELD_QUOTE_SIGNATURE] = &evidence.quote_signature;
	blobs[FIELD_AK_PUBLIC] = &evidence.ak_public;
	blobs[FIELD_FIRMWARE_LOG] = &evidence.firmware_log;
	blobs[FIELD_HV_LOG] = &evidence.hv_log;
	blobs[FIELD_REPORT] = &evidence.report;
	for (size_t i = 0; i < FIELD_COUNT; i++)
		replace(blobs[i], fields.bytes[i], fields.sizes[i]);
	if (fields.flags & FIELDS_RESIGN)
		resigned = resign(&evidence);

	status = verify(&evidence, resigned);
	check_quote(&evidence.quote_attest);
	check_ak(&evidence.ak_public);
	check_logs(&evidence.firmware_log, &evidence.hv_log);
	attester_evidence_free(&evidence);
	return status;
}

/* The trusted machine's fields, framed with `flags`, get a trusted verdict: else
 * the fuzzer would start from nothing. */
static void check_fixture(uint8_t flags)
{
	struct evidence_fields fields;
	uint8_t *framed;
	size_t size;

	attestation_fixture_fields(&fixture.output, flags, &fields);
	size = evidence_fields_join(&fields, NULL);
	framed = malloc(size);
	must(framed != NULL);
	evidence_fields_join(&fields, framed);
	must(run(framed, size) == VERIFY_TRUSTED);
	free(framed);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	must(attestation_fixture_start() == 0);
	check_fixture(0);
	check_fixture(FIELDS_RESIGN);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size);
	return 0;
}
