/* Big-endian writers and the strict reader behind sbx's TPM 2.0 commands (TCG TPM
 * 2.0 Library Part 1, "Command/Response Structure"; all integers on the wire are
 * big-endian). A response is hostile: no read goes past what is left. */
#include <string.h>

#include "tpm2_marshal.h"

/* --- building --------------------------------------------------------------- */

uint8_t *tpm2_put_u8(uint8_t *out, uint8_t value)
{
	out[0] = value;
	return out + 1;
}

uint8_t *tpm2_put_u16(uint8_t *out, uint16_t value)
{
	out[0] = value >> 8;
	out[1] = value;
	return out + 2;
}

uint8_t *tpm2_put_u32(uint8_t *out, uint32_t value)
{
	out[0] = value >> 24;
	out[1] = value >> 16;
	out[2] = value >> 8;
	out[3] = value;
	return out + 4;
}

uint8_t *tpm2_put_bytes(uint8_t *out, const void *bytes, size_t size)
{
	if (size)
		memcpy(out, bytes, size);
	return out + size;
}

uint8_t *tpm2_put_header(uint8_t *out, uint16_t tag, size_t size, uint32_t command_code)
{
	out = tpm2_put_u16(out, tag);
	out = tpm2_put_u32(out, size);
	return tpm2_put_u32(out, command_code);
}

/* --- parsing ---------------------------------------------------------------- */

bool tpm2_read_bytes(struct tpm2_reader *reader, void *out, size_t size)
{
	if (reader->left < size)
		return false;
	memcpy(out, reader->next, size);
	reader->next += size;
	reader->left -= size;
	return true;
}

bool tpm2_read_u8(struct tpm2_reader *reader, uint8_t *value)
{
	return tpm2_read_bytes(reader, value, 1);
}

bool tpm2_read_u16(struct tpm2_reader *reader, uint16_t *value)
{
	uint8_t bytes[2];

	if (!tpm2_read_bytes(reader, bytes, sizeof(bytes)))
		return false;
	*value = (uint16_t)bytes[0] << 8 | bytes[1];
	return true;
}

bool tpm2_read_u32(struct tpm2_reader *reader, uint32_t *value)
{
	uint8_t bytes[4];

	if (!tpm2_read_bytes(reader, bytes, sizeof(bytes)))
		return false;
	*value = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
		 (uint32_t)bytes[2] << 8 | bytes[3];
	return true;
}

bool tpm2_read_region(struct tpm2_reader *reader, size_t size, struct tpm2_reader *region)
{
	if (reader->left < size)
		return false;
	region->next = reader->next;
	region->left = size;
	reader->next += size;
	reader->left -= size;
	return true;
}

bool tpm2_read_sized(struct tpm2_reader *reader, uint16_t *size,
		     struct tpm2_reader *contents)
{
	return tpm2_read_u16(reader, size) && tpm2_read_region(reader, *size, contents);
}

enum tpm2_parse_status tpm2_parse_header(const uint8_t *response, size_t length,
					 uint16_t success_tag, uint32_t *response_code,
					 struct tpm2_reader *body)
{
	struct tpm2_reader header = { response, length };
	uint16_t tag;
	uint32_t size;

	if (!tpm2_read_u16(&header, &tag) || !tpm2_read_u32(&header, &size) ||
	    !tpm2_read_u32(&header, response_code))
		return TPM2_PARSE_TRUNCATED;
	if (size > length)
		return TPM2_PARSE_TRUNCATED;
	if (size != length)
		return TPM2_PARSE_MALFORMED;
	if (*response_code != 0) {
		if (tag != TPM_ST_NO_SESSIONS || length != TPM2_HEADER_SIZE)
			return TPM2_PARSE_MALFORMED;
		return TPM2_PARSE_RESPONSE_CODE;
	}
	if (tag != success_tag)
		return TPM2_PARSE_MALFORMED;
	*body = header;
	return TPM2_PARSE_OK;
}

enum tpm2_parse_status tpm2_read_parameters(struct tpm2_reader *body,
					    struct tpm2_reader *parameters)
{
	uint32_t parameter_size;

	if (!tpm2_read_u32(body, &parameter_size) ||
	    !tpm2_read_region(body, parameter_size, parameters))
		return TPM2_PARSE_TRUNCATED;
	return TPM2_PARSE_OK;
}

enum tpm2_parse_status tpm2_expect_end(const struct tpm2_reader *reader)
{
	return reader->left ? TPM2_PARSE_MALFORMED : TPM2_PARSE_OK;
}
