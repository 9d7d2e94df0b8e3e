/* Unit tests for the agent's request parser (guest/agent/request.c) and its strict
 * base64 decoder (guest/agent/base64.c): a valid request of each kind, and each way
 * a client can get a request wrong, with the message it gets back. Requests are
 * handed over in heap blocks of exactly their length, without a NUL, so that
 * AddressSanitizer reports any read past them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "request.h"

#define NONCE_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static struct request request;
static char error[AGENT_ERROR_SIZE];

static int parse_bytes(const char *text, size_t length)
{
	char *copy = malloc(length ? length : 1);
	int status;

	assert_non_null(copy);
	memcpy(copy, text, length);
	status = request_parse(copy, length, &request, error);
	free(copy);
	return status;
}

static int parse(const char *text)
{
	return parse_bytes(text, strlen(text));
}

/* Refused, with a message that contains `expected` and is printable ASCII. */
static void assert_refused(const char *text, size_t length, const char *expected)
{
	assert_int_equal(parse_bytes(text, length), -1);
	if (!strstr(error, expected))
		fail_msg("\"%s\" does not contain \"%s\"", error, expected);
	for (const char *c = error; *c; c++)
		assert_true(*c >= 0x20 && *c < 0x7f);
	/* Nothing is left allocated: LeakSanitizer would say so at exit. */
	assert_null(request.credential_blob.bytes);
	assert_null(request.secret.bytes);
}

static void refused(const char *text, const char *expected)
{
	assert_refused(text, strlen(text), expected);
}

static void test_identity(void **state)
{
	(void)state;
	assert_int_equal(parse("{\"sbx_attest\":1,\"request\":\"identity\"}"), 0);
	assert_int_equal(request.kind, REQUEST_IDENTITY);
	request_free(&request);
	/* Members in any order, whitespace between and around tokens. */
	assert_int_equal(parse(" { \"request\" : \"identity\" ,\n\"sbx_attest\" : 1 } "), 0);
	assert_int_equal(request.kind, REQUEST_IDENTITY);
	request_free(&request);
}

static void test_evidence(void **state)
{
	(void)state;
	assert_int_equal(parse("{\"sbx_attest\":1,\"request\":\"evidence\",\"nonce\":\""
			       NONCE_HEX "\"}"), 0);
	assert_int_equal(request.kind, REQUEST_EVIDENCE);
	assert_string_equal(request.nonce_hex, NONCE_HEX);
	for (size_t i = 0; i < SBX_NONCE_SIZE; i++)
		assert_int_equal(request.nonce[i], i);
	request_free(&request);
}

static void test_activate(void **state)
{
	(void)state;
	/* The verifier writes '/' unescaped; another client may escape it. */
	assert_int_equal(parse("{\"sbx_attest\":1,\"request\":\"activate\","
			       "\"credential_blob\":\"AAEC/w==\",\"secret\":\"q\\/8=\"}"), 0);
	assert_int_equal(request.kind, REQUEST_ACTIVATE);
	assert_int_equal(request.credential_blob.size, 4);
	assert_memory_equal(request.credential_blob.bytes, "\x00\x01\x02\xff", 4);
	assert_int_equal(request.secret.size, 2);
	assert_memory_equal(request.secret.bytes, "\xab\xff", 2);
	request_free(&request);
	assert_null(request.credential_blob.bytes);
}

static void test_garbage(void **state)
{
	(void)state;
	refused("", "not valid JSON");
	refused("hello", "not valid JSON");
	refused("{\"sbx_attest\":1,\"request\":\"identity\"", "it ends early");
	refused("{\"sbx_attest\":1,\"request\":\"identity\"}}", "not valid JSON");
	refused("{\"sbx_attest\":1,\"request\":\"identity\"}{}", "not valid JSON");
	refused("[1,2]", "not a JSON object");
	refused("\"identity\"", "not a JSON object");
	refused("{'sbx_attest':1,'request':'identity'}", "not valid JSON");
	refused("{\"sbx_attest\":1,\"request\":\"identity\",}", "not valid JSON");
	/* Invalid UTF-8 inside a string: a byte no UTF-8 has, a sequence cut short. */
	refused("{\"sbx_attest\":1,\"request\":\"identity\xff\"}", "invalid utf-8");
	refused("{\"sbx_attest\":1,\"request\":\"identity\xc3\"}", "invalid utf-8");
}

