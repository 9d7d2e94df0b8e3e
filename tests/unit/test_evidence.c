/* Unit tests for the agent's messages (attest/evidence.c) and the strict JSON and
 * base64 beneath them: a valid message of each kind parses, and each kind of defect
 * is refused with a reason naming the field. Messages are assembled from a field
 * list, so that each test changes one thing in an otherwise valid message, and each
 * is handed over in a heap block of exactly its size, so AddressSanitizer reports
 * any read past it. */
#define _GNU_SOURCE   /* asprintf */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "encoding.h"
#include "evidence.h"

#define FIELDS_MAX 16
#define NONCE_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

struct field {
	const char *name;
	char *value;   /* JSON text, malloc'ed */
};

struct message {
	struct field fields[FIELDS_MAX];
	size_t count;
};

static char *json_string_of(const char *text)
{
	char *value;

	assert_true(asprintf(&value, "\"%s\"", text) > 0);
	return value;
}

/* A JSON string holding the base64 of `size` bytes of `fill`. */
static char *base64_value(size_t size, uint8_t fill)
{
	uint8_t *bytes = malloc(size ? size : 1);
	char *text, *value;

	assert_non_null(bytes);
	memset(bytes, fill, size);
	text = base64_encode_alloc(bytes, size);
	assert_non_null(text);
	value = json_string_of(text);
	free(text);
	free(bytes);
	return value;
}

static void set(struct message *message, const char *name, char *value)
{
	for (size_t i = 0; i < message->count; i++) {
		if (strcmp(message->fields[i].name, name) == 0) {
			free(message->fields[i].value);
			message->fields[i].value = value;
			return;
		}
	}
	assert_true(message->count < FIELDS_MAX);
	message->fields[message->count++] = (struct field){ name, value };
}

static void set_text(struct message *message, const char *name, const char *json)
{
	set(message, name, strdup(json));
}

static void drop(struct message *message, const char *name)
{
	for (size_t i = 0; i < message->count; i++) {
		if (strcmp(message->fields[i].name, name) == 0) {
			free(message->fields[i].value);
			message->fields[i] = message->fields[--message->count];
			return;
		}
	}
	fail_msg("no field %s", name);
}

/* The message as one JSON line, without its newline, malloc'ed. */
static char *render(const struct message *message)
{
	size_t size = 3;
	char *text;

	for (size_t i = 0; i < message->count; i++)
		size += strlen(message->fields[i].name) + strlen(message->fields[i].value) + 4;
	text = malloc(size);
	assert_non_null(text);
	strcpy(text, "{");
	for (size_t i = 0; i < message->count; i++) {
		if (i)
			strcat(text, ",");
		strcat(text, "\"");
		strcat(text, message->fields[i].name);
		strcat(text, "\":");
		strcat(text, message->fields[i].value);
	}
	strcat(text, "}");
	return text;
}

static void message_free(struct message *message)
{
	for (size_t i = 0; i < message->count; i++)
		free(message->fields[i].value);
	message->count = 0;
}

static struct message evidence_message(void)
{
	struct message message = { .count = 0 };

	set_text(&message, "sbx_attest", "1");
	set_text(&message, "response", "\"evidence\"");
	set(&message, "nonce", json_string_of(NONCE_HEX));
	set_text(&message, "quote", "{\"attest\":\"/0NHgA==\",\"signature\":\"AAEC\"}");
	set(&message, "ak_public", base64_value(280, 0x11));
	set(&message, "ek_certificate", base64_value(900, 0x22));
	set(&message, "firmware_log", base64_value(5000, 0x33));
	set(&message, "hv_log", base64_value(700, 0x44));
	set(&message, "report", base64_value(sizeof(struct sbx_report), 0x55));
	return message;
}

/* Parses `text` from a block of exactly its size. */
static int parse_evidence_text(const char *text, size_t size, struct evidence *evidence,
			       char reason[EVIDENCE_REASON_SIZE])
{
	char *copy = malloc(size ? size : 1);
	int status;

	assert_non_null(copy);
	memcpy(copy, text, size);
	status = evidence_parse(copy, size, evidence, reason);
	free(copy);
	return status;
}

