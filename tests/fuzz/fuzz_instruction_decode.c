/* libFuzzer target: the 32-bit store decoder (hv/arch/x86/instruction_decode.c),
 * which reads instruction bytes the commodity OS chose. Input: the bytes fetched at
 * its RIP. Every input is accepted or refused without reading past it, and an
 * accepted one must keep the header's promises. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86/instruction_decode.h"

#define MINIMUM_STORE_LENGTH 2   /* opcode and ModRM */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly `size` bytes, so AddressSanitizer sees any read past it. */
	uint8_t *bytes = malloc(size ? size : 1);
	struct decoded_store store;
	const char *error = NULL;

	if (!bytes)
		return 0;
	memcpy(bytes, data, size);
	if (instruction_decode_store32(bytes, size, &store, &error) == 0) {
		if (store.length < MINIMUM_STORE_LENGTH || store.length > size ||
		    store.length > INSTRUCTION_MAX_LENGTH)
			abort();
		if (store.source == STORE_FROM_REGISTER && store.source_register > 15)
			abort();
		if (store.source != STORE_FROM_REGISTER && store.source != STORE_FROM_IMMEDIATE)
			abort();
		/* What was decoded does not depend on the bytes after it. */
		struct decoded_store again;

		if (instruction_decode_store32(bytes, store.length, &again, &error) ||
		    again.length != store.length || again.source != store.source ||
		    again.source_register != store.source_register ||
		    again.immediate != store.immediate)
			abort();
	} else if (!error) {
		abort();
	}
	free(bytes);
	return 0;
}
