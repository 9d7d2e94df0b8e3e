/* Strict TCG PC Client crypto-agile event log reader. Every read goes through a
 * cursor that refuses to step past its end, so no length from the log is trusted
 * before it has been compared with what is left. */
#include <string.h>

#include "event_log_parse.h"

#define SPEC_ID_SIGNATURE "Spec ID Event03"   /* 16 bytes with its NUL */
#define SPEC_ID_SIGNATURE_SIZE 16
#define SPEC_ID_VERSION_MINOR 0
#define SPEC_ID_VERSION_MAJOR 2
#define SPEC_ID_UINTN_SIZE_32 1
#define SPEC_ID_UINTN_SIZE_64 2
#define SHA1_DIGEST_SIZE 20

/* A window [start, end) of the log; `position` is absolute, for error offsets. */
struct cursor {
	const uint8_t *log;
	size_t position;
	size_t end;
};

static const uint8_t *take(struct cursor *cursor, size_t length)
{
	const uint8_t *bytes;

	if (length > cursor->end - cursor->position)
		return NULL;
	bytes = cursor->log + cursor->position;
	cursor->position += length;
	return bytes;
}

static int take_u8(struct cursor *cursor, uint8_t *value)
{
	const uint8_t *bytes = take(cursor, 1);

	if (!bytes)
		return -1;
	*value = bytes[0];
	return 0;
}

static int take_u16(struct cursor *cursor, uint16_t *value)
{
	const uint8_t *bytes = take(cursor, 2);

	if (!bytes)
		return -1;
	*value = (uint16_t)(bytes[0] | bytes[1] << 8);
	return 0;
}

static int take_u32(struct cursor *cursor, uint32_t *value)
{
	const uint8_t *bytes = take(cursor, 4);

	if (!bytes)
		return -1;
	*value = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
		 (uint32_t)bytes[3] << 24;
	return 0;
}

static int fail(struct event_log_error *error, size_t event_index, size_t offset,
		const char *reason)
{
	error->reason = reason;
	error->event_index = event_index;
	error->offset = offset;
	return -1;
}

uint16_t event_log_digest_size(uint16_t algorithm)
{
	switch (algorithm) {
	case TCG_ALG_SHA1:    return 20;
	case TCG_ALG_SHA256:  return 32;
	case TCG_ALG_SHA384:  return 48;
	case TCG_ALG_SHA512:  return 64;
	case TCG_ALG_SM3_256: return 32;
	}
	return 0;
}

int event_log_bank_index(const struct event_log_header *header, uint16_t algorithm)
{
	for (uint32_t i = 0; i < header->bank_count; i++)
		if (header->banks[i].algorithm == algorithm)
			return (int)i;
	return -1;
}

/* The Spec ID Event03 structure, which must fill the header's event data exactly. */
static int parse_spec_id(struct cursor *spec_id, struct event_log_header *header,
			 struct event_log_error *error)
{
	const uint8_t *signature = take(spec_id, SPEC_ID_SIGNATURE_SIZE);
	uint8_t minor, major;

	if (!signature || take_u32(spec_id, &header->platform_class) ||
	    take_u8(spec_id, &minor) || take_u8(spec_id, &major) ||
	    take_u8(spec_id, &header->errata) || take_u8(spec_id, &header->uintn_size) ||
	    take_u32(spec_id, &header->bank_count))
		return fail(error, 0, spec_id->position, "Spec ID event truncated");
	if (memcmp(signature, SPEC_ID_SIGNATURE, SPEC_ID_SIGNATURE_SIZE))
		return fail(error, 0, spec_id->position, "not a Spec ID Event03 signature");
	if (minor != SPEC_ID_VERSION_MINOR || major != SPEC_ID_VERSION_MAJOR)
		return fail(error, 0, spec_id->position, "Spec ID version is not 2.0");
	if (header->uintn_size != SPEC_ID_UINTN_SIZE_32 &&
	    header->uintn_size != SPEC_ID_UINTN_SIZE_64)
		return fail(error, 0, spec_id->position, "Spec ID uintnSize is neither 1 nor 2");
	if (header->bank_count == 0 || header->bank_count > EVENT_LOG_MAX_BANKS)
		return fail(error, 0, spec_id->position, "Spec ID algorithm count out of range");

