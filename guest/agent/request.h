/* The agent's reading of one request line (attest/README.md, "Requests and
 * responses"), apart from the TPM work that answers it: whatever a client sends is
 * parsed and checked here completely, so that the handlers only ever see a request
 * of a known kind with every field present and decoded, and the parser can be
 * tested and fuzzed on a host without a TPM. */
#ifndef SBX_AGENT_REQUEST_H
#define SBX_AGENT_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "agent.h"

/* A request is one flat object; anything deeper is refused by the tokener before
 * it can cost stack. */
#define REQUEST_DEPTH_MAX 4
#define REQUEST_NONCE_HEX_SIZE (2 * SBX_NONCE_SIZE)

enum request_kind { REQUEST_IDENTITY, REQUEST_ACTIVATE, REQUEST_EVIDENCE };

struct request {
	enum request_kind kind;
	/* evidence: the nonce as sent (echoed in the response) and decoded. */
	char nonce_hex[REQUEST_NONCE_HEX_SIZE + 1];
	uint8_t nonce[SBX_NONCE_SIZE];
	/* activate: the decoded TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET. */
	struct buffer credential_blob;
	struct buffer secret;
};

/* Parses `text`, one request line without its newline, of `length` bytes: shorter
 * than AGENT_REQUEST_MAX, no NUL byte, one JSON object (json-c strict mode, UTF-8
 * checked, depth at most REQUEST_DEPTH_MAX, nothing after it, no member named
 * twice, no \u0000), "sbx_attest" the integer 1, "request" a known kind, and
 * exactly that kind's fields with their types and encodings. Returns 0, or -1 with
 * `error` (printable ASCII: what it echoes of the request has any other byte as
 * '?'), leaving nothing to free. Free a parsed request with request_free(). */
int request_parse(const char *text, size_t length, struct request *request,
		  char error[AGENT_ERROR_SIZE]);
void request_free(struct request *request);

#endif
