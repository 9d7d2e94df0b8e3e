/* sbx-agent: the attestation agent in the commodity OS (attest/README.md). It relays
 * what the TPM, the hypervisor and the securebox say; it is not trusted, so it
 * checks little beyond its own input and leaves every verdict to sbx-attest.
 * Functions that can fail return 0, or -1 with a message in `error` that goes to
 * the client as it is. */
#ifndef SBX_AGENT_H
#define SBX_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include <tss2/tss2_esys.h>

#include "sbx/service.h"

#define AGENT_PORT 7780
#define AGENT_TCTI "device:/dev/tpmrm0"
#define AGENT_PROTOCOL_VERSION 1
#define AGENT_REQUEST_MAX 4096          /* bytes, newline included */
#define AGENT_REQUEST_SECONDS 10        /* for a client to send its request */
#define AGENT_ERROR_SIZE 160
/* Each event log; two of them in base64 still leave a response under 1 MiB. */
#define AGENT_LOG_MAX (256u << 10)
#define EK_CERTIFICATE_NV_INDEX 0x01c00002   /* RSA-2048 EK certificate */

struct buffer {
	uint8_t *bytes;
	size_t size;
};

void buffer_free(struct buffer *buffer);

/* The TPM as the agent holds it for its whole life: the EK and AK loaded, their
 * public areas marshalled, and the EK certificate, or why there is none. */
struct agent_tpm {
	ESYS_CONTEXT *context;
	ESYS_TR ek, ak;
	struct buffer ek_public;        /* TPM2B_PUBLIC, size prefix included */
	struct buffer ak_public;
	struct buffer ek_certificate;   /* DER; empty if missing */
	char ek_certificate_missing[AGENT_ERROR_SIZE];
};

/* tpm_keys.c */
/* `tcti_config` as tpm2-tss's TCTI loader takes it, e.g. "device:/dev/tpmrm0". */
int tpm_open(struct agent_tpm *tpm, const char *tcti_config, char error[AGENT_ERROR_SIZE]);
int tpm_activate(struct agent_tpm *tpm, const struct buffer *credential_blob,
		 const struct buffer *secret, struct buffer *credential,
		 char error[AGENT_ERROR_SIZE]);

/* quote.c: TPM2_Quote by the AK over SHA-256 PCRs 0-9 and 17-19. */
int tpm_quote(struct agent_tpm *tpm, const uint8_t nonce[SBX_NONCE_SIZE],
	      struct buffer *attest, struct buffer *signature, char error[AGENT_ERROR_SIZE]);

/* evidence.c: what the platform logged, and the securebox's report. */
int firmware_log_read(struct buffer *log, char error[AGENT_ERROR_SIZE]);
int hv_log_read(struct buffer *log, char error[AGENT_ERROR_SIZE]);
int securebox_report(const uint8_t nonce[SBX_NONCE_SIZE], struct buffer *report,
		     char error[AGENT_ERROR_SIZE]);

/* base64.c: standard base64 with padding (OpenSSL's codec). Encoding returns a
 * malloc'ed string or NULL; decoding is strict: only the one canonical encoding of
 * some bytes is accepted. */
char *base64_encode(const uint8_t *bytes, size_t size);
int base64_decode(const char *text, size_t length, struct buffer *out);

/* protocol.c: one request line (no newline) in, one response line (newline
 * included, malloc'ed) out; never NULL unless out of memory. */
char *protocol_handle(struct agent_tpm *tpm, const char *request, size_t length);
char *protocol_error(const char *message);

/* server.c: serves one connection at a time, for ever. Returns only if the
 * listening socket cannot be made. */
int server_run(struct agent_tpm *tpm, uint16_t port);

#endif
