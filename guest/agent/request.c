/* The agent's request parser: json-c in strict mode with a depth limit and UTF-8
 * checked, plus what strict mode lets through and the contract refuses: a member
 * named twice (json-c keeps the last) and \u0000 (json-c cuts a member name there,
 * so "nonce\u0000x" would read as "nonce"). */
#define _GNU_SOURCE   /* memmem */
#include "request.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

static int refuse(char error[AGENT_ERROR_SIZE], const char *format, ...)
	__attribute__((format(printf, 2, 3)));
static int refuse(char error[AGENT_ERROR_SIZE], const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(error, AGENT_ERROR_SIZE, format, arguments);
	va_end(arguments);
	/* Messages echo bits of the request; cutting one could split a UTF-8
	 * sequence, and a control character has no business in a log line, so
	 * only printable ASCII is echoed. */
	for (char *c = error; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	return -1;
}

static struct json_object *parse_object(const char *text, size_t length,
					char error[AGENT_ERROR_SIZE])
{
	struct json_tokener *tokener;
	struct json_object *object;
	enum json_tokener_error status;
	size_t consumed;

	/* The server never hands over more; the check keeps the int below exact. */
	if (length >= AGENT_REQUEST_MAX) {
		refuse(error, "the request is longer than %d bytes", AGENT_REQUEST_MAX);
		return NULL;
	}
	if (memchr(text, '\0', length)) {
		refuse(error, "the request holds a NUL byte");
		return NULL;
	}
	/* No field of a valid request has a backslash at all, so refusing the six
	 * bytes wherever they are refuses nothing valid. */
	if (memmem(text, length, "\\u0000", 6)) {
		refuse(error, "the request holds \\u0000");
		return NULL;
	}
	tokener = json_tokener_new_ex(REQUEST_DEPTH_MAX);
	if (!tokener) {
		refuse(error, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	object = json_tokener_parse_ex(tokener, text, (int)length);
	status = json_tokener_get_error(tokener);
	consumed = json_tokener_get_parse_end(tokener);
	json_tokener_free(tokener);
	if (status != json_tokener_success || !object) {
		refuse(error, "the request is not valid JSON: %s",
		       status == json_tokener_continue ? "it ends early"
						       : json_tokener_error_desc(status));
		json_object_put(object);
		return NULL;
	}
	if (consumed != length) {
		refuse(error, "the request has bytes after its JSON value");
		json_object_put(object);
		return NULL;
	}
	if (!json_object_is_type(object, json_type_object)) {
		refuse(error, "the request is not a JSON object");
		json_object_put(object);
		return NULL;
	}
	return object;
}

/* In JSON that parsed, every ':' outside a string ends a member name: in a flat
 * object, more of them than the parsed object has members means a name came twice. */
static size_t colons_outside_strings(const char *text, size_t length)
{
	bool in_string = false;
	size_t colons = 0;

	for (size_t i = 0; i < length; i++) {
		if (in_string && text[i] == '\\')
			i++;
		else if (text[i] == '"')
			in_string = !in_string;
		else if (!in_string && text[i] == ':')
			colons++;
	}
	return colons;
}

/* Each request and the fields it carries besides "sbx_attest" and "request". */
struct request_form {
	const char *name;
	enum request_kind kind;
	const char *fields[2];
};

static const struct request_form request_forms[] = {
	{ "identity", REQUEST_IDENTITY, { NULL, NULL } },
	{ "activate", REQUEST_ACTIVATE, { "credential_blob", "secret" } },
	{ "evidence", REQUEST_EVIDENCE, { "nonce", NULL } },
};

static const struct request_form *find_form(const char *name, size_t length)
{
	if (strlen(name) != length)
		return NULL;
	for (size_t i = 0; i < sizeof(request_forms) / sizeof(request_forms[0]); i++)
		if (!strcmp(request_forms[i].name, name))
			return &request_forms[i];
	return NULL;
}

/* Every key must be a known one; the contract refuses a field it does not list. */
static const char *unknown_field(struct json_object *object, const struct request_form *form)
{
	json_object_object_foreach(object, key, value) {
		bool known = !strcmp(key, "sbx_attest") || !strcmp(key, "request");

		(void)value;
		for (size_t i = 0; i < 2 && !known; i++)
			known = form->fields[i] && !strcmp(key, form->fields[i]);
		if (!known)
			return key;
	}
	return NULL;
}

/* A required string field, its length in *length; NULL if missing or no string. */
static const char *string_field(struct json_object *object, const char *name, size_t *length)
{
	struct json_object *value;

	if (!json_object_object_get_ex(object, name, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	*length = (size_t)json_object_get_string_len(value);
	return json_object_get_string(value);
}

static int hex_digit(char digit)
{
	if (digit >= '0' && digit <= '9')
		return digit - '0';
	if (digit >= 'a' && digit <= 'f')
		return digit - 'a' + 10;
	return -1;
}

static int parse_nonce(struct json_object *object, struct request *request,
		       char error[AGENT_ERROR_SIZE])
{
	size_t length = 0;
	const char *hex = string_field(object, "nonce", &length);

	if (!hex || length != REQUEST_NONCE_HEX_SIZE)
		goto refused;
	for (size_t i = 0; i < SBX_NONCE_SIZE; i++) {
		int high = hex_digit(hex[2 * i]), low = hex_digit(hex[2 * i + 1]);

		if (high < 0 || low < 0)
			goto refused;
		request->nonce[i] = (uint8_t)(high << 4 | low);
	}
	memcpy(request->nonce_hex, hex, REQUEST_NONCE_HEX_SIZE + 1);
	return 0;
refused:
	return refuse(error, "nonce must be a string of %d bytes in lower-case hex",
		      SBX_NONCE_SIZE);
}

/* A TPM2B is never empty, so neither is its base64. */
static int parse_base64(struct json_object *object, const char *name, struct buffer *out,
			char error[AGENT_ERROR_SIZE])
{
	size_t length = 0;
	const char *text = string_field(object, name, &length);

	if (!text || !length || base64_decode(text, length, out))
		return refuse(error, "%s must be a non-empty string of strict base64", name);
	return 0;
}

static int parse_fields(struct json_object *object, const struct request_form *form,
			struct request *request, char error[AGENT_ERROR_SIZE])
{
	const char *unknown = unknown_field(object, form);

	if (unknown)
		return refuse(error, "unknown field \"%.64s\" in the %s request", unknown,
			      form->name);
	request->kind = form->kind;
	switch (form->kind) {
	case REQUEST_IDENTITY:
		return 0;
	case REQUEST_ACTIVATE:
		return parse_base64(object, "credential_blob", &request->credential_blob, error) ||
		       parse_base64(object, "secret", &request->secret, error) ? -1 : 0;
	case REQUEST_EVIDENCE:
		return parse_nonce(object, request, error);
	}
	return refuse(error, "unknown request kind");
}

static int parse_members(const char *text, size_t length, struct json_object *object,
			 struct request *request, char error[AGENT_ERROR_SIZE])
{
	const struct request_form *form;
	struct json_object *version;
	const char *name;
	size_t name_length = 0;

	if (!json_object_object_get_ex(object, "sbx_attest", &version) ||
	    !json_object_is_type(version, json_type_int))
		return refuse(error, "sbx_attest (the protocol version) must be an integer");
	if (json_object_get_int64(version) != AGENT_PROTOCOL_VERSION)
		return refuse(error, "protocol version %s is not supported (only %d)",
			      json_object_to_json_string(version), AGENT_PROTOCOL_VERSION);
	name = string_field(object, "request", &name_length);
	if (!name)
		return refuse(error, "request must be a string");
	form = find_form(name, name_length);
	if (!form)
		return refuse(error, "unknown request %.64s",
			      json_object_to_json_string(json_object_object_get(object, "request")));
	if (parse_fields(object, form, request, error))
		return -1;
	/* Every member is now known to be a number or a string: the object is flat. */
	if (colons_outside_strings(text, length) != (size_t)json_object_object_length(object))
		return refuse(error, "a field appears twice in the request");
	return 0;
}

int request_parse(const char *text, size_t length, struct request *request,
		  char error[AGENT_ERROR_SIZE])
{
	struct json_object *object;
	int status;

	memset(request, 0, sizeof(*request));
	object = parse_object(text, length, error);
	if (!object)
		return -1;
	status = parse_members(text, length, object, request, error);
	json_object_put(object);
	if (status)
		request_free(request);
	return status;
}

void request_free(struct request *request)
{
	buffer_free(&request->credential_blob);
	buffer_free(&request->secret);
}
