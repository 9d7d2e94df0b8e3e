/* The two text encodings of binary fields in attestation messages (attest/README.md):
 * standard base64 (RFC 4648 section 4) and lower-case hex, both decoded strictly so
 * that each value has exactly one accepted spelling. */
#ifndef SBX_ATTEST_ENCODING_H
#define SBX_ATTEST_ENCODING_H

#include <stddef.h>
#include <stdint.h>

/* Decodes `length` characters of base64 into a malloc'ed buffer of 1 to `size_max`
 * bytes. Only the canonical encoding is accepted: the alphabet, padding to a
 * multiple of four, no whitespace, no bits set past the data. Returns 0;
 * BASE64_TOO_LARGE if it would decode to more than `size_max` bytes; or -1 with
 * `*why` saying what else is wrong ("not canonical base64", "empty", ...). */
#define BASE64_TOO_LARGE (-2)
int base64_decode_strict(const char *text, size_t length, size_t size_max, uint8_t **bytes,
			 size_t *size, const char **why);

/* The base64 of `size` bytes, NUL-terminated, malloc'ed; NULL if out of memory. */
char *base64_encode_alloc(const uint8_t *bytes, size_t size);

/* Decodes exactly 2 * `size` lower-case hex digits. Returns 0, or -1. */
int hex_decode_exact(const char *text, size_t length, uint8_t *bytes, size_t size);

/* Writes 2 * `size` lower-case hex digits and a NUL into `text`. */
void hex_encode(const uint8_t *bytes, size_t size, char *text);

#endif
