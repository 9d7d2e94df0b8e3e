/* libFuzzer target for build/reference.json's parser (attest/reference.c). The file
 * is the relying party's own, but a parser that trusts its input is one edit away
 * from a verifier that crashes or widens what it accepts. Seeded with a valid
 * reference of this build's launch plan (tests/fuzz/seeds/reference/). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reference reference;
	char reason[REFERENCE_REASON_SIZE];

	if (reference_parse((const char *)data, size, &reference, reason) == 0) {
		/* A parsed reference's lists point into itself and are within bounds. */
		for (size_t c = 0; c < SBX_MEASURED_COUNT; c++)
			if (reference.components[c].values != reference.component_values[c] ||
			    reference.components[c].count == 0 ||
			    reference.components[c].count > REFERENCE_VALUES_MAX)
				abort();
	} else if (strnlen(reason, sizeof(reason)) == sizeof(reason)) {
		abort();
	}
	return 0;
}
