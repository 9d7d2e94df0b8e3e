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

/* One objectAttributes bit of a pinned key profile: whether the profile has it, and
 * the check that names it when a key differs. */
struct tpm_attribute_rule {
	uint32_t bit;
	bool set;
	const char *check;
};

/* A pinned profile's attributes are exact: the first rule a key breaks names the
 * failure, and any other difference (reserved bits, stClear, ...) is
 * `other_check`. Returns VERIFY_TRUSTED or VERIFY_UNTRUSTED (report_verify.h). */
int tpm_attributes_check(uint32_t attributes, uint32_t pinned,
			 const struct tpm_attribute_rule *rules, size_t rule_count,
			 const char *other_check, const char **reason);

/* The checks a TPM2B_PUBLIC parser names for the parts tpm_public_parse() checks,
 * e.g. "ak.size", "ak.trailing_bytes", "ak.name". */
struct tpm_public_checks {
	const char *size;
	const char *trailing_bytes;
	const char *name;
};

/* Reads the TPMT_PUBLIC in `area` up to its end into `key`; returns an enum
 * verify_status and names the first failed check in `*reason`. */
typedef int (*tpm_public_area_parser)(struct tpm_reader *area, void *key, const char **reason);

/* Parses `bytes`, a TPM2B_PUBLIC that must fill `size` exactly, with
 * `parse_area`, requires every byte of the area consumed, and computes its Name
 * into `name` (inside `key`). On any failure the whole `key` (`key_size` bytes) is
 * zeroed. Returns an enum verify_status; `*reason` is "" when trusted. */
int tpm_public_parse(const uint8_t *bytes, size_t size, tpm_public_area_parser parse_area,
		     const struct tpm_public_checks *checks, void *key, size_t key_size,
		     uint8_t name[TPM_SHA256_NAME_SIZE], const char **reason);

#endif
