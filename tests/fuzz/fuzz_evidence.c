/* libFuzzer target for the agent's messages (attest/evidence.c): the evidence,
 * identity and activation parsers, over input that comes from the commodity OS and
 * may be anything. Every input goes to all three, since each must refuse the
 * others' messages as cleanly as garbage. Seeded with one valid message of each
 * kind and an agent error (tests/fuzz/seeds/evidence/). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char reason[EVIDENCE_REASON_SIZE];
	struct evidence evidence;
	struct identity identity;
	struct activation activation;

	if (evidence_parse((const char *)data, size, &evidence, reason) == 0)
		evidence_free(&evidence);
	if (identity_parse((const char *)data, size, &identity, reason) == 0)
		identity_free(&identity);
	if (activation_parse((const char *)data, size, &activation, reason) == 0)
		activation_free(&activation);
	/* A reason is always a terminated string within its buffer. */
	if (strnlen(reason, sizeof(reason)) == sizeof(reason))
		abort();
	return 0;
}
