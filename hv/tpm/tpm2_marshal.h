/* The byte-level half of sbx's hand-written TPM 2.0 marshalling, shared by
 * tpm2_command.c and tpm2_policy_commands.c: big-endian writers for commands, a
 * strict bounds-checked reader for responses, and the response header every
 * command shares. Internal to hv/tpm: the public interfaces are those two files'
 * headers. Freestanding, no state. */
#ifndef SBX_HV_TPM2_MARSHAL_H
#define SBX_HV_TPM2_MARSHAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm2_command.h"

#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_ST_SESSIONS    0x8002

/* The password session's handle. */
#define TPM_RS_PW 0x40000009

#define TPMA_SESSION_CONTINUE_SESSION 0x01

/* tag, commandSize/responseSize, commandCode/responseCode. */
#define TPM2_HEADER_SIZE 10

/* --- building: each writes at `out` and returns the byte after it ---------- */

uint8_t *tpm2_put_u8(uint8_t *out, uint8_t value);
uint8_t *tpm2_put_u16(uint8_t *out, uint16_t value);
uint8_t *tpm2_put_u32(uint8_t *out, uint32_t value);
uint8_t *tpm2_put_bytes(uint8_t *out, const void *bytes, size_t size);
uint8_t *tpm2_put_header(uint8_t *out, uint16_t tag, size_t size, uint32_t command_code);

/* --- parsing ---------------------------------------------------------------- */

/* The unread rest of a response, or of a region of it. */
struct tpm2_reader {
	const uint8_t *next;
	size_t left;
};

/* Each read fails, consuming nothing, when fewer bytes are left than it needs. */
bool tpm2_read_bytes(struct tpm2_reader *reader, void *out, size_t size);
bool tpm2_read_u8(struct tpm2_reader *reader, uint8_t *value);
bool tpm2_read_u16(struct tpm2_reader *reader, uint16_t *value);
bool tpm2_read_u32(struct tpm2_reader *reader, uint32_t *value);
/* Moves the next `size` bytes of `reader` into their own reader `region`. */
bool tpm2_read_region(struct tpm2_reader *reader, size_t size, struct tpm2_reader *region);
/* A TPM2B: its size, then its contents as a region of their own. */
bool tpm2_read_sized(struct tpm2_reader *reader, uint16_t *size,
		     struct tpm2_reader *contents);

/* A failed response (rc != 0) is a bare header tagged TPM_ST_NO_SESSIONS,
 * whatever the command; a successful one carries `success_tag`, and its body is
 * left in `body`. *response_code is set whenever the header parses. */
enum tpm2_parse_status tpm2_parse_header(const uint8_t *response, size_t length,
					 uint16_t success_tag, uint32_t *response_code,
					 struct tpm2_reader *body);
/* The parameter area of a response with sessions, behind its parameterSize. */
enum tpm2_parse_status tpm2_read_parameters(struct tpm2_reader *body,
					    struct tpm2_reader *parameters);
/* MALFORMED unless every byte of `reader` has been read. */
enum tpm2_parse_status tpm2_expect_end(const struct tpm2_reader *reader);

#endif
