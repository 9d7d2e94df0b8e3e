/* Strict base64 and hex. mbedTLS's base64 decoder skips spaces and line breaks and
 * ignores the bits past the data in the last group, so the text is screened here
 * first and the result re-encoded: only the one canonical spelling of each value
 * gets through, and nothing can hide in the slack. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "encoding.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/base64.h"

static bool is_base64_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* Letters only, then at most two '=', in groups of four. */
static bool base64_form_ok(const char *text, size_t length)
{
	size_t letters = 0;

	if (length % 4 != 0)
		return false;
	while (letters < length && is_base64_letter(text[letters]))
		letters++;
	if (length - letters > 2)
		return false;
	for (size_t i = letters; i < length; i++)
		if (text[i] != '=')
			return false;
	return true;
}

static bool reencodes_to(const uint8_t *bytes, size_t size, const char *text, size_t length)
{
	char *again = base64_encode_alloc(bytes, size);
	bool same = again && strlen(again) == length && memcmp(again, text, length) == 0;

	free(again);
	return same;
}

int base64_decode_strict(const char *text, size_t length, size_t size_max, uint8_t **bytes,
			 size_t *size, const char **why)
{
	size_t decoded_size;
	uint8_t *decoded;

	*bytes = NULL;
	*size = 0;
	if (length == 0) {
		*why = "empty";
		return -1;
	}
	if (!base64_form_ok(text, length)) {
		*why = "not canonical base64";
		return -1;
	}
	/* Every four characters carry three bytes, less one per '='. */
	decoded_size = length / 4 * 3 - (text[length - 1] == '=') - (text[length - 2] == '=');
	if (decoded_size > size_max) {
		*why = "too large";
		return BASE64_TOO_LARGE;
	}
	decoded = malloc(decoded_size);
	if (!decoded) {
		*why = "out of memory";
		return -1;
	}
	if (mbedtls_base64_decode(decoded, decoded_size, size, (const unsigned char *)text,
				  length) != 0 || *size != decoded_size ||
	    !reencodes_to(decoded, decoded_size, text, length)) {
		free(decoded);
		*size = 0;
		*why = "not canonical base64";
		return -1;
	}
	*bytes = decoded;
	return 0;
}

char *base64_encode_alloc(const uint8_t *bytes, size_t size)
{
	size_t length = (size + 2) / 3 * 4 + 1;   /* with the NUL mbedTLS writes */
	size_t written;
	char *text = malloc(length);

	if (!text)
		return NULL;
	text[0] = '\0';   /* mbedTLS writes nothing at all for no bytes */
	if (mbedtls_base64_encode((unsigned char *)text, length, &written, bytes, size) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int hex_decode_exact(const char *text, size_t length, uint8_t *bytes, size_t size)
{
	if (length != 2 * size)
		return -1;
	for (size_t i = 0; i < size; i++) {
		int high = hex_digit_value(text[2 * i]);
		int low = hex_digit_value(text[2 * i + 1]);

		if (high < 0 || low < 0)
			return -1;
		bytes[i] = (uint8_t)(high << 4 | low);
	}
	return 0;
}

void hex_encode(const uint8_t *bytes, size_t size, char *text)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < size; i++) {
		text[2 * i] = digits[bytes[i] >> 4];
		text[2 * i + 1] = digits[bytes[i] & 0xf];
	}
	text[2 * size] = '\0';
}
