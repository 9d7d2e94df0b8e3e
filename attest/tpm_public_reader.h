/* Strict reading of a TPM2B_PUBLIC, shared by the AK and EK parsers (ak_public.c,
 * ek_public.c). Only primitive fields are read with Tss2_MU, which bounds-checks
 * them: its structure unmarshallers (libtss2-mu 3.2.1) accept inner-type errors and
 * trailing bytes, so the parsers check every size and value themselves. */
#ifndef SBX_ATTEST_TPM_PUBLIC_READER_H
#define SBX_ATTEST_TPM_PUBLIC_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TPM_SHA256_NAME_SIZE 34   /* TPM_ALG_SHA256 || SHA-256(public area) */

struct tpm_reader {
	const uint8_t *bytes;
	size_t size;
	size_t offset;
};

/* Big-endian fields; false, and the reader unmoved, past the end. */
bool tpm_read_u16(struct tpm_reader *reader, uint16_t *value);
bool tpm_read_u32(struct tpm_reader *reader, uint32_t *value);

/* Reads `size` bytes in place: `*data` points into the reader's buffer. */
bool tpm_read_bytes(struct tpm_reader *reader, size_t size, const uint8_t **data);

/* Opens the TPMT_PUBLIC in `bytes`, a TPM2B_PUBLIC whose size prefix must cover
 * exactly the rest of `size`. */
bool tpm_public_area_open(const uint8_t *bytes, size_t size, struct tpm_reader *area);

/* The Name of a public area with nameAlg SHA-256, over its bytes as received, so
 * that it names exactly that key. Returns false if hashing fails. */
bool tpm_public_area_name(const struct tpm_reader *area, uint8_t name[TPM_SHA256_NAME_SIZE]);

#endif
