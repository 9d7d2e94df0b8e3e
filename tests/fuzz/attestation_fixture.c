/* The attestation fuzzers' fixture (attestation_fixture.h). */
#include "attestation_fixture.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "encoding.h"
#include "event_log_replay.h"
#include "json_strict.h"

struct attestation_fixture fixture;

int attestation_fixture_start(void)
{
	if (attester_model_start())
		return -1;
	attester_defaults(&fixture.config);
	attester_build(&fixture.config, &fixture.output);
	attester_reference(&fixture.reference);
	attester_enrollment(&fixture.enrollment);
	/* As after a first trusted quote, so that live verification compares them. */
	fixture.enrollment.has_counters = true;
	fixture.enrollment.reset_count = fixture.config.reset_count;
	fixture.enrollment.restart_count = fixture.config.restart_count;
	return 0;
}

int attestation_fixture_lookup(void *context, const uint8_t ak_name[AK_NAME_SIZE],
			       struct enrollment *enrollment,
			       char reason[ENROLLMENT_REASON_SIZE])
{
	(void)context;
	(void)reason;
	if (memcmp(ak_name, fixture.enrollment.ak_name, AK_NAME_SIZE))
		return 0;
	*enrollment = fixture.enrollment;
	return 1;
}

/* Adds `name` as base64; 0, or -1 when out of memory. */
static int add_base64(struct json_object *object, const char *name, const struct blob *blob)
{
	char *text = base64_encode_alloc(blob->bytes, blob->size);
	struct json_object *string = text ? json_object_new_string(text) : NULL;

	free(text);
	if (!string)
		return -1;
	json_object_object_add(object, name, string);
	return 0;
}

static struct json_object *evidence_object(const struct evidence *evidence)
{
	struct json_object *response = json_object_new_object();
	struct json_object *quote = json_object_new_object();
	char nonce[2 * SBX_NONCE_SIZE + 1];

	if (!response || !quote || add_base64(quote, "attest", &evidence->quote_attest) ||
	    add_base64(quote, "signature", &evidence->quote_signature)) {
		json_object_put(quote);
		json_object_put(response);
		return NULL;
	}
	hex_encode(evidence->nonce, SBX_NONCE_SIZE, nonce);
	json_object_object_add(response, "sbx_attest", json_object_new_int(1));
	json_object_object_add(response, "response", json_object_new_string("evidence"));
	json_object_object_add(response, "nonce", json_object_new_string(nonce));
	json_object_object_add(response, "quote", quote);
	if (add_base64(response, "ak_public", &evidence->ak_public) ||
	    add_base64(response, "ek_certificate", &evidence->ek_certificate) ||
	    add_base64(response, "firmware_log", &evidence->firmware_log) ||
	    add_base64(response, "hv_log", &evidence->hv_log) ||
	    add_base64(response, "report", &evidence->report)) {
		json_object_put(response);
		return NULL;
	}
	return response;
}

char *attestation_fixture_line(const struct attester_config *config,
			       const struct attester_output *output)
{
	struct evidence evidence;
	struct json_object *response;
	char *line;

	attester_evidence(config, output, &evidence);
	response = evidence_object(&evidence);
	attester_evidence_free(&evidence);
	line = json_strict_line(response);   /* '/' unescaped, as the agent writes it */
	json_object_put(response);
	return line;
}

void attestation_fixture_fields(const struct attester_output *output, uint8_t flags,
				struct evidence_fields *fields)
{
	fields->flags = flags;
	fields->bytes[FIELD_QUOTE_ATTEST] = output->attest;
	fields->sizes[FIELD_QUOTE_ATTEST] = output->attest_size;
	fields->bytes[FIELD_QUOTE_SIGNATURE] = output->signature;
	fields->sizes[FIELD_QUOTE_SIGNATURE] = output->signature_size;
	fields->bytes[FIELD_AK_PUBLIC] = attester_ak_public(&fields->sizes[FIELD_AK_PUBLIC]);
	fields->bytes[FIELD_FIRMWARE_LOG] = output->firmware_log;
	fields->sizes[FIELD_FIRMWARE_LOG] = output->firmware_log_size;
	fields->bytes[FIELD_HV_LOG] = output->hv_log;
	fields->sizes[FIELD_HV_LOG] = output->hv_log_size;
	fields->bytes[FIELD_REPORT] = (const uint8_t *)&output->report;
	fields->sizes[FIELD_REPORT] = sizeof(output->report);
}

static void must(bool condition)
{
	if (!condition)
		abort();
}

static bool terminated(const char *text, size_t size)
{
	return strnlen(text, size) < size;
}

/* The PCRs the quote selects, as `log` replays them, equal the trusted machine's. */
static void check_replay(const struct blob *log, unsigned first, unsigned last)
{
	uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
	struct event_log_error error;

	must(event_log_replay_sha256(log->bytes, log->size, pcrs, &error) == 0);
	for (unsigned pcr = first; pcr <= last; pcr++)
		must(!memcmp(pcrs[pcr], fixture.output.pcrs[pcr], REPLAY_DIGEST_SIZE));
}

static void check_json(const struct verdict *verdict)
{
	char *line = verdict_json(verdict);
	struct json_object *parsed;
	size_t length;

	must(line != NULL);
	length = strlen(line);
	must(length > 0 && strchr(line, '\n') == line + length - 1);
	parsed = json_tokener_parse(line);
	must(parsed && json_object_is_type(parsed, json_type_object));
	json_object_put(parsed);
	free(line);
}

void attestation_fixture_check(const struct verdict *verdict, int status,
			       const struct evidence *evidence, bool resigned)
{
	bool failed = false;

	must(status == verdict_outcome(verdict));
	must(verdict->check_count <= VERDICT_CHECKS_MAX);
	must(terminated(verdict->reason, sizeof(verdict->reason)));
	for (size_t i = 0; i < verdict->check_count; i++) {
		const struct verdict_check *check = &verdict->checks[i];

		must(terminated(check->name, sizeof(check->name)) && check->name[0]);
		must(terminated(check->reason, sizeof(check->reason)));
		if (check->status == CHECK_FAILED) {
			must(check->reason[0] != '\0');
			failed = true;
		} else if (check->status == CHECK_OK) {
			must(check->reason[0] == '\0');
		}
	}
	check_json(verdict);
	if (status != VERIFY_TRUSTED)
		return;
	must(!failed && verdict->check_count > 0);
	check_replay(&evidence->firmware_log, 0, 9);
	check_replay(&evidence->hv_log, 17, 19);
	if (!resigned)
		must(evidence->quote_attest.size == fixture.output.attest_size &&
		     !memcmp(evidence->quote_attest.bytes, fixture.output.attest,
			     fixture.output.attest_size));
}