static void test_oversize(void **state)
{
	static const char identity[] = "{\"sbx_attest\":1,\"request\":\"identity\"}";
	char *text = malloc(AGENT_REQUEST_MAX);

	(void)state;
	assert_non_null(text);
	memset(text, ' ', AGENT_REQUEST_MAX);
	memcpy(text, identity, strlen(identity));
	assert_refused(text, AGENT_REQUEST_MAX, "longer than 4096 bytes");
	/* One byte less is a line the server can hand over, and JSON allows the
	 * spaces after the object. */
	assert_int_equal(parse_bytes(text, AGENT_REQUEST_MAX - 1), 0);
	assert_int_equal(request.kind, REQUEST_IDENTITY);
	request_free(&request);
	free(text);
}

static void test_depth(void **state)
{
	(void)state;
	refused("{\"sbx_attest\":1,\"request\":\"identity\",\"x\":[[[[[[1]]]]]]}",
		"not valid JSON");
	/* Within the depth limit, a nested value is still no known field. */
	refused("{\"sbx_attest\":1,\"request\":\"identity\",\"x\":[1]}", "unknown field \"x\"");
}

static void test_unknown_field(void **state)
{
	(void)state;
	refused("{\"sbx_attest\":1,\"request\":\"identity\",\"extra\":true}",
		"unknown field \"extra\" in the identity request");
	/* A field of another kind of request is unknown in this one. */
	refused("{\"sbx_attest\":1,\"request\":\"identity\",\"nonce\":\"" NONCE_HEX "\"}",
		"unknown field \"nonce\"");
	refused("{\"sbx_attest\":1,\"request\":\"reboot\"}", "unknown request \"reboot\"");
	refused("{\"sbx_attest\":1,\"request\":\"identityx\"}", "unknown request");
	/* What the message echoes of the request is printable ASCII. */
	refused("{\"sbx_attest\":1,\"request\":\"identity\",\"\xc3\xa9\\n\":1}",
		"unknown field \"??");
}

static void test_missing_fields(void **state)
{
	(void)state;
	refused("{\"request\":\"identity\"}", "sbx_attest (the protocol version) must be");
	refused("{\"sbx_attest\":1}", "request must be a string");
	refused("{\"sbx_attest\":1,\"request\":\"evidence\"}", "nonce must be a string");
	refused("{\"sbx_attest\":1,\"request\":\"activate\",\"secret\":\"AA==\"}",
		"credential_blob must be");
	refused("{\"sbx_attest\":1,\"request\":\"activate\",\"credential_blob\":\"AA==\"}",
		"secret must be");
}

static void test_wrong_types(void **state)
{
	(void)state;
	refused("{\"sbx_attest\":\"1\",\"request\":\"identity\"}", "must be an integer");
	refused("{\"sbx_attest\":true,\"request\":\"identity\"}", "must be an integer");
	refused("{\"sbx_attest\":1,\"request\":[\"identity\"]}", "request must be a string");
	refused("{\"sbx_attest\":1,\"request\":\"evidence\",\"nonce\":1}", "nonce must be");
	refused("{\"sbx_attest\":1,\"request\":\"activate\",\"credential_blob\":null,"
		"\"secret\":\"AA==\"}", "credential_blob must be");
	/* The nonce: 64 lower-case hex digits exactly. */
	refused("{\"sbx_attest\":1,\"request\":\"evidence\",\"nonce\":\""
		"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\"}",
		"lower-case hex");
	refused("{\"sbx_attest\":1,\"request\":\"evidence\",\"nonce\":\"" NONCE_HEX "00\"}",
		"lower-case hex");
	refused("{\"sbx_attest\":1,\"request\":\"evidence\",\"nonce\":\"0g"
		"0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}", "lower-case hex");
	/* An empty blob is no TPM2B. */
	refused("{\"sbx_attest\":1,\"request\":\"activate\",\"credential_blob\":\"\","
		"\"secret\":\"AA==\"}", "credential_blob must be a non-empty string");
	refused("{\"sbx_attest\":1,\"request\":\"activate\",\"credential_blob\":\"AA==\","
		"\"secret\":\"AA\"}", "secret must be");
}

static void test_wrong_version(void **state)
{
	(void)state;
	refused("{\"sbx_attest\":2,\"request\":\"identity\"}",
		"protocol version 2 is not supported (only 1)");
	refused("{\"sbx_attest\":0,\"request\":\"identity\"}", "protocol version 0");
	refused("{\"sbx_attest\":1.0,\"request\":\"identity\"}", "must be an integer");
	refused("{\"sbx_attest\":4294967297,\"request\":\"identity\"}", "protocol version");
	refused("{\"sbx_attest\":-1,\"request\":\"identity\"}", "protocol version -1");
}

