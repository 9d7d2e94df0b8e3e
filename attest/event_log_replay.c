/* SHA-256 bank replay of a TCG crypto-agile event log, on the verifier's mbedTLS. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <stdbool.h>
#include <string.h>

#include "event_log_replay.h"

/* TCG PC Client Platform Firmware Profile, "StartupLocality Event": EV_NO_ACTION in
 * PCR 0 whose data is this 16-byte signature and the locality from which the TPM
 * was started, which becomes the last byte of PCR 0's reset value. */
#define STARTUP_LOCALITY_SIGNATURE "StartupLocality"   /* 16 bytes with its NUL */
#define STARTUP_LOCALITY_SIGNATURE_SIZE 16
#define STARTUP_LOCALITY_DATA_SIZE (STARTUP_LOCALITY_SIGNATURE_SIZE + 1)
#define STARTUP_LOCALITY_H_CRTM 4   /* TPM2_HashStart; 0 and 3 are TPM2_Startup's */

/* Platform reset values. There is no dynamic launch (DRTM) on this platform, so
 * PCRs 17-22 keep the all-ones value a TPM gives them at reset, which only a
 * dynamic launch would replace with zeros; every other PCR resets to zeros. */
static void reset_pcrs(uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE])
{
	memset(pcrs, 0, EVENT_LOG_PCR_COUNT * REPLAY_DIGEST_SIZE);
	for (int pcr = 17; pcr <= 22; pcr++)
		memset(pcrs[pcr], 0xff, REPLAY_DIGEST_SIZE);
}

static bool is_startup_locality(const struct log_event *event)
{
	return event->pcr == 0 && event->data_size == STARTUP_LOCALITY_DATA_SIZE &&
	       !memcmp(event->data, STARTUP_LOCALITY_SIGNATURE, STARTUP_LOCALITY_SIGNATURE_SIZE);
}

static int fail(struct event_log_error *error, const struct log_event *event,
		const char *reason)
{
	error->reason = reason;
	error->event_index = event->index;
	error->offset = event->offset;
	return -1;
}

static int extend(uint8_t pcr[REPLAY_DIGEST_SIZE], const uint8_t digest[REPLAY_DIGEST_SIZE])
{
	uint8_t concatenation[2 * REPLAY_DIGEST_SIZE];

	memcpy(concatenation, pcr, REPLAY_DIGEST_SIZE);
	memcpy(concatenation + REPLAY_DIGEST_SIZE, digest, REPLAY_DIGEST_SIZE);
	return mbedtls_sha256_ret(concatenation, sizeof(concatenation), pcr, 0);
}

int event_log_replay_sha256(const uint8_t *log, size_t size,
			    uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE],
			    struct event_log_error *error)
{
	struct event_log_reader reader;
	struct log_event event;
	bool pcr0_started = false;   /* extended, or given its locality */
	int bank, more;

	if (event_log_reader_start(&reader, log, size, error))
		return -1;
	bank = event_log_bank_index(&reader.header, TCG_ALG_SHA256);
	if (bank < 0) {
		error->reason = "the log has no SHA-256 bank";   /* of the header, event 0 */
		return -1;
	}

	reset_pcrs(pcrs);
	while ((more = event_log_reader_next(&reader, &event, error)) == 1) {
		if (event.event_type == EVENT_LOG_EV_NO_ACTION) {
			uint8_t locality;

			if (!is_startup_locality(&event))
				continue;
			if (pcr0_started)
				return fail(error, &event,
					    "StartupLocality after PCR 0 was extended or set");
			locality = event.data[STARTUP_LOCALITY_SIGNATURE_SIZE];
			if (locality != 0 && locality != 3 && locality != STARTUP_LOCALITY_H_CRTM)
				return fail(error, &event, "StartupLocality is not 0, 3 or 4");
			pcrs[0][REPLAY_DIGEST_SIZE - 1] = locality;
			pcr0_started = true;
			continue;
		}
		if (event.pcr == 0)
			pcr0_started = true;
		if (extend(pcrs[event.pcr], event.digests[bank]))
			return fail(error, &event, "SHA-256 failed");
	}
	return more;
}