/* Expects `message` to be refused with a reason containing `expected`. */
static void expect_evidence_refused(struct message *message, const char *expected)
{
	char *text = render(message);
	char reason[EVIDENCE_REASON_SIZE] = "";
	struct evidence evidence;

	assert_int_equal(parse_evidence_text(text, strlen(text), &evidence, reason), -1);
	if (!strstr(reason, expected))
		fail_msg("reason \"%s\" does not contain \"%s\"", reason, expected);
	assert_null(evidence.report.bytes);
	assert_null(evidence.quote_attest.bytes);
	free(text);
	message_free(message);
}

static void expect_text_refused(const char *text, size_t size, const char *expected)
{
	char reason[EVIDENCE_REASON_SIZE] = "";
	struct evidence evidence;

	assert_int_equal(parse_evidence_text(text, size, &evidence, reason), -1);
	if (!strstr(reason, expected))
		fail_msg("reason \"%s\" does not contain \"%s\"", reason, expected);
}

static void test_valid_evidence_parses(void **state)
{
	struct message message = evidence_message();
	char *text = render(&message);
	char reason[EVIDENCE_REASON_SIZE] = "";
	struct evidence evidence;
	const uint8_t attest[] = { 0xff, 0x43, 0x47, 0x80 };

	(void)state;
	assert_int_equal(parse_evidence_text(text, strlen(text), &evidence, reason), 0);
	for (size_t i = 0; i < SBX_NONCE_SIZE; i++)
		assert_int_equal(evidence.nonce[i], i);
	assert_int_equal(evidence.quote_attest.size, sizeof(attest));
	assert_memory_equal(evidence.quote_attest.bytes, attest, sizeof(attest));
	assert_int_equal(evidence.quote_signature.size, 3);
	assert_int_equal(evidence.ak_public.size, 280);
	assert_int_equal(evidence.ek_certificate.size, 900);
	assert_int_equal(evidence.firmware_log.size, 5000);
	assert_int_equal(evidence.firmware_log.bytes[4999], 0x33);
	assert_int_equal(evidence.hv_log.size, 700);
	assert_int_equal(evidence.report.size, sizeof(struct sbx_report));
	evidence_free(&evidence);
	assert_null(evidence.report.bytes);
	free(text);
	message_free(&message);
}

static void test_final_newline_is_accepted_and_nothing_else(void **state)
{
	struct message message = evidence_message();
	char *text = render(&message);
	size_t length = strlen(text);
	char *line = malloc(length + 3);
	char reason[EVIDENCE_REASON_SIZE];
	struct evidence evidence;

	(void)state;
	memcpy(line, text, length);
	memcpy(line + length, "\n", 2);
	assert_int_equal(parse_evidence_text(line, length + 1, &evidence, reason), 0);
	evidence_free(&evidence);
	memcpy(line + length, "\n\n", 3);
	expect_text_refused(line, length + 2, "not one JSON object");
	memcpy(line + length, " \n", 3);
	expect_text_refused(line, length + 2, "not one JSON object");
	memcpy(line + length, "\r\n", 3);
	expect_text_refused(line, length + 2, "not one JSON object");
	memcpy(line + length, "{}", 3);
	expect_text_refused(line, length + 2, "not JSON");
	line[length] = '\0';
	expect_text_refused(line, length + 1, "not one JSON object");
	free(line);
	free(text);
	message_free(&message);
}

static void test_not_json_is_refused(void **state)
{
	(void)state;
	expect_text_refused("", 0, "not one JSON object");
	expect_text_refused("[1]", 3, "not one JSON object");
	expect_text_refused(" {}", 3, "not one JSON object");
	expect_text_refused("{\"sbx_attest\":1,}", 17, "not JSON");
	expect_text_refused("{\"a\":{\"b\":1}", 12, "not JSON: the text ends inside the object");
	expect_text_refused("{\"sbx_attest\":1", 15, "not one JSON object");
	expect_text_refused("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", 31, "not JSON");
	expect_text_refused("{\"a\":\"\xff\"}", 9, "not JSON");
	expect_text_refused("{'sbx_attest':1}", 16, "single-quoted");
	expect_text_refused("{\"a\":1}\0\"", 9, "not one JSON object");
	expect_text_refused("{\"a\"\0:1}", 8, "not JSON");
	expect_text_refused("{\"a\":\"x\ty\"}", 11, "not JSON: a control character inside");
	/* json-c would read the name as "a". */
	expect_text_refused("{\"a\\u0000b\":1}", 14, "not JSON: \\u0000 inside a string");
	expect_text_refused("{\"a\":\"\\u0000\"}", 14, "not JSON: \\u0000 inside a string");
}

