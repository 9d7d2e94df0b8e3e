/* The agent's side of attest/README.md: one request line, parsed and checked by
 * request.c, answered by the TPM, the hypervisor and the securebox; one response
 * line built with json-c. */
#define _GNU_SOURCE   /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "agent.h"
#include "request.h"

static char *response_line(struct json_object *response)
{
	const char *text = json_object_to_json_string_ext(response, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	char *line = NULL;

	if (text && asprintf(&line, "%s\n", text) < 0)
		line = NULL;
	json_object_put(response);
	return line;
}

static struct json_object *response_new(const char *kind)
{
	struct json_object *response = json_object_new_object();

	if (response) {
		json_object_object_add(response, "sbx_attest",
				       json_object_new_int(AGENT_PROTOCOL_VERSION));
		json_object_object_add(response, "response", json_object_new_string(kind));
	}
	return response;
}

char *protocol_error(const char *message)
{
	struct json_object *response = response_new("error");

	if (!response)
		return NULL;
	json_object_object_add(response, "error", json_object_new_string(message));
	return response_line(response);
}

/* Adds `name` as base64; 0, or -1 when out of memory. */
static int add_base64(struct json_object *object, const char *name, const struct buffer *data)
{
	char *text = base64_encode(data->bytes, data->size);
	struct json_object *string = text ? json_object_new_string(text) : NULL;

	free(text);
	if (!string)
		return -1;
	json_object_object_add(object, name, string);
	return 0;
}

static char *identity_response(struct agent_tpm *tpm)
{
	struct json_object *response;

	if (!tpm->ek_certificate.size)
		return protocol_error(tpm->ek_certificate_missing);
	response = response_new("identity");
	if (!response || add_base64(response, "ek_certificate", &tpm->ek_certificate) ||
	    add_base64(response, "ek_public", &tpm->ek_public) ||
	    add_base64(response, "ak_public", &tpm->ak_public)) {
		json_object_put(response);
		return protocol_error("out of memory");
	}
	return response_line(response);
}

static char *activate_response(struct agent_tpm *tpm, const struct request *request)
{
	struct buffer credential = { 0 };
	char error[AGENT_ERROR_SIZE];
	struct json_object *response;

	if (tpm_activate(tpm, &request->credential_blob, &request->secret, &credential, error))
		return protocol_error(error);
	response = response_new("activate");
	if (!response || add_base64(response, "credential", &credential)) {
		json_object_put(response);
		response = NULL;
	}
	buffer_free(&credential);
	return response ? response_line(response) : protocol_error("out of memory");
}

/* The parts of one evidence response, gathered before any is encoded. */
struct evidence_parts {
	struct buffer attest, signature, firmware_log, hv_log, report;
};

static void evidence_parts_free(struct evidence_parts *parts)
{
	buffer_free(&parts->attest);
	buffer_free(&parts->signature);
	buffer_free(&parts->firmware_log);
	buffer_free(&parts->hv_log);
	buffer_free(&parts->report);
}

static struct json_object *evidence_object(struct agent_tpm *tpm, const char *nonce_hex,
					   const struct evidence_parts *parts)
{
	struct json_object *response = response_new("evidence");
	struct json_object *quote = json_object_new_object();

	if (!response || !quote || add_base64(quote, "attest", &parts->attest) ||
	    add_base64(quote, "signature", &parts->signature)) {
		json_object_put(quote);
		json_object_put(response);
		return NULL;
	}
	json_object_object_add(response, "nonce", json_object_new_string(nonce_hex));
	json_object_object_add(response, "quote", quote);
	if (add_base64(response, "ak_public", &tpm->ak_public) ||
	    add_base64(response, "ek_certificate", &tpm->ek_certificate) ||
	    add_base64(response, "firmware_log", &parts->firmware_log) ||
	    add_base64(response, "hv_log", &parts->hv_log) ||
	    add_base64(response, "report", &parts->report)) {
		json_object_put(response);
		return NULL;
	}
	return response;
}

static char *evidence_response(struct agent_tpm *tpm, const struct request *request)
{
	struct evidence_parts parts = { 0 };
	char error[AGENT_ERROR_SIZE];
	struct json_object *response;

	if (!tpm->ek_certificate.size)
		return protocol_error(tpm->ek_certificate_missing);
	if (tpm_quote(tpm, request->nonce, &parts.attest, &parts.signature, error) ||
	    firmware_log_read(&parts.firmware_log, error) || hv_log_read(&parts.hv_log, error) ||
	    securebox_report(request->nonce, &parts.report, error)) {
		evidence_parts_free(&parts);
		return protocol_error(error);
	}
	response = evidence_object(tpm, request->nonce_hex, &parts);
	evidence_parts_free(&parts);
	return response ? response_line(response) : protocol_error("out of memory");
}

char *protocol_handle(struct agent_tpm *tpm, const char *text, size_t length)
{
	char error[AGENT_ERROR_SIZE];
	struct request request;
	char *response = NULL;

	if (request_parse(text, length, &request, error))
		return protocol_error(error);
	switch (request.kind) {
	case REQUEST_IDENTITY:
		response = identity_response(tpm);
		break;
	case REQUEST_ACTIVATE:
		response = activate_response(tpm, &request);
		break;
	case REQUEST_EVIDENCE:
		response = evidence_response(tpm, &request);
		break;
	}
	request_free(&request);
	return response;
}
