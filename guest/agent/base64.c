/* Base64 through OpenSSL's codec (libcrypto is a dependency of tpm2-tss already).
 * EVP_DecodeBlock alone is lenient: it skips surrounding whitespace and counts
 * padding as zero bytes. Re-encoding the result and comparing with the input
 * accepts exactly the canonical encoding, as the contract asks. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

char *base64_encode(const uint8_t *bytes, size_t size)
{
	char *text;

	if (size > (size_t)INT32_MAX / 4 * 3 - 3)
		return NULL;
	text = malloc((size + 2) / 3 * 4 + 1);
	if (text)
		EVP_EncodeBlock((unsigned char *)text, bytes, (int)size);
	return text;
}

int base64_decode(const char *text, size_t length, struct buffer *out)
{
	size_t padding = 0;
	char *again;
	int decoded;

	out->bytes = NULL;
	out->size = 0;
	if (length % 4 || length > AGENT_REQUEST_MAX)
		return -1;
	while (padding < 2 && padding < length && text[length - 1 - padding] == '=')
		padding++;
	out->bytes = malloc(length / 4 * 3 + 1);
	if (!out->bytes)
		return -1;
	decoded = EVP_DecodeBlock(out->bytes, (const unsigned char *)text, (int)length);
	if (decoded < 0 || (size_t)decoded < padding)
		goto invalid;
	out->size = (size_t)decoded - padding;
	again = base64_encode(out->bytes, out->size);
	if (!again)
		goto invalid;
	decoded = strlen(again) == length && !memcmp(again, text, length);
	free(again);
	if (decoded)
		return 0;
invalid:
	buffer_free(out);
	return -1;
}