static void test_duplicate_member_is_refused(void **state)
{
	struct message message = evidence_message();

	(void)state;
	/* json-c would keep the second nonce; a strict reader keeps neither. */
	set(&message, "ak_public\":\"AAAA\",\"ak_public", base64_value(280, 0x11));
	expect_evidence_refused(&message, "appears twice");
	message = evidence_message();
	set_text(&message, "quote",
		 "{\"attest\":\"AAAA\",\"signature\":\"AAEC\",\"attest\":\"AAEC\"}");
	expect_evidence_refused(&message, "appears twice");
}

static void test_colons_and_quotes_inside_strings_are_data(void **state)
{
	struct message message = evidence_message();
	char *text;
	char reason[EVIDENCE_REASON_SIZE] = "";
	struct evidence evidence;

	(void)state;
	/* An unknown field whose value holds ':' and escaped quotes is found as
	 * unknown, not miscounted as a duplicate. */
	set_text(&message, "x", "\"a:b\\\":'c\"");
	text = render(&message);
	assert_int_equal(parse_evidence_text(text, strlen(text), &evidence, reason), -1);
	assert_string_equal(reason, "unknown field x");
	free(text);
	message_free(&message);
}

static void test_version_is_checked(void **state)
{
	struct message message = evidence_message();

	(void)state;
	set_text(&message, "sbx_attest", "2");
	expect_evidence_refused(&message, "field sbx_attest: protocol version 2, not 1");
	message = evidence_message();
	set_text(&message, "sbx_attest", "1.0");
	expect_evidence_refused(&message, "field sbx_attest: a number with a fraction");
	message = evidence_message();
	set_text(&message, "sbx_attest", "\"1\"");
	expect_evidence_refused(&message, "field sbx_attest: a string, not an integer");
	message = evidence_message();
	set_text(&message, "sbx_attest", "99999999999999999999");
	expect_evidence_refused(&message, "field sbx_attest: protocol version");
	message = evidence_message();
	drop(&message, "sbx_attest");
	expect_evidence_refused(&message, "missing field sbx_attest");
}

static void test_response_kind_is_checked(void **state)
{
	struct message message = evidence_message();

	(void)state;
	set_text(&message, "response", "\"identity\"");
	expect_evidence_refused(&message, "field response: \"identity\", not \"evidence\"");
	message = evidence_message();
	set_text(&message, "response", "null");
	expect_evidence_refused(&message, "field response: null, not a string");
}

/* An escape is the character it stands for: "evidenc\u0065" is "evidence". */
static void test_escapes_are_data(void **state)
{
	struct message message = evidence_message();
	char *text;
	char reason[EVIDENCE_REASON_SIZE] = "";
	struct evidence evidence;

	(void)state;
	set_text(&message, "response", "\"evidenc\\u0065\"");
	text = render(&message);
	assert_int_equal(parse_evidence_text(text, strlen(text), &evidence, reason), 0);
	evidence_free(&evidence);
	free(text);
	message_free(&message);
}

static void test_agent_error_is_quoted(void **state)
{
	static const char line[] =
		"{\"sbx_attest\":1,\"response\":\"error\",\"error\":\"no TPM\\u001b[2J\"}";
	static const char extra[] =
		"{\"sbx_attest\":1,\"response\":\"error\",\"error\":\"x\",\"more\":1}";
	char reason[EVIDENCE_REASON_SIZE];
	struct evidence evidence;
	struct identity identity;

	static const char trailing[] =
		"{\"sbx_attest\":1,\"response\":\"error\",\"error\":\"x\"}{}";
	static const char repeated[] = "{\"sbx_attest\":1,\"response\":\"evidence\","
				       "\"response\":\"error\",\"error\":\"x\"}";
	struct activation activation;

	(void)state;
	assert_int_equal(parse_evidence_text(line, sizeof(line) - 1, &evidence, reason),
			 EVIDENCE_AGENT_ERROR);
	assert_string_equal(reason, "agent error: \"no TPM?[2J\"");
	assert_int_equal(identity_parse(line, sizeof(line) - 1, &identity, reason),
			 EVIDENCE_AGENT_ERROR);
	assert_string_equal(reason, "agent error: \"no TPM?[2J\"");
	assert_int_equal(activation_parse(line, sizeof(line) - 1, &activation, reason),
			 EVIDENCE_AGENT_ERROR);
	/* Only a well-formed error response is the agent's error; the rest is
	 * malformed, however much of an error response it resembles. */
	assert_int_equal(parse_evidence_text(extra, sizeof(extra) - 1, &evidence, reason), -1);
	assert_string_equal(reason, "unknown field more");
	assert_int_equal(parse_evidence_text(trailing, sizeof(trailing) - 1, &evidence, reason),
			 -1);
	assert_int_equal(parse_evidence_text(repeated, sizeof(repeated) - 1, &evidence, reason),
			 -1);
}

