/* The binary fields of one piece of evidence in a framing that a fuzzer can mutate
 * without undoing it, unlike JSON and base64: a flags byte, then each field as a
 * 32-bit little-endian length and its bytes. A length past the end of the input
 * takes what remains, and fields past the end are empty, so every input splits.
 * The EK certificate is not among them: the verifier only hashes it. */
#ifndef SBX_FUZZ_EVIDENCE_FIELDS_H
#define SBX_FUZZ_EVIDENCE_FIELDS_H

#include <stddef.h>
#include <stdint.h>

enum evidence_field {
	FIELD_QUOTE_ATTEST,
	FIELD_QUOTE_SIGNATURE,
	FIELD_AK_PUBLIC,
	FIELD_FIRMWARE_LOG,
	FIELD_HV_LOG,
	FIELD_REPORT,
	FIELD_COUNT
};

/* The harness signs the quote's attestation with the AK itself, in place of the
 * signature field: what a TPM would sign is attacker-chosen then, as if the AK's
 * key had leaked, and the checks behind the signature see every mutation. */
#define FIELDS_RESIGN 0x01

struct evidence_fields {
	uint8_t flags;
	const uint8_t *bytes[FIELD_COUNT];   /* views into the input */
	size_t sizes[FIELD_COUNT];
};

void evidence_fields_split(const uint8_t *data, size_t size, struct evidence_fields *fields);

/* Frames `fields` into `out` (if not NULL) and returns the framing's size. */
size_t evidence_fields_join(const struct evidence_fields *fields, uint8_t *out);

#endif
