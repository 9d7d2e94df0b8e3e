/* Verification of a TPM2_Quote by a pinned AK (ATTESTATION.md, steps 5-9): the
 * signature over the attestation bytes as received first, and only then their
 * fields, the nonce, the PCR selection and the PCR digest. */
#ifndef SBX_ATTEST_QUOTE_VERIFY_H
#define SBX_ATTEST_QUOTE_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "ak_public.h"
#include "report_verify.h"

#define QUOTE_DIGEST_SIZE 32          /* SHA-256: the only bank quoted */
#define QUOTE_PCR_COUNT 24
#define QUOTE_NAME_SIZE_MAX 68        /* sizeof(TPMU_NAME) */

/* The selection sbx requests: SHA-256 PCRs 0-9 (firmware and boot loader) and
 * 17-19 (hypervisor, policy and securebox, components and guest). Bit n is PCR n. */
#define QUOTE_SBX_PCR_MASK (0x3ffu | (1u << 17) | (1u << 18) | (1u << 19))

struct quote_expectations {
	const uint8_t *nonce;          /* the qualifying data sent with the request */
	size_t nonce_size;
	uint32_t pcr_mask;             /* the exact SHA-256 selection requested */
	/* Indexed by PCR number, e.g. an event log replay; only the PCRs in `pcr_mask`
	 * are read. */
	const uint8_t (*pcr_values)[QUOTE_DIGEST_SIZE];
};

/* What the quote says about the TPM, for the caller to record per AK: the reset
 * and restart counts must never go down (ATTESTATION.md, step 9). Valid only in a
 * trusted verdict. */
struct quote_clock {
	uint64_t clock;                /* milliseconds the TPM has run */
	uint32_t reset_count;          /* TPM resets (boots) */
	uint32_t restart_count;        /* resumes since the last reset */
	uint64_t firmware_version;
};

struct quote_verdict {
	enum verify_status status;
	const char *check;             /* static: the first failed check; "" if trusted */
	struct quote_clock clock;
	/* The quote's qualifiedSigner, to compare with the AK's qualified name. */
	uint8_t qualified_signer[QUOTE_NAME_SIZE_MAX];
	size_t qualified_signer_size;
};

/* Verifies `signature`, a TPMT_SIGNATURE, over `attest`, a TPMS_ATTEST (the bytes
 * tpm2_quote -m writes), with the AK's pinned scheme, then checks the attestation
 * with quote_attest_check(). Returns verdict->status: VERIFY_CRYPTO_FAILURE if the
 * signature is not the AK's scheme or does not verify, and nothing in `attest` is
 * read until it does. */
int quote_verify(const struct ak_public *ak, const uint8_t *attest, size_t attest_size,
		 const uint8_t *signature, size_t signature_size,
		 const struct quote_expectations *expected, struct quote_verdict *verdict);

/* The second half of quote_verify(), for attestation bytes whose signature has been
 * verified: parses them strictly (VERIFY_MALFORMED: every byte consumed, the magic,
 * the type, the field sizes) and compares them with `expected` (VERIFY_UNTRUSTED:
 * the nonce, clockInfo.safe, the selection, the PCR digest). Returns verdict->status. */
int quote_attest_check(const uint8_t *attest, size_t attest_size,
		       const struct quote_expectations *expected, struct quote_verdict *verdict);

#endif
