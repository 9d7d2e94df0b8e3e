/* libFuzzer target for the agent's request parser (guest/agent/request.c) and its
 * strict base64 (guest/agent/base64.c): the first thing in the guest that reads
 * what a network client sends. Seeded with a valid request of each kind
 * (tests/fuzz/seeds/agent_request/). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

/* What a parsed request promises its handlers. */
static void check_parsed(const struct request *request)
{
	switch (request->kind) {
	case REQUEST_IDENTITY:
		if (request->credential_blob.bytes || request->secret.bytes)
			abort();
		break;
	case REQUEST_ACTIVATE:
		if (!request->credential_blob.size || !request->secret.size)
			abort();
		break;
	case REQUEST_EVIDENCE:
		if (strlen(request->nonce_hex) != REQUEST_NONCE_HEX_SIZE)
			abort();
		break;
	default:
		abort();
	}
}

/* A decoded blob encodes back to exactly its text: strictness means one encoding. */
static void check_base64(const uint8_t *data, size_t size)
{
	struct buffer decoded;
	char *again;

	if (base64_decode((const char *)data, size, &decoded))
		return;
	again = base64_encode(decoded.bytes, decoded.size);
	if (!again || strlen(again) != size || memcmp(again, data, size))
		abort();
	free(again);
	buffer_free(&decoded);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char error[AGENT_ERROR_SIZE];
	struct request request;

	if (request_parse((const char *)data, size, &request, error) == 0) {
		check_parsed(&request);
		request_free(&request);
	} else {
		/* A refusal goes to the client as its message: terminated, printable. */
		size_t length = strnlen(error, sizeof(error));

		if (length == 0 || length == sizeof(error))
			abort();
		for (size_t i = 0; i < length; i++)
			if (error[i] < 0x20 || error[i] >= 0x7f)
				abort();
	}
	check_base64(data, size);
	return 0;
}