static void test_missing_and_unknown_fields_are_named(void **state)
{
	static const char *const fields[] = { "nonce", "quote", "ak_public", "ek_certificate",
					      "firmware_log", "hv_log", "report" };
	struct message message;
	char expected[64];

	(void)state;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		message = evidence_message();
		drop(&message, fields[i]);
		snprintf(expected, sizeof(expected), "missing field %s", fields[i]);
		expect_evidence_refused(&message, expected);
	}
	message = evidence_message();
	set_text(&message, "pcrs", "[]");
	expect_evidence_refused(&message, "unknown field pcrs");
	message = evidence_message();
	set_text(&message, "quote", "{\"attest\":\"AAAA\"}");
	expect_evidence_refused(&message, "missing field quote.signature");
	message = evidence_message();
	set_text(&message, "quote", "{\"attest\":\"AAAA\",\"signature\":\"AAAA\",\"pcrs\":1}");
	expect_evidence_refused(&message, "unknown field quote.pcrs");
}

static void test_wrong_types_are_named(void **state)
{
	struct message message = evidence_message();

	(void)state;
	set_text(&message, "quote", "\"AAAA\"");
	expect_evidence_refused(&message, "field quote: a string, not an object");
	message = evidence_message();
	set_text(&message, "hv_log", "[\"AAAA\"]");
	expect_evidence_refused(&message, "field hv_log: an array, not a string");
	message = evidence_message();
	set_text(&message, "nonce", "12");
	expect_evidence_refused(&message, "field nonce: an integer, not a string");
	message = evidence_message();
	set_text(&message, "quote", "{\"attest\":true,\"signature\":\"AAAA\"}");
	expect_evidence_refused(&message, "field quote.attest: a boolean, not a string");
}

static void test_nonce_is_64_lower_case_hex_digits(void **state)
{
	struct message message = evidence_message();
	char upper[] = NONCE_HEX;

	(void)state;
	upper[63] = 'F';
	set(&message, "nonce", json_string_of(upper));
	expect_evidence_refused(&message, "field nonce: not 64 lower-case hex digits");
	message = evidence_message();
	set_text(&message, "nonce", "\"0001\"");
	expect_evidence_refused(&message, "field nonce: not 64 lower-case hex digits");
	message = evidence_message();
	set(&message, "nonce", json_string_of(NONCE_HEX "00"));
	expect_evidence_refused(&message, "field nonce: not 64 lower-case hex digits");
}

static void test_base64_is_strict(void **state)
{
	static const struct {
		const char *value;
		const char *why;
	} cases[] = {
		{ "\"AAE\"", "not canonical base64" },          /* no padding */
		{ "\"AA==AA==\"", "not canonical base64" },     /* padding inside */
		{ "\"AA\\nAA\"", "not canonical base64" },      /* a line break */
		{ "\"AA AA\"", "not canonical base64" },
		{ "\"AAB=\"", "not canonical base64" },         /* bits past the data */
		{ "\"AB==\"", "not canonical base64" },
		{ "\"AA-_\"", "not canonical base64" },         /* base64url */
		{ "\"A===\"", "not canonical base64" },
		{ "\"\"", "empty" },
	};
	struct message message;
	char expected[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		message = evidence_message();
		set_text(&message, "ak_public", cases[i].value);
		snprintf(expected, sizeof(expected), "field ak_public: %s", cases[i].why);
		expect_evidence_refused(&message, expected);
	}
	message = evidence_message();
	set_text(&message, "quote", "{\"attest\":\"AAAA\",\"signature\":\"AA=A\"}");
	expect_evidence_refused(&message, "field quote.signature: not canonical base64");
}

