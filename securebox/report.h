/* The securebox's identity key and the REPORT service it signs with. The key is
 * made once at start; the hypervisor measures its public half into PCR 18
 * (SBX_HC_SECUREBOX_IDENTITY) before any caller can ask for a report, which is what
 * lets a verifier trust a report's signature. */
#ifndef SBX_SECUREBOX_REPORT_H
#define SBX_SECUREBOX_REPORT_H

#include <stdint.h>

#include "entropy.h"
#include "sbx/boot_info.h"
#include "service_call.h"
#include "signing_key.h"

struct identity {
	int32_t status;            /* SBX_SERVICE_OK once the key exists; else why not */
	struct signing_key key;
};

/* Makes the identity key, or records why there is none (no entropy: no key). */
void identity_create(struct identity *identity, struct entropy *entropy);

void identity_free(struct identity *identity);

/* REPORT: struct sbx_report_request -> struct sbx_report, whose body states the
 * measurements and is signed, SHA-256 then deterministic ECDSA, by the identity
 * key. Without an identity key it answers with the reason there is none. */
int32_t report_handle(struct identity *identity, struct entropy *entropy,
		      const struct sbx_securebox_measurements *measurements,
		      struct service_call *call);

#endif
