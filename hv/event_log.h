/* The hypervisor's event log, in the TCG PC Client crypto-agile format: one
 * SHA-1-format header event carrying the Spec ID Event03 structure (which names the
 * active banks and their digest sizes), then one TCG_PCR_EVENT2 per extend, holding
 * the digests the TPM itself returned. tpm2_eventlog and sbx-attest read it. */
#ifndef SBX_HV_EVENT_LOG_H
#define SBX_HV_EVENT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm/tpm2_command.h"

#define EVENT_LOG_MAX_EVENT_DATA 1024u

struct event_log {
	uint8_t *buffer;
	size_t capacity;
	size_t size;
	struct tpm2_bank_list banks;   /* the Spec ID header's algorithms, in order */
};

enum event_log_status {
	EVENT_LOG_OK = 0,
	EVENT_LOG_FULL,            /* the buffer cannot hold the record; nothing written */
	EVENT_LOG_BAD_BANKS,       /* no bank, too many, or one with an unknown size */
	EVENT_LOG_MISSING_DIGEST,  /* the TPM returned no digest for a header bank */
	EVENT_LOG_BAD_EVENT,       /* event data too large */
};

const char *event_log_status_string(enum event_log_status status);

/* Starts a log in `buffer` with the Spec ID Event03 header for `banks`. */
enum event_log_status event_log_init(struct event_log *log, uint8_t *buffer, size_t capacity,
				     const struct tpm2_bank_list *banks);

/* Appends one TCG_PCR_EVENT2. `digests` must hold a digest for every header bank
 * (any order, extra banks ignored); they are written in header order. On any error
 * the log is left exactly as it was. */
enum event_log_status event_log_append(struct event_log *log, uint32_t pcr_index,
				       uint32_t event_type,
				       const struct tpm2_digest_list *digests,
				       const void *event_data, uint32_t event_size);

#endif