	for (uint32_t i = 0; i < header->bank_count; i++) {
		struct event_log_bank *bank = &header->banks[i];

		if (take_u16(spec_id, &bank->algorithm) || take_u16(spec_id, &bank->digest_size))
			return fail(error, 0, spec_id->position, "Spec ID algorithm list truncated");
		if (event_log_digest_size(bank->algorithm) == 0)
			return fail(error, 0, spec_id->position, "Spec ID names an unknown algorithm");
		if (bank->digest_size != event_log_digest_size(bank->algorithm))
			return fail(error, 0, spec_id->position,
				    "Spec ID digest size does not match its algorithm");
		/* A bank named twice would make a record's digests ambiguous. */
		if (event_log_bank_index(header, bank->algorithm) != (int)i)
			return fail(error, 0, spec_id->position, "Spec ID names an algorithm twice");
	}

	if (take_u8(spec_id, &header->vendor_info_size))
		return fail(error, 0, spec_id->position, "Spec ID vendor info size missing");
	header->vendor_info = take(spec_id, header->vendor_info_size);
	if (!header->vendor_info)
		return fail(error, 0, spec_id->position, "Spec ID vendor info past the event");
	if (spec_id->position != spec_id->end)
		return fail(error, 0, spec_id->position, "bytes after the Spec ID structure");
	return 0;
}

int event_log_reader_start(struct event_log_reader *reader, const uint8_t *log, size_t size,
			   struct event_log_error *error)
{
	static const uint8_t zero_sha1[SHA1_DIGEST_SIZE];
	struct cursor cursor = { log, 0, size };
	struct cursor spec_id;
	const uint8_t *sha1, *data;
	uint32_t pcr, event_type, event_size;

	memset(reader, 0, sizeof(*reader));
	memset(error, 0, sizeof(*error));
	if (take_u32(&cursor, &pcr) || take_u32(&cursor, &event_type) ||
	    !(sha1 = take(&cursor, SHA1_DIGEST_SIZE)) || take_u32(&cursor, &event_size))
		return fail(error, 0, cursor.position, "header record truncated");
	if (pcr != 0 || event_type != EVENT_LOG_EV_NO_ACTION ||
	    memcmp(sha1, zero_sha1, SHA1_DIGEST_SIZE))
		return fail(error, 0, 0, "first record is not an EV_NO_ACTION header in PCR 0");
	if (event_size > EVENT_LOG_MAX_EVENT_SIZE)
		return fail(error, 0, cursor.position, "header event larger than the cap");
	data = take(&cursor, event_size);
	if (!data)
		return fail(error, 0, cursor.position, "header event data truncated");

	spec_id = (struct cursor){ log, (size_t)(data - log), cursor.position };
	if (parse_spec_id(&spec_id, &reader->header, error))
		return -1;

	reader->log = log;
	reader->size = size;
	reader->offset = cursor.position;
	reader->next_index = 1;
	return 0;
}

int event_log_reader_next(struct event_log_reader *reader, struct log_event *event,
			  struct event_log_error *error)
{
	const struct event_log_header *header = &reader->header;
	struct cursor cursor = { reader->log, reader->offset, reader->size };
	uint32_t digest_count;

	memset(event, 0, sizeof(*event));
	if (reader->offset == reader->size)
		return 0;
	event->index = reader->next_index;
	event->offset = reader->offset;

	if (take_u32(&cursor, &event->pcr) || take_u32(&cursor, &event->event_type) ||
	    take_u32(&cursor, &digest_count))
		return fail(error, event->index, cursor.position, "event header truncated");
	if (event->pcr >= EVENT_LOG_PCR_COUNT)
		return fail(error, event->index, event->offset, "PCR index out of range");
	if (digest_count != header->bank_count)
		return fail(error, event->index, cursor.position,
			    "digest count differs from the Spec ID header");
	for (uint32_t i = 0; i < digest_count; i++) {
		uint16_t algorithm;

		if (take_u16(&cursor, &algorithm))
			return fail(error, event->index, cursor.position, "digest list truncated");
		if (algorithm != header->banks[i].algorithm)
			return fail(error, event->index, cursor.position - 2,
				    "digest algorithm differs from the Spec ID header");
		event->digests[i] = take(&cursor, header->banks[i].digest_size);
		if (!event->digests[i])
			return fail(error, event->index, cursor.position, "digest truncated");
	}
	if (take_u32(&cursor, &event->data_size))
		return fail(error, event->index, cursor.position, "event size truncated");
	if (event->data_size > EVENT_LOG_MAX_EVENT_SIZE)
		return fail(error, event->index, cursor.position - 4, "event larger than the cap");
	event->data = take(&cursor, event->data_size);
	if (!event->data)
		return fail(error, event->index, cursor.position, "event data truncated");

	reader->offset = cursor.position;
	reader->next_index++;
	return 1;
}
