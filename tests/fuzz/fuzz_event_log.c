/* libFuzzer target for the verifier's event-log half: the strict reader, the SHA-256
 * replay and the hypervisor log's policy, over input the commodity OS relays and may
 * have forged. Seeded with a log written by sbx-measure. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <stdint.h>
#include <string.h>

#include "event_log_parse.h"
#include "event_log_replay.h"
#include "event_log_verify.h"
#include "sbx/measurement.h"

#define MAX_ALLOWED 4

/* Reference values taken from the input's own records, so that a log whose
 * digests are intact gets past the component check and the fuzzer explores what
 * follows it; SHA-256 itself cannot be mutated into agreement. */
static void allow_logged_components(const uint8_t *data, size_t size,
				    struct hv_log_expectations *expected,
				    uint8_t values[SBX_MEASURED_COUNT][MAX_ALLOWED][SBX_DIGEST_SIZE])
{
	struct event_log_reader reader;
	struct event_log_error error;
	struct log_event event;
	struct sbx_measurement_record record;

	for (size_t c = 0; c < SBX_MEASURED_COUNT; c++)
		expected->components[c] = (struct allowed_digests){ values[c], 0 };
	if (event_log_reader_start(&reader, data, size, &error))
		return;
	while (event_log_reader_next(&reader, &event, &error) == 1) {
		struct allowed_digests *allowed;
		size_t component;

		if (event.event_type != SBX_EV_EVENT_TAG || event.data_size != sizeof(record))
			continue;
		memcpy(&record, event.data, sizeof(record));
		component = record.tagged_event_id - SBX_COMPONENT_HYPERVISOR;
		if (component >= SBX_MEASURED_COUNT)
			continue;
		allowed = &expected->components[component];
		if (allowed->count < MAX_ALLOWED)
			memcpy(values[component][allowed->count++], record.payload.sha256,
			       SBX_DIGEST_SIZE);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t values[SBX_MEASURED_COUNT][MAX_ALLOWED][SBX_DIGEST_SIZE];
	uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
	struct hv_log_expectations expected;
	struct hv_log_verdict verdict;
	struct event_log_error error;
	int replayed;

	replayed = event_log_replay_sha256(data, size, pcrs, &error);
	if (replayed != 0 && !error.reason)
		__builtin_trap();   /* every failure says why */

	allow_logged_components(data, size, &expected, values);
	if (hv_log_check(data, size, &expected, &verdict) == VERIFY_TRUSTED) {
		/* A trusted log is one the replay accepts, with nothing to explain. */
		if (replayed != 0 || verdict.reason[0])
			__builtin_trap();
	} else if (!verdict.reason[0]) {
		__builtin_trap();
	}
	return 0;
}