static void test_caps_are_enforced(void **state)
{
	struct message message;
	char *attest, *quote;

	(void)state;
	message = evidence_message();
	set(&message, "report", base64_value(sizeof(struct sbx_report) - 1, 0));
	expect_evidence_refused(&message, "field report: ");
	message = evidence_message();
	set(&message, "report", base64_value(sizeof(struct sbx_report) + 1, 0));
	expect_evidence_refused(&message, "field report: more than");
	message = evidence_message();
	set(&message, "ak_public", base64_value(1025, 0));
	expect_evidence_refused(&message, "field ak_public: more than 1024 bytes");
	message = evidence_message();
	set(&message, "ek_certificate", base64_value(4097, 0));
	expect_evidence_refused(&message, "field ek_certificate: more than 4096 bytes");
	message = evidence_message();
	attest = base64_value(1025, 0);
	assert_true(asprintf(&quote, "{\"attest\":%s,\"signature\":\"AAAA\"}", attest) > 0);
	free(attest);
	set(&message, "quote", quote);
	expect_evidence_refused(&message, "field quote.attest: more than 1024 bytes");
}

static void test_logs_up_to_their_cap_parse(void **state)
{
	struct message message = evidence_message();
	char *text;
	char reason[EVIDENCE_REASON_SIZE];
	struct evidence evidence;

	(void)state;
	/* Larger than 64 KiB works (ATTESTATION.md, step 10); past the cap does not. */
	set(&message, "hv_log", base64_value(300000, 0x77));
	text = render(&message);
	assert_int_equal(parse_evidence_text(text, strlen(text), &evidence, reason), 0);
	assert_int_equal(evidence.hv_log.size, 300000);
	evidence_free(&evidence);
	free(text);
	set(&message, "hv_log", base64_value(700, 0x44));
	set(&message, "firmware_log", base64_value(EVIDENCE_LOG_SIZE_MAX + 1, 0x77));
	expect_evidence_refused(&message, "field firmware_log: more than 524288 bytes");
}

static void test_over_one_mib_is_refused(void **state)
{
	size_t size = ATTEST_RESPONSE_SIZE_MAX + 1;
	char *text = malloc(size);

	(void)state;
	memset(text, ' ', size);
	text[0] = '{';
	text[size - 1] = '}';
	expect_text_refused(text, size, "response longer than 1 MiB");
	free(text);
}

static void test_identity_parses_and_refuses(void **state)
{
	struct message message = { .count = 0 };
	char *text;
	char reason[EVIDENCE_REASON_SIZE];
	struct identity identity;

	(void)state;
	set_text(&message, "sbx_attest", "1");
	set_text(&message, "response", "\"identity\"");
	set(&message, "ek_certificate", base64_value(1000, 1));
	set(&message, "ek_public", base64_value(314, 2));
	set(&message, "ak_public", base64_value(280, 3));
	text = render(&message);
	assert_int_equal(identity_parse(text, strlen(text), &identity, reason), 0);
	assert_int_equal(identity.ek_certificate.size, 1000);
	assert_int_equal(identity.ek_public.size, 314);
	assert_int_equal(identity.ak_public.size, 280);
	assert_int_equal(identity.ak_public.bytes[0], 3);
	identity_free(&identity);
	free(text);

	set(&message, "ek_public", base64_value(1025, 2));
	text = render(&message);
	assert_int_equal(identity_parse(text, strlen(text), &identity, reason), -1);
	assert_string_equal(reason, "field ek_public: more than 1024 bytes");
	assert_null(identity.ek_certificate.bytes);
	free(text);

	drop(&message, "ek_public");
	text = render(&message);
	assert_int_equal(identity_parse(text, strlen(text), &identity, reason), -1);
	assert_string_equal(reason, "missing field ek_public");
	free(text);
	message_free(&message);
}

