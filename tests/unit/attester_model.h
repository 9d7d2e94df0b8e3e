/* A software attester for the verifier's unit tests: what a machine running sbx sends
 * as evidence, made here consistently so that each test can change one thing. The AK
 * is a fixed RSA-2048 key signing RSASSA-SHA256 quotes marshalled with libtss2-mu;
 * the hypervisor log is written by hv/event_log.c following hv/launch_plan.c; the
 * report is signed by an ECDSA P-256 identity key whose digest that log measures. */
#ifndef SBX_TESTS_ATTESTER_MODEL_H
#define SBX_TESTS_ATTESTER_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enrollment.h"
#include "evidence.h"
#include "reference.h"

#define MODEL_LOG_CAPACITY (64 * 1024)
#define MODEL_PCR_COUNT 24
#define MODEL_ATTEST_MAX 1024      /* a marshalled TPMS_ATTEST fits */
#define MODEL_SIGNATURE_MAX 512    /* a marshalled TPMT_SIGNATURE fits */

/* What the attester booted and how it answers; attester_defaults() sets a good
 * machine, tests change fields, attester_build() makes the evidence. */
struct attester_config {
	uint8_t nonce[SBX_NONCE_SIZE];
	const char *components[SBX_MEASURED_COUNT];   /* measured contents */
	bool event_after_separator;   /* the hv log gets a kernel event past PCR 19's end */
	int identity_key;             /* 0: the measured key; 1: another boot's */
	uint32_t pcr_mask;            /* the quote's SHA-256 selection */
	uint8_t safe;                 /* TPMI_YES_NO */
	uint32_t reset_count, restart_count;
	bool foreign_signer;          /* qualifiedSigner names another key */
};

/* The evidence as built, before it is turned into a struct evidence. */
struct attester_output {
	uint8_t attest[MODEL_ATTEST_MAX];
	size_t attest_size;
	uint8_t signature[MODEL_SIGNATURE_MAX];
	size_t signature_size;
	uint8_t firmware_log[MODEL_LOG_CAPACITY];
	size_t firmware_log_size;
	uint8_t hv_log[MODEL_LOG_CAPACITY];
	size_t hv_log_size;
	struct sbx_report report;
	uint8_t pcrs[MODEL_PCR_COUNT][32];   /* what the TPM's PCRs hold */
};

/* Makes the keys; returns 0, or -1. */
int attester_model_start(void);
void attester_model_stop(void);

void attester_defaults(struct attester_config *config);
void attester_build(const struct attester_config *config, struct attester_output *output);

/* Re-signs output->attest (after a test edited it). */
void attester_sign_quote(struct attester_output *output);

/* A struct evidence holding malloc'ed copies (exactly sized); evidence_free() is the
 * other engineer's, so tests free with attester_evidence_free(). */
void attester_evidence(const struct attester_config *config,
		       const struct attester_output *output, struct evidence *evidence);
void attester_evidence_free(struct evidence *evidence);

/* The AK's TPM2B_PUBLIC and its Name, the EK certificate the evidence carries, an
 * enrolment record for them, and a reference that the default machine meets. */
const uint8_t *attester_ak_public(size_t *size);
void attester_enrollment(struct enrollment *enrollment);
void attester_reference(struct reference *reference);

#endif
