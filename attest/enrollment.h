/* The verifier's record of enrolled AKs: one file per AK, DIR/<AK Name in hex>.json,
 * written atomically (temporary file, fsync, rename), holding the AK public area,
 * the SHA-256 of the EK certificate it was activated against, and the highest TPM
 * reset and restart counts seen in a trusted quote (ATTESTATION.md, step 9). */
#ifndef SBX_ATTEST_ENROLLMENT_H
#define SBX_ATTEST_ENROLLMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ak_public.h"

#define ENROLLMENT_AK_PUBLIC_MAX 512
#define ENROLLMENT_REASON_SIZE 160

struct enrollment {
	uint8_t ak_public[ENROLLMENT_AK_PUBLIC_MAX];   /* TPM2B_PUBLIC as activated */
	size_t ak_public_size;
	uint8_t ak_name[AK_NAME_SIZE];
	uint8_t ek_certificate_sha256[32];
	bool has_counters;             /* false until the first trusted quote */
	uint32_t reset_count;
	uint32_t restart_count;
};

/* Returns 1 and fills `enrollment` if `ak_name` is enrolled in `directory`, 0 if it
 * is not, -1 with `reason` if the record exists but cannot be read or is corrupt. */
int enrollment_load(const char *directory, const uint8_t ak_name[AK_NAME_SIZE],
		    struct enrollment *enrollment, char reason[ENROLLMENT_REASON_SIZE]);

/* Creates `directory` if needed and writes the record. Returns 0, or -1 with
 * `reason`. */
int enrollment_store(const char *directory, const struct enrollment *enrollment,
		     char reason[ENROLLMENT_REASON_SIZE]);

/* Whether counts `reset_count`/`restart_count` are below those `enrollment`
 * records (ATTESTATION.md, step 9): a TPM's reset count only grows, and its restart
 * count only grows between resets. False if it records none. Inline: the quote
 * check uses it without the store. */
static inline bool enrollment_counts_below(const struct enrollment *enrollment,
					   uint32_t reset_count, uint32_t restart_count)
{
	return enrollment->has_counters &&
	       (reset_count < enrollment->reset_count ||
		(reset_count == enrollment->reset_count &&
		 restart_count < enrollment->restart_count));
}

/* Records the counts of a trusted quote by the AK of `seen`, the record the quote
 * was verified against. Under the store's lock and against the record as it is
 * now, since another verifier may have written it meanwhile: counts below the
 * recorded ones are refused with ENROLLMENT_COUNTS_BELOW (the quote is older than
 * one trusted since), a record that no longer equals `seen` apart from its counts
 * with -1. Returns 0, or one of those with `reason`. */
#define ENROLLMENT_COUNTS_BELOW (-2)
int enrollment_advance(const char *directory, const struct enrollment *seen,
		       uint32_t reset_count, uint32_t restart_count,
		       char reason[ENROLLMENT_REASON_SIZE]);

/* Enrols the AK of `record` (its counters are set here): enrolling the same AK
 * against the same EK certificate again keeps the counts already seen, so that
 * enrolling cannot make an old quote acceptable. An existing record that does not
 * load is left alone and refused (-1): a damaged record must not reset the counts.
 * Returns 0, or -1 with `reason`. */
int enrollment_enroll(const char *directory, struct enrollment *record,
		      char reason[ENROLLMENT_REASON_SIZE]);

#endif
