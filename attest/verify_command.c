/* sbx-attest verify: live, with a fresh nonce sent to the agent, or offline over
 * saved evidence files, one verdict per file. Only a live trusted verdict advances
 * the AK's reset and restart counts: an offline file may be old. */
#include "sbx_attest.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent_client.h"
#include "attestation_verify.h"
#include "encoding.h"
#include "enrollment.h"
#include "evidence.h"
#include "json_strict.h"
#include "reference.h"

struct verify_options {
	struct attest_options common;
	bool live;
	const char *save;
	char **files;
	size_t file_count;
	bool pin_nonce;
	uint8_t nonce[SBX_NONCE_SIZE];
};

static int state_lookup(void *context, const uint8_t ak_name[AK_NAME_SIZE],
			struct enrollment *enrollment, char reason[ENROLLMENT_REASON_SIZE])
{
	return enrollment_load(context, ak_name, enrollment, reason);
}

static uint64_t monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

static int copy_path(char target[PATH_MAX], const char *path)
{
	if (strlen(path) >= PATH_MAX)
		return attest_print_error("usage", VERDICT_ERROR, "path too long: %s", path);
	strcpy(target, path);
	return 0;
}

static int parse_options(int argc, char **argv, struct verify_options *options)
{
	static const struct option long_options[] = {
		{ "agent", required_argument, NULL, 'a' },
		{ "evidence", no_argument, NULL, 'e' },
		{ "reference", required_argument, NULL, 'r' },
		{ "state", required_argument, NULL, 's' },
		{ "save", required_argument, NULL, 'o' },
		{ "nonce", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	char reason[VERDICT_REASON_SIZE];
	bool offline = false;
	int option, status = 0;

	if (attest_defaults(&options->common, reason, sizeof(reason)))
		return attest_print_error("usage", VERDICT_ERROR, "%s", reason);
	opterr = 0;
	while (!status && (option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case 'a':
			options->live = true;
			options->common.agent = optarg;
			break;
		case 'e':
			offline = true;
			break;
		case 'r':
			status = copy_path(options->common.reference, optarg);
			break;
		case 's':
			status = copy_path(options->common.state, optarg);
			break;
		case 'o':
			options->save = optarg;
			break;
		case 'n':
			/* Lower-case only, as the evidence spells it (attest/README.md). */
			if (hex_decode_exact(optarg, strlen(optarg), options->nonce,
					     SBX_NONCE_SIZE))
				return attest_print_error("usage", VERDICT_ERROR,
							  "--nonce needs 64 lower-case hex digits");
			options->pin_nonce = true;
			break;
		default:
			return attest_print_error("usage", VERDICT_ERROR,
						  "verify: unknown option or missing value: %s",
						  argv[optind - 1]);
		}
	}
	if (status)
		return status;
	/* GNU getopt moves the evidence files, which follow --evidence, to the end. */
	options->files = argv + optind;
	options->file_count = (size_t)(argc - optind);
	if (options->live == offline)
		return attest_print_error("usage", VERDICT_ERROR,
					  "verify: give either --agent or --evidence FILE...");
	if (offline && options->file_count == 0)
		return attest_print_error("usage", VERDICT_ERROR, "verify: --evidence needs files");
	if (options->live && options->file_count)
		return attest_print_error("usage", VERDICT_ERROR, "verify: unexpected argument %s",
					  options->files[0]);
	if (options->live && options->pin_nonce)
		return attest_print_error("usage", VERDICT_ERROR,
					  "verify: --nonce is for --evidence; live nonces are fresh");
	if (offline && options->save)
		return attest_print_error("usage", VERDICT_ERROR,
					  "verify: --save is for --agent");
	return 0;
}

/* A live trusted quote raises the recorded counts; they never go down, not even
 * when another verifier recorded higher ones since this one loaded the record. */
static void advance_counters(const struct verify_options *options,
			     const struct attestation_result *result, struct verdict *verdict)
{
	char reason[ENROLLMENT_REASON_SIZE] = "";
	int status = enrollment_advance(options->common.state, &result->enrollment,
					result->clock.reset_count, result->clock.restart_count,
					reason);

	if (status == ENROLLMENT_COUNTS_BELOW)
		verdict_fail(verdict, "enrollment.counters", VERIFY_UNTRUSTED, "%s", reason);
	else if (status)
		verdict_fail(verdict, "enrollment.counters", VERDICT_ERROR,
			     "cannot record the counts: %s", reason);
	else
		verdict_ok(verdict, "enrollment.counters");
}

static int save_response(const char *path, const char *response, size_t size, char *reason,
			 size_t reason_size)
{
	FILE *file = fopen(path, "wb");
	bool ok = file && fwrite(response, 1, size, file) == size && fputc('\n', file) != EOF;

	if (file && fclose(file))
		ok = false;
	if (!ok)
		snprintf(reason, reason_size, "cannot write %s: %s", path, strerror(errno));
	return ok ? 0 : -1;
}

/* Verifies one evidence response line and prints the verdict. */
static int verify_response(const struct verify_options *options,
			   const struct reference *reference, const char *response, size_t size,
			   struct attestation_input *input)
{
	char reason[EVIDENCE_REASON_SIZE] = "";
	struct attestation_result result;
	struct evidence evidence;
	struct verdict verdict;
	int status;

	memset(&evidence, 0, sizeof(evidence));
	status = evidence_parse(response, size, &evidence, reason);
	if (status) {
		evidence_free(&evidence);
		verdict_init(&verdict);
		verdict_fail(&verdict, "evidence", attest_refused_response_status(status), "%s",
			     reason);
		return attest_print(&verdict);
	}
	input->evidence = &evidence;
	input->reference = reference;
	input->lookup = state_lookup;
	input->lookup_context = (void *)options->common.state;
	if (!input->live)
		input->nonce = options->pin_nonce ? options->nonce : evidence.nonce;
	status = attestation_verify(input, &verdict, &result);
	if (input->live && status == VERIFY_TRUSTED && result.enrolled)
		advance_counters(options, &result, &verdict);
	evidence_free(&evidence);
	return attest_print(&verdict);
}

static int verify_live(const struct verify_options *options, const struct reference *reference)
{
	uint8_t nonce[SBX_NONCE_SIZE];
	char reason[AGENT_REASON_SIZE] = "", save_reason[VERDICT_REASON_SIZE];
	mbedtls_ctr_drbg_context drbg;
	struct attestation_input input = {
		.nonce = nonce, .live = true, .time_limit_ms = ATTEST_TIME_LIMIT_MS,
	};
	char *request, *response;
	size_t response_size;
	int failed;

	failed = attest_random_start(&drbg) ||
		 mbedtls_ctr_drbg_random(&drbg, nonce, sizeof(nonce));
	mbedtls_ctr_drbg_free(&drbg);
	if (failed)
		return attest_print_error("random", VERDICT_ERROR, "cannot draw a nonce");

	request = evidence_request(nonce);
	if (!request)
		return attest_print_error("transport", VERDICT_ERROR, "out of memory");
	input.issued_ms = monotonic_ms();
	failed = agent_exchange(options->common.agent, request, ATTEST_AGENT_TIMEOUT_SECONDS,
				&response, &response_size, reason);
	input.received_ms = monotonic_ms();
	free(request);
	if (failed)
		return attest_print_error("transport", VERDICT_ERROR, "%s", reason);

	if (options->save && save_response(options->save, response, response_size, save_reason,
					   sizeof(save_reason))) {
		free(response);
		return attest_print_error("save", VERDICT_ERROR, "%s", save_reason);
	}
	failed = verify_response(options, reference, response, response_size, &input);
	free(response);
	return failed;
}

static int verify_file(const struct verify_options *options, const struct reference *reference,
		       const char *path)
{
	struct attestation_input input = { .live = false };
	char reason[VERDICT_REASON_SIZE];
	size_t size;
	char *text;
	/* Capped as the agent's responses are: a longer file is malformed evidence, as a
	 * longer response would be; other failures are the verifier's. */
	int status = json_strict_file_read(path, ATTEST_RESPONSE_SIZE_MAX, &text, &size, reason,
					   sizeof(reason));

	if (status)
		return attest_print_error("evidence.file",
					  status == JSON_STRICT_TOO_LARGE ? VERIFY_MALFORMED :
									    VERDICT_ERROR,
					  "%s", reason);
	status = verify_response(options, reference, text, size, &input);
	free(text);
	return status;
}

int verify_command(int argc, char **argv)
{
	struct verify_options options = { .live = false };
	char reason[REFERENCE_REASON_SIZE] = "";
	struct reference *reference;
	int status = parse_options(argc, argv, &options), worst = VERIFY_TRUSTED;

	if (status)
		return status;
	/* Large (several tables of digests): on the heap, not the stack. */
	reference = malloc(sizeof(*reference));
	if (!reference)
		return attest_print_error("reference", VERDICT_ERROR, "out of memory");
	if (reference_load(options.common.reference, reference, reason)) {
		free(reference);
		return attest_print_error("reference", VERDICT_ERROR, "%s: %s",
					  options.common.reference, reason);
	}
	if (options.live) {
		worst = verify_live(&options, reference);
	} else {
		for (size_t i = 0; i < options.file_count; i++) {
			status = verify_file(&options, reference, options.files[i]);
			if (status > worst)
				worst = status;
		}
	}
	free(reference);
	return worst;
}