static void test_nul_bytes(void **state)
{
	static const char raw[] = "{\"sbx_attest\":1,\"request\":\"identity\"}\0";
	static const char in_string[] = "{\"sbx_attest\":1,\"request\":\"ident\0ity\"}";

	(void)state;
	assert_refused(raw, sizeof(raw) - 1, "NUL byte");
	assert_refused(in_string, sizeof(in_string) - 1, "NUL byte");
	/* json-c would cut the name at the NUL and read "nonce". */
	refused("{\"sbx_attest\":1,\"request\":\"evidence\",\"nonce\\u0000x\":\"" NONCE_HEX "\"}",
		"\\u0000");
	refused("{\"sbx_attest\":1,\"request\":\"identity\\u0000\"}", "\\u0000");
}

static void test_repeated_field(void **state)
{
	(void)state;
	refused("{\"sbx_attest\":1,\"request\":\"identity\",\"request\":\"identity\"}",
		"a field appears twice");
	refused("{\"sbx_attest\":1,\"request\":\"evidence\",\"nonce\":\"" NONCE_HEX "\","
		"\"nonce\":\"" NONCE_HEX "\"}", "a field appears twice");
	/* A colon inside a string is no member, an escaped quote no string's end. */
	assert_int_equal(parse("{\"sbx_attest\":1,\"request\":\"activate\","
			       "\"credential_blob\":\"AA==\",\"secret\":\"AA==\"}"), 0);
	request_free(&request);
	refused("{\"sbx_attest\":1,\"request\":\"x:\\\":y\"}", "unknown request");
}

/* --- base64_decode -------------------------------------------------------------- */

static int decode(const char *text, struct buffer *out)
{
	return base64_decode(text, strlen(text), out);
}

static void assert_decodes(const char *text, const void *bytes, size_t size)
{
	struct buffer out;

	assert_int_equal(decode(text, &out), 0);
	assert_int_equal(out.size, size);
	assert_memory_equal(out.bytes, bytes, size);
	buffer_free(&out);
}

static void assert_not_decoded(const char *text)
{
	struct buffer out;

	if (decode(text, &out))
		assert_null(out.bytes);
	else
		fail_msg("\"%s\" decoded", text);
}

static void test_base64_canonical(void **state)
{
	(void)state;
	assert_decodes("AA==", "\x00", 1);
	assert_decodes("AAE=", "\x00\x01", 2);
	assert_decodes("AAEC", "\x00\x01\x02", 3);
	assert_decodes("+/+/", "\xfb\xff\xbf", 3);
	assert_decodes("c2J4IGF0dGVzdA==", "sbx attest", 10);
}

static void test_base64_strict(void **state)
{
	(void)state;
	assert_not_decoded("AA");          /* missing padding */
	assert_not_decoded("AA=");
	assert_not_decoded("AAE");
	assert_not_decoded("A===");        /* too much padding */
	assert_not_decoded("AA==AA==");    /* data after the padding */
	assert_not_decoded("A=A=");
	assert_not_decoded("AB==");        /* bits set past the data */
	assert_not_decoded("AAF=");
	assert_not_decoded(" AA==");       /* whitespace anywhere */
	assert_not_decoded("AA== ");
	assert_not_decoded("AA\n==");
	assert_not_decoded("AAEC\n");
	assert_not_decoded("AA-_");        /* the URL-safe alphabet */
	assert_not_decoded("AA*=");
}

static void test_base64_size_cap(void **state)
{
	size_t length = AGENT_REQUEST_MAX + 4;
	char *text = malloc(length + 1);
	struct buffer out;

	(void)state;
	assert_non_null(text);
	memset(text, 'A', length);
	text[length] = '\0';
	assert_int_equal(base64_decode(text, length, &out), -1);
	assert_int_equal(base64_decode(text, AGENT_REQUEST_MAX, &out), 0);
	assert_int_equal(out.size, AGENT_REQUEST_MAX / 4 * 3);
	buffer_free(&out);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_activate),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_wrong_version),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_repeated_field),
		cmocka_unit_test(test_base64_canonical),
		cmocka_unit_test(test_base64_strict),
		cmocka_unit_test(test_base64_size_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
