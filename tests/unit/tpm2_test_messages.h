/* What the unit tests of sbx's hand-written TPM 2.0 marshalling share: messages
 * built with libtss2-mu, byte patches to them, and the framing checks every
 * response parser must pass (exact-length parsing under ASan, every truncation,
 * the size and tag fields, byte flips). Include it in place of <tss2/tss2_mu.h>
 * and tpm/tpm2_command.h. */
#ifndef SBX_TESTS_TPM2_TEST_MESSAGES_H
#define SBX_TESTS_TPM2_TEST_MESSAGES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <tss2/tss2_mu.h>

/* tss2 spells some of the same TCG names with casts; the values are equal, so
 * ours simply take over. */
#undef TPM2_MAX_COMMAND_SIZE
#undef TPM2_MAX_RESPONSE_SIZE
#undef TPM2_ALG_SHA1
#undef TPM2_ALG_SHA256
#undef TPM2_ALG_SHA384
#undef TPM2_ALG_SHA512
#undef TPM2_ALG_SM3_256

#include "tpm/tpm2_command.h"

#define BUFFER_SIZE 8192

#define MU(call) assert_int_equal((call), TSS2_RC_SUCCESS)

struct message {
	uint8_t bytes[BUFFER_SIZE];
	size_t size;
};

void put_u32_at(struct message *message, size_t offset, uint32_t value);
uint32_t get_u32_at(const struct message *message, size_t offset);
void put_u16_at(struct message *message, size_t offset, uint16_t value);
uint16_t get_u16_at(const struct message *message, size_t offset);

/* Starts a command or response; its size is filled in by message_finish(). */
void message_start(struct message *message, TPM2_ST tag, uint32_t code);
void message_finish(struct message *message);

/* The marshalled session area of a command: authorizationSize, then the one
 * session. */
void auth_area(struct message *command, const TPMS_AUTH_COMMAND *auth);

/* Recognisable, seed-dependent bytes. */
void fill_bytes(uint8_t *bytes, size_t size, uint8_t seed);

/* --- parsers behind one signature, so the rejection loops can share code ----- */

typedef enum tpm2_parse_status (*parse_function)(const uint8_t *response, size_t length);

/* Parses a copy of exactly `length` bytes, so that ASan sees any over-read. */
enum tpm2_parse_status parse_exact(parse_function parse, const uint8_t *bytes,
				   size_t length);
void assert_parse(parse_function parse, const struct message *message,
		  enum tpm2_parse_status expected);

/* Cut anywhere, with the header's size left alone or made to agree with the
 * cut: either way the parser must notice the missing bytes. */
void assert_every_prefix_truncated(parse_function parse, const struct message *message);
/* A responseSize other than the length, or a trailing byte, is refused. */
void assert_size_checked(parse_function parse, const struct message *message);
/* Any other tag is refused. */
void assert_tag_checked(parse_function parse, const struct message *message);
/* Hostile bytes anywhere must never crash any of `parsers`: every byte of
 * `message` flipped in a few ways, each result fed to all of them. */
void assert_parsers_survive_mutations(const parse_function *parsers, size_t count,
				      const struct message *message);
/* `message` is accepted by no parser of `parsers` but `parse`. */
void assert_only_parser_accepts(const parse_function *parsers, size_t count,
				parse_function parse, const struct message *message);

#endif
