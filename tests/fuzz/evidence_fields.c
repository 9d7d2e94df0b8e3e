/* The fields fuzzer's framing (evidence_fields.h). */
#include "evidence_fields.h"

#include <string.h>

#define LENGTH_SIZE 4

void evidence_fields_split(const uint8_t *data, size_t size, struct evidence_fields *fields)
{
	size_t offset = 0;

	memset(fields, 0, sizeof(*fields));
	if (size == 0)
		return;
	fields->flags = data[offset++];
	for (size_t i = 0; i < FIELD_COUNT && size - offset >= LENGTH_SIZE; i++) {
		size_t length = (size_t)data[offset] | (size_t)data[offset + 1] << 8 |
				(size_t)data[offset + 2] << 16 | (size_t)data[offset + 3] << 24;

		offset += LENGTH_SIZE;
		if (length > size - offset)
			length = size - offset;
		fields->bytes[i] = data + offset;
		fields->sizes[i] = length;
		offset += length;
	}
}

size_t evidence_fields_join(const struct evidence_fields *fields, uint8_t *out)
{
	size_t offset = 1;

	if (out)
		out[0] = fields->flags;
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		if (out) {
			for (size_t b = 0; b < LENGTH_SIZE; b++)
				out[offset + b] = (uint8_t)(fields->sizes[i] >> (8 * b));
			if (fields->sizes[i])
				memcpy(out + offset + LENGTH_SIZE, fields->bytes[i], fields->sizes[i]);
		}
		offset += LENGTH_SIZE + fields->sizes[i];
	}
	return offset;
}
