/* A strict reader of TCG PC Client crypto-agile event logs (TCG PC Client Platform
 * Firmware Profile, section 10): the firmware's log (SeaBIOS's ACPI TPM2 log area)
 * and the hypervisor's (hv/event_log.c). The first record is the SHA-1-format
 * TCG_PCR_EVENT carrying the Spec ID Event03 structure; every later record is a
 * TCG_PCR_EVENT2 whose digests must name exactly the header's algorithms, in the
 * header's order. All integers are little-endian.
 *
 * The log is hostile input: every length is checked against what remains before it
 * is used, and a record that does not end exactly at the end of the log or at the
 * start of the next one is rejected. The reader streams: it keeps no copy and no
 * table, so a log of any size needs the same few bytes of state. Events are views
 * into the caller's buffer, valid as long as it is. */
#ifndef SBX_ATTEST_EVENT_LOG_PARSE_H
#define SBX_ATTEST_EVENT_LOG_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define EVENT_LOG_MAX_BANKS 8              /* TPM2_MAX_BANKS: more than any TPM has */
#define EVENT_LOG_MAX_EVENT_SIZE (1u << 20)   /* no real event comes near 1 MiB */
#define EVENT_LOG_PCR_COUNT 24             /* PC Client TPMs have PCRs 0-23 */

#define EVENT_LOG_EV_NO_ACTION 0x00000003

#define TCG_ALG_SHA1    0x0004
#define TCG_ALG_SHA256  0x000B
#define TCG_ALG_SHA384  0x000C
#define TCG_ALG_SHA512  0x000D
#define TCG_ALG_SM3_256 0x0012

struct event_log_bank {
	uint16_t algorithm;
	uint16_t digest_size;
};

/* The Spec ID Event03 header. */
struct event_log_header {
	uint32_t platform_class;
	uint8_t errata;
	uint8_t uintn_size;
	uint32_t bank_count;
	struct event_log_bank banks[EVENT_LOG_MAX_BANKS];
	const uint8_t *vendor_info;
	uint8_t vendor_info_size;
};

/* One TCG_PCR_EVENT2. digests[i] is the digest for header bank i, of that bank's
 * size. `index` counts records as tpm2_eventlog does: the header is event 0. */
struct log_event {
	size_t index;
	size_t offset;   /* of the record, from the start of the log */
	uint32_t pcr;
	uint32_t event_type;
	const uint8_t *digests[EVENT_LOG_MAX_BANKS];
	const uint8_t *data;
	uint32_t data_size;
};

struct event_log_error {
	const char *reason;   /* static; NULL when there was no error */
	size_t event_index;   /* the record that failed */
	size_t offset;        /* where in the log it failed */
};

struct event_log_reader {
	const uint8_t *log;
	size_t size;
	size_t offset;
	size_t next_index;
	struct event_log_header header;
};

/* Reads the header record. Returns 0, or -1 with `error` filled. */
int event_log_reader_start(struct event_log_reader *reader, const uint8_t *log, size_t size,
			   struct event_log_error *error);

/* Reads the next TCG_PCR_EVENT2 into `event`. Returns 1 for an event, 0 at the exact
 * end of the log, or -1 with `error` filled. */
int event_log_reader_next(struct event_log_reader *reader, struct log_event *event,
			  struct event_log_error *error);

/* Position of `algorithm` among the header's banks, or -1 if the log has no such
 * bank. */
int event_log_bank_index(const struct event_log_header *header, uint16_t algorithm);

/* Digest size of a TPM hash algorithm, 0 for one this reader does not know. */
uint16_t event_log_digest_size(uint16_t algorithm);

#endif
