#include <string.h>

#include "event_log.h"
#include "sbx/measurement.h"

#define SPEC_ID_SIGNATURE "Spec ID Event03"   /* 16 bytes with its NUL */
#define SPEC_ID_PLATFORM_CLASS_CLIENT 0
#define SPEC_ID_VERSION_MINOR 0
#define SPEC_ID_VERSION_MAJOR 2
#define SPEC_ID_ERRATA 2
#define SPEC_ID_UINTN_SIZE_64 2
#define SHA1_DIGEST_SIZE 20

const char *event_log_status_string(enum event_log_status status)
{
	switch (status) {
	case EVENT_LOG_OK:             return "ok";
	case EVENT_LOG_FULL:           return "event log buffer full";
	case EVENT_LOG_BAD_BANKS:      return "unusable PCR bank list";
	case EVENT_LOG_MISSING_DIGEST: return "TPM returned no digest for an active bank";
	case EVENT_LOG_BAD_EVENT:      return "event data too large";
	}
	return "unknown event log status";
}

/* Little-endian writers over a cursor that the caller has already bounds-checked. */
static uint8_t *put_u8(uint8_t *cursor, uint8_t value)
{
	*cursor = value;
	return cursor + 1;
}

static uint8_t *put_u16(uint8_t *cursor, uint16_t value)
{
	cursor[0] = value & 0xff;
	cursor[1] = value >> 8;
	return cursor + 2;
}

static uint8_t *put_u32(uint8_t *cursor, uint32_t value)
{
	for (int i = 0; i < 4; i++)
		cursor[i] = (value >> (8 * i)) & 0xff;
	return cursor + 4;
}

static uint8_t *put_bytes(uint8_t *cursor, const void *bytes, size_t length)
{
	memcpy(cursor, bytes, length);
	return cursor + length;
}

enum event_log_status event_log_init(struct event_log *log, uint8_t *buffer, size_t capacity,
				     const struct tpm2_bank_list *banks)
{
	static const uint8_t zero_sha1[SHA1_DIGEST_SIZE];
	uint32_t spec_id_size, header_size;
	uint8_t *cursor;

	if (banks->count == 0 || banks->count > TPM2_MAX_BANKS)
		return EVENT_LOG_BAD_BANKS;
	for (uint32_t i = 0; i < banks->count; i++)
		if (tpm2_digest_size(banks->algorithm[i]) == 0)
			return EVENT_LOG_BAD_BANKS;

	/* signature, class, minor, major, errata, uintn, count, sizes[], vendor size */
	spec_id_size = 16 + 4 + 1 + 1 + 1 + 1 + 4 + 4 * banks->count + 1;
	header_size = 4 + 4 + SHA1_DIGEST_SIZE + 4 + spec_id_size;
	if (header_size > capacity)
		return EVENT_LOG_FULL;

	cursor = buffer;
	cursor = put_u32(cursor, 0);
	cursor = put_u32(cursor, SBX_EV_NO_ACTION);
	cursor = put_bytes(cursor, zero_sha1, SHA1_DIGEST_SIZE);
	cursor = put_u32(cursor, spec_id_size);
	cursor = put_bytes(cursor, SPEC_ID_SIGNATURE, 16);
	cursor = put_u32(cursor, SPEC_ID_PLATFORM_CLASS_CLIENT);
	cursor = put_u8(cursor, SPEC_ID_VERSION_MINOR);
	cursor = put_u8(cursor, SPEC_ID_VERSION_MAJOR);
	cursor = put_u8(cursor, SPEC_ID_ERRATA);
	cursor = put_u8(cursor, SPEC_ID_UINTN_SIZE_64);
	cursor = put_u32(cursor, banks->count);
	for (uint32_t i = 0; i < banks->count; i++) {
		cursor = put_u16(cursor, banks->algorithm[i]);
		cursor = put_u16(cursor, tpm2_digest_size(banks->algorithm[i]));
	}
	put_u8(cursor, 0);   /* no vendor information */

	log->buffer = buffer;
	log->capacity = capacity;
	log->size = header_size;
	log->banks = *banks;
	return EVENT_LOG_OK;
}

static const struct tpm2_digest *find_digest(const struct tpm2_digest_list *digests,
					     uint16_t algorithm)
{
	for (uint32_t i = 0; i < digests->count && i < TPM2_MAX_BANKS; i++)
		if (digests->digest[i].algorithm == algorithm &&
		    digests->digest[i].size == tpm2_digest_size(algorithm))
			return &digests->digest[i];
	return NULL;
}

enum event_log_status event_log_append(struct event_log *log, uint32_t pcr_index,
				       uint32_t event_type,
				       const struct tpm2_digest_list *digests,
				       const void *event_data, uint32_t event_size)
{
	const struct tpm2_digest *ordered[TPM2_MAX_BANKS];
	size_t record_size = 4 + 4 + 4 + 4 + event_size;
	uint8_t *cursor;

	if (event_size > EVENT_LOG_MAX_EVENT_DATA)
		return EVENT_LOG_BAD_EVENT;
	for (uint32_t i = 0; i < log->banks.count; i++) {
		ordered[i] = find_digest(digests, log->banks.algorithm[i]);
		if (!ordered[i])
			return EVENT_LOG_MISSING_DIGEST;
		record_size += 2 + ordered[i]->size;
	}
	if (record_size > log->capacity - log->size)
		return EVENT_LOG_FULL;

	cursor = log->buffer + log->size;
	cursor = put_u32(cursor, pcr_index);
	cursor = put_u32(cursor, event_type);
	cursor = put_u32(cursor, log->banks.count);
	for (uint32_t i = 0; i < log->banks.count; i++) {
		cursor = put_u16(cursor, ordered[i]->algorithm);
		cursor = put_bytes(cursor, ordered[i]->bytes, ordered[i]->size);
	}
	cursor = put_u32(cursor, event_size);
	put_bytes(cursor, event_data, event_size);
	log->size += record_size;
	return EVENT_LOG_OK;
}
