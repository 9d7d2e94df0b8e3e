/* The agent's messages (attest/README.md, "Requests and responses"), parsed strictly
 * with json-c: the version, the response kind, exactly the fields the contract lists
 * with the right JSON types, base64 decoded strictly (mbedTLS), each blob within its
 * cap. A parsed message owns copies of its blobs; free it with evidence_free(). */
#ifndef SBX_ATTEST_EVIDENCE_H
#define SBX_ATTEST_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "sbx/service.h"

#define ATTEST_PROTOCOL_VERSION 1
#define ATTEST_RESPONSE_SIZE_MAX (1u << 20)   /* what the client reads from an agent */
#define ATTEST_REQUEST_SIZE_MAX 4096
#define EVIDENCE_LOG_SIZE_MAX (512u << 10)    /* per event log, decoded */

struct blob {
	uint8_t *bytes;
	size_t size;
};

struct evidence {
	uint8_t nonce[SBX_NONCE_SIZE];
	struct blob quote_attest;       /* TPMS_ATTEST */
	struct blob quote_signature;    /* TPMT_SIGNATURE */
	struct blob ak_public;          /* TPM2B_PUBLIC */
	struct blob ek_certificate;     /* DER */
	struct blob firmware_log;
	struct blob hv_log;
	struct blob report;             /* struct sbx_report */
};

struct identity {
	struct blob ek_certificate;
	struct blob ek_public;
	struct blob ak_public;
};

struct activation {
	struct blob credential;
};

#define EVIDENCE_REASON_SIZE 160

/* Each parser takes one response line (without or with its newline) and returns 0,
 * or -1 with `reason` naming the field and what is wrong with it; a well-formed
 * "error" response gives EVIDENCE_AGENT_ERROR, with the agent's message quoted in
 * `reason` (the agent delivered nothing: not malformed evidence, but an error). */
#define EVIDENCE_AGENT_ERROR (-2)
int evidence_parse(const char *text, size_t size, struct evidence *evidence,
		   char reason[EVIDENCE_REASON_SIZE]);
int identity_parse(const char *text, size_t size, struct identity *identity,
		   char reason[EVIDENCE_REASON_SIZE]);
int activation_parse(const char *text, size_t size, struct activation *activation,
		     char reason[EVIDENCE_REASON_SIZE]);
void evidence_free(struct evidence *evidence);
void identity_free(struct identity *identity);
void activation_free(struct activation *activation);

/* Request lines, newline included, in malloc'ed memory (NULL if out of memory). */
char *evidence_request(const uint8_t nonce[SBX_NONCE_SIZE]);
char *identity_request(void);
char *activation_request(const uint8_t *credential_blob, size_t blob_size,
			 const uint8_t *secret, size_t secret_size);

#endif
