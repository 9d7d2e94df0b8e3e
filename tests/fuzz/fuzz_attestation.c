/* libFuzzer target for the whole verification of one evidence response, as
 * `sbx-attest verify --evidence` makes it of a saved file: evidence_parse() and then
 * attestation_verify() offline, against a fixed reference and enrolment. The seeds
 * (build/fuzz/fuzz_attestation.seeds, or tests/fuzz/seeds/attestation/) are a
 * trusted response of the software attester and broken ones. JSON and base64 make
 * mutations of the binary fields unlikely to survive: fuzz_attestation_fields.c
 * reaches those. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attestation_fixture.h"

static int verify(const uint8_t *data, size_t size)
{
	static struct verdict verdict;
	char reason[EVIDENCE_REASON_SIZE];
	struct attestation_result result;
	struct attestation_input input;
	struct evidence evidence;
	int status;

	if (evidence_parse((const char *)data, size, &evidence, reason)) {
		/* A refusal says why, within its buffer. */
		if (!reason[0] || strnlen(reason, sizeof(reason)) == sizeof(reason))
			abort();
		return VERIFY_MALFORMED;
	}
	input = (struct attestation_input){
		.evidence = &evidence,
		.reference = &fixture.reference,
		.lookup = attestation_fixture_lookup,
		.nonce = evidence.nonce,   /* offline: the file's own */
	};
	status = attestation_verify(&input, &verdict, &result);
	attestation_fixture_check(&verdict, status, &evidence, false);
	evidence_free(&evidence);
	return status;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *line;

	(void)argc;
	(void)argv;
	if (attestation_fixture_start())
		abort();
	/* The fixture is what the seeds are made of: if the software attester and
	 * the verifier ever disagree on it, the fuzzer would start from nothing. */
	line = attestation_fixture_line(&fixture.config, &fixture.output);
	if (!line || verify((const uint8_t *)line, strlen(line)) != VERIFY_TRUSTED) {
		fprintf(stderr, "fuzz_attestation: the trusted machine's evidence is not "
				"trusted\n");
		abort();
	}
	free(line);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	verify(data, size);
	return 0;
}
