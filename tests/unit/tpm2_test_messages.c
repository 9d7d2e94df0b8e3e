/* Shared helpers of test_tpm2_command and test_tpm2_policy_commands; see
 * tpm2_test_messages.h. */
#include <stdlib.h>
#include <string.h>

#include "tpm2_test_messages.h"

void put_u32_at(struct message *message, size_t offset, uint32_t value)
{
	MU(Tss2_MU_UINT32_Marshal(value, message->bytes, sizeof(message->bytes), &offset));
}

uint32_t get_u32_at(const struct message *message, size_t offset)
{
	uint32_t value;

	MU(Tss2_MU_UINT32_Unmarshal(message->bytes, message->size, &offset, &value));
	return value;
}

void put_u16_at(struct message *message, size_t offset, uint16_t value)
{
	MU(Tss2_MU_UINT16_Marshal(value, message->bytes, sizeof(message->bytes), &offset));
}

uint16_t get_u16_at(const struct message *message, size_t offset)
{
	uint16_t value;

	MU(Tss2_MU_UINT16_Unmarshal(message->bytes, message->size, &offset, &value));
	return value;
}

void message_start(struct message *message, TPM2_ST tag, uint32_t code)
{
	message->size = 0;
	MU(Tss2_MU_TPM2_ST_Marshal(tag, message->bytes, BUFFER_SIZE, &message->size));
	MU(Tss2_MU_UINT32_Marshal(0, message->bytes, BUFFER_SIZE, &message->size));
	MU(Tss2_MU_UINT32_Marshal(code, message->bytes, BUFFER_SIZE, &message->size));
}

void message_finish(struct message *message)
{
	put_u32_at(message, 2, message->size);
}

void auth_area(struct message *command, const TPMS_AUTH_COMMAND *auth)
{
	size_t size_offset = command->size, auth_offset;

	MU(Tss2_MU_UINT32_Marshal(0, command->bytes, BUFFER_SIZE, &command->size));
	auth_offset = command->size;
	MU(Tss2_MU_TPMS_AUTH_COMMAND_Marshal(auth, command->bytes, BUFFER_SIZE, &command->size));
	put_u32_at(command, size_offset, command->size - auth_offset);
}

void fill_bytes(uint8_t *bytes, size_t size, uint8_t seed)
{
	for (size_t i = 0; i < size; i++)
		bytes[i] = seed + i * 7;
}

enum tpm2_parse_status parse_exact(parse_function parse, const uint8_t *bytes,
				   size_t length)
{
	uint8_t *copy = malloc(length ? length : 1);
	enum tpm2_parse_status status;

	assert_non_null(copy);
	memcpy(copy, bytes, length);
	status = parse(copy, length);
	free(copy);
	return status;
}

void assert_parse(parse_function parse, const struct message *message,
		  enum tpm2_parse_status expected)
{
	assert_int_equal(parse_exact(parse, message->bytes, message->size), expected);
}

void assert_every_prefix_truncated(parse_function parse, const struct message *message)
{
	struct message prefix;

	for (size_t length = 0; length < message->size; length++) {
		assert_int_equal(parse_exact(parse, message->bytes, length),
				 TPM2_PARSE_TRUNCATED);
		if (length < 6)
			continue;
		prefix = *message;
		prefix.size = length;
		message_finish(&prefix);
		assert_int_equal(parse_exact(parse, prefix.bytes, length),
				 TPM2_PARSE_TRUNCATED);
	}
}

void assert_size_checked(parse_function parse, const struct message *message)
{
	struct message changed = *message;

	put_u32_at(&changed, 2, message->size + 1);
	assert_parse(parse, &changed, TPM2_PARSE_TRUNCATED);
	put_u32_at(&changed, 2, message->size - 1);
	assert_parse(parse, &changed, TPM2_PARSE_MALFORMED);
	put_u32_at(&changed, 2, 0);
	assert_parse(parse, &changed, TPM2_PARSE_MALFORMED);

	/* A trailing byte, with and without the size counting it. */
	changed = *message;
	changed.bytes[changed.size++] = 0;
	assert_parse(parse, &changed, TPM2_PARSE_MALFORMED);
	message_finish(&changed);
	assert_parse(parse, &changed, TPM2_PARSE_MALFORMED);
}

void assert_tag_checked(parse_function parse, const struct message *message)
{
	static const uint16_t tags[] = { TPM2_ST_NO_SESSIONS, TPM2_ST_SESSIONS, 0x00C4, 0 };
	struct message changed = *message;

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		if (tags[i] == get_u16_at(message, 0))
			continue;
		put_u16_at(&changed, 0, tags[i]);
		assert_parse(parse, &changed, TPM2_PARSE_MALFORMED);
	}
}

void assert_parsers_survive_mutations(const parse_function *parsers, size_t count,
				      const struct message *message)
{
	static const uint8_t flips[] = { 0x01, 0x80, 0xFF };
	struct message changed;

	for (size_t i = 0; i < message->size; i++)
		for (size_t f = 0; f < sizeof(flips); f++) {
			changed = *message;
			changed.bytes[i] ^= flips[f];
			for (size_t p = 0; p < count; p++)
				assert_in_range(parse_exact(parsers[p], changed.bytes,
							    changed.size),
						TPM2_PARSE_OK, TPM2_PARSE_RESPONSE_CODE);
		}
}

void assert_only_parser_accepts(const parse_function *parsers, size_t count,
				parse_function parse, const struct message *message)
{
	for (size_t p = 0; p < count; p++)
		if (parsers[p] != parse)
			assert_int_not_equal(parse_exact(parsers[p], message->bytes,
							 message->size),
					     TPM2_PARSE_OK);
}