static void test_activation_parses_and_refuses(void **state)
{
	static const char good[] = "{\"sbx_attest\":1,\"response\":\"activate\",\"credential\":"
				   "\"c2VjcmV0\"}";
	static const char kind[] = "{\"sbx_attest\":1,\"response\":\"evidence\",\"credential\":"
				   "\"c2VjcmV0\"}";
	char reason[EVIDENCE_REASON_SIZE];
	struct activation activation;
	struct message message = { .count = 0 };
	char *text;

	(void)state;
	assert_int_equal(activation_parse(good, sizeof(good) - 1, &activation, reason), 0);
	assert_int_equal(activation.credential.size, 6);
	assert_memory_equal(activation.credential.bytes, "secret", 6);
	activation_free(&activation);
	assert_int_equal(activation_parse(kind, sizeof(kind) - 1, &activation, reason), -1);
	assert_string_equal(reason, "field response: \"evidence\", not \"activate\"");

	set_text(&message, "sbx_attest", "1");
	set_text(&message, "response", "\"activate\"");
	set(&message, "credential", base64_value(65, 0));
	text = render(&message);
	assert_int_equal(activation_parse(text, strlen(text), &activation, reason), -1);
	assert_string_equal(reason, "field credential: more than 64 bytes");
	free(text);
	message_free(&message);
}

/* Requests parse back, with json-c, into exactly what the contract lists. */
static struct json_object *request_parse(char *line)
{
	size_t length = strlen(line);
	struct json_object *object;

	assert_true(length > 0 && line[length - 1] == '\n');
	assert_null(memchr(line, '\n', length - 1));
	assert_true(length <= ATTEST_REQUEST_SIZE_MAX);
	object = json_tokener_parse(line);
	assert_non_null(object);
	free(line);
	return object;
}

static void test_requests(void **state)
{
	uint8_t nonce[SBX_NONCE_SIZE], blob[256], secret[260];
	struct json_object *object, *value;
	char *line;

	(void)state;
	for (size_t i = 0; i < SBX_NONCE_SIZE; i++)
		nonce[i] = (uint8_t)i;
	line = evidence_request(nonce);
	assert_string_equal(line, "{\"sbx_attest\":1,\"request\":\"evidence\",\"nonce\":\""
				  NONCE_HEX "\"}\n");
	free(line);

	line = identity_request();
	assert_string_equal(line, "{\"sbx_attest\":1,\"request\":\"identity\"}\n");
	free(line);

	memset(blob, 0xff, sizeof(blob));   /* base64 of 0xff bytes is all '/' */
	memset(secret, 0xfb, sizeof(secret));
	object = request_parse(activation_request(blob, sizeof(blob), secret, sizeof(secret)));
	assert_int_equal(json_object_object_length(object), 4);
	assert_true(json_object_object_get_ex(object, "credential_blob", &value));
	assert_int_equal(json_object_get_string_len(value), 344);
	assert_true(json_object_object_get_ex(object, "secret", &value));
	assert_int_equal(json_object_get_string_len(value), 348);
	json_object_put(object);
	line = activation_request(blob, sizeof(blob), secret, sizeof(secret));
	assert_null(strstr(line, "\\/"));
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_evidence_parses),
		cmocka_unit_test(test_final_newline_is_accepted_and_nothing_else),
		cmocka_unit_test(test_not_json_is_refused),
		cmocka_unit_test(test_duplicate_member_is_refused),
		cmocka_unit_test(test_colons_and_quotes_inside_strings_are_data),
		cmocka_unit_test(test_version_is_checked),
		cmocka_unit_test(test_response_kind_is_checked),
		cmocka_unit_test(test_escapes_are_data),
		cmocka_unit_test(test_agent_error_is_quoted),
		cmocka_unit_test(test_missing_and_unknown_fields_are_named),
		cmocka_unit_test(test_wrong_types_are_named),
		cmocka_unit_test(test_nonce_is_64_lower_case_hex_digits),
		cmocka_unit_test(test_base64_is_strict),
		cmocka_unit_test(test_caps_are_enforced),
		cmocka_unit_test(test_logs_up_to_their_cap_parse),
		cmocka_unit_test(test_over_one_mib_is_refused),
		cmocka_unit_test(test_identity_parses_and_refuses),
		cmocka_unit_test(test_activation_parses_and_refuses),
		cmocka_unit_test(test_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
