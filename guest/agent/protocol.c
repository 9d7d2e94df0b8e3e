/* The agent's side of attest/README.md: one request line parsed strictly with
 * json-c (a depth limit, strict mode, UTF-8 checked, exactly the listed fields
 * with their types), one response line built. */
#define _GNU_SOURCE   /* asprintf */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "agent.h"

/* A request is one flat object; anything deeper is refused by the tokener before
 * it can cost stack. */
#define REQUEST_DEPTH_MAX 4

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

static char *error_response(const char *format, ...) __attribute__((format(printf, 1, 2)));
static char *error_response(const char *format, ...)
{
	char message[AGENT_ERROR_SIZE];
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(message, sizeof(message), format, arguments);
	va_end(arguments);
	/* Messages echo bits of the request; cutting one could split a UTF-8
	 * sequence, so whatever is not ASCII is not echoed. */
	for (char *c = message; *c; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	return protocol_error(message);
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

/* Each request, the fields it may carry besides "sbx_attest" and "request", and
 * what answers it. */
struct request_kind {
	const char *name;
	const char *fields[2];
	char *(*respond)(struct agent_tpm *tpm, struct json_object *request);
};

/* Every key must be a known one; the contract refuses a field it does not list. */
static const char *unknown_field(struct json_object *request, const struct request_kind *kind)
{
	json_object_object_foreach(request, key, value) {
		int known = !strcmp(key, "sbx_attest") || !strcmp(key, "request");

		(void)value;
		for (size_t i = 0; i < 2 && !known; i++)
			known = kind->fields[i] && !strcmp(key, kind->fields[i]);
		if (!known)
			return key;
	}
	return NULL;
}

/* A required string field, its length in *length. */
static const char *string_field(struct json_object *request, const char *name, size_t *length)
{
	struct json_object *value;

	if (!json_object_object_get_ex(request, name, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	*length = (size_t)json_object_get_string_len(value);
	return json_object_get_string(value);
}

static int nonce_decode(const char *hex, size_t length, uint8_t nonce[SBX_NONCE_SIZE])
{
	if (length != 2 * SBX_NONCE_SIZE)
		return -1;
	for (size_t i = 0; i < SBX_NONCE_SIZE; i++) {
		unsigned value = 0;

		for (size_t j = 0; j < 2; j++) {
			char digit = hex[2 * i + j];

			if (digit >= '0' && digit <= '9')
				value = value * 16 + (unsigned)(digit - '0');
			else if (digit >= 'a' && digit <= 'f')
				value = value * 16 + (unsigned)(digit - 'a' + 10);
			else
				return -1;
		}
		nonce[i] = (uint8_t)value;
	}
	return 0;
}

static char *identity_response(struct agent_tpm *tpm, struct json_object *request)
{
	struct json_object *response;

	(void)request;   /* it has no fields beyond the version and its name */
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

static char *activate_response(struct agent_tpm *tpm, struct json_object *request)
{
	struct buffer blob = { 0 }, secret = { 0 }, credential = { 0 };
	char error[AGENT_ERROR_SIZE];
	struct json_object *response;
	const char *text;
	size_t length;
	int status;

	text = string_field(request, "credential_blob", &length);
	if (!text || base64_decode(text, length, &blob))
		return protocol_error("credential_blob must be a string of strict base64");
	text = string_field(request, "secret", &length);
	if (!text || base64_decode(text, length, &secret)) {
		buffer_free(&blob);
		return protocol_error("secret must be a string of strict base64");
	}
	status = tpm_activate(tpm, &blob, &secret, &credential, error);
	buffer_free(&blob);
	buffer_free(&secret);
	if (status)
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

static char *evidence_response(struct agent_tpm *tpm, struct json_object *request)
{
	struct evidence_parts parts = { 0 };
	uint8_t nonce[SBX_NONCE_SIZE];
	char error[AGENT_ERROR_SIZE];
	struct json_object *response;
	const char *nonce_hex;
	size_t length;

	nonce_hex = string_field(request, "nonce", &length);
	if (!nonce_hex || nonce_decode(nonce_hex, length, nonce))
		return error_response("nonce must be a string of %d bytes in lower-case hex",
				      SBX_NONCE_SIZE);
	if (!tpm->ek_certificate.size)
		return protocol_error(tpm->ek_certificate_missing);
	if (tpm_quote(tpm, nonce, &parts.attest, &parts.signature, error) ||
	    firmware_log_read(&parts.firmware_log, error) || hv_log_read(&parts.hv_log, error) ||
	    securebox_report(nonce, &parts.report, error)) {
		evidence_parts_free(&parts);
		return protocol_error(error);
	}
	response = evidence_object(tpm, nonce_hex, &parts);
	evidence_parts_free(&parts);
	return response ? response_line(response) : protocol_error("out of memory");
}

/* The requests attest/README.md lists. */
static const struct request_kind request_kinds[] = {
	{ "identity", { NULL, NULL }, identity_response },
	{ "activate", { "credential_blob", "secret" }, activate_response },
	{ "evidence", { "nonce", NULL }, evidence_response },
};

static const struct request_kind *find_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(request_kinds) / sizeof(request_kinds[0]); i++)
		if (!strcmp(request_kinds[i].name, name))
			return &request_kinds[i];
	return NULL;
}

static struct json_object *parse_request(const char *text, size_t length,
					 char error[AGENT_ERROR_SIZE])
{
	struct json_tokener *tokener;
	struct json_object *request;
	enum json_tokener_error status;
	size_t consumed;

	if (memchr(text, '\0', length)) {
		snprintf(error, AGENT_ERROR_SIZE, "the request holds a NUL byte");
		return NULL;
	}
	tokener = json_tokener_new_ex(REQUEST_DEPTH_MAX);
	if (!tokener) {
		snprintf(error, AGENT_ERROR_SIZE, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	request = json_tokener_parse_ex(tokener, text, (int)length);
	status = json_tokener_get_error(tokener);
	consumed = json_tokener_get_parse_end(tokener);
	json_tokener_free(tokener);
	if (status != json_tokener_success || !request) {
		snprintf(error, AGENT_ERROR_SIZE, "the request is not valid JSON: %s",
			 status == json_tokener_continue ? "it ends early"
							 : json_tokener_error_desc(status));
		json_object_put(request);
		return NULL;
	}
	if (consumed != length) {
		snprintf(error, AGENT_ERROR_SIZE, "the request has bytes after its JSON value");
		json_object_put(request);
		return NULL;
	}
	if (!json_object_is_type(request, json_type_object)) {
		snprintf(error, AGENT_ERROR_SIZE, "the request is not a JSON object");
		json_object_put(request);
		return NULL;
	}
	return request;
}

static char *dispatch(struct agent_tpm *tpm, struct json_object *request)
{
	const struct request_kind *kind;
	struct json_object *version;
	const char *name, *unknown;
	size_t length;

	if (!json_object_object_get_ex(request, "sbx_attest", &version) ||
	    !json_object_is_type(version, json_type_int))
		return protocol_error("sbx_attest (the protocol version) must be an integer");
	if (json_object_get_int64(version) != AGENT_PROTOCOL_VERSION)
		return error_response("protocol version %s is not supported (only %d)",
				      json_object_to_json_string(version),
				      AGENT_PROTOCOL_VERSION);
	name = string_field(request, "request", &length);
	if (!name)
		return protocol_error("request must be a string");
	kind = strlen(name) == length ? find_kind(name) : NULL;
	if (!kind)
		return error_response("unknown request %.64s", json_object_to_json_string(
			json_object_object_get(request, "request")));
	unknown = unknown_field(request, kind);
	if (unknown)
		return error_response("unknown field \"%.64s\" in the %s request", unknown,
				      kind->name);
	return kind->respond(tpm, request);
}

char *protocol_handle(struct agent_tpm *tpm, const char *text, size_t length)
{
	char error[AGENT_ERROR_SIZE];
	struct json_object *request = parse_request(text, length, error);
	char *response;

	if (!request)
		return protocol_error(error);
	response = dispatch(tpm, request);
	json_object_put(request);
	return response;
}
