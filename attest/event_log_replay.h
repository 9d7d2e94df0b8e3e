/* Replay of an event log's SHA-256 bank (ATTESTATION.md, step 11): the PCR values
 * the log claims, to be compared exactly with the quoted ones. Only the SHA-256 bank
 * is replayed because only it is quoted; a log without it cannot be replayed. */
#ifndef SBX_ATTEST_EVENT_LOG_REPLAY_H
#define SBX_ATTEST_EVENT_LOG_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "event_log_parse.h"

#define REPLAY_DIGEST_SIZE 32

/* Parses the whole log strictly and extends each event's SHA-256 digest into its
 * PCR, starting from the reset values. EV_NO_ACTION events extend nothing; a
 * StartupLocality one, which must come before any event in PCR 0 and at most once,
 * sets PCR 0's reset value. Returns 0, or -1 with `error` filled; `pcrs` is
 * meaningless after an error. */
int event_log_replay_sha256(const uint8_t *log, size_t size,
			    uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE],
			    struct event_log_error *error);

#endif
