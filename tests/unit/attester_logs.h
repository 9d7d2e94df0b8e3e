/* The software attester's event logs (attester_model.h), apart from the quote code:
 * the hypervisor's log writer and libtss2-mu define the same TPM constants. */
#ifndef SBX_TESTS_ATTESTER_LOGS_H
#define SBX_TESTS_ATTESTER_LOGS_H

#include "attester_model.h"

/* SeaBIOS-like events in PCRs 0-7, extended into output->pcrs. */
void attester_firmware_log(struct attester_output *output);
/* The launch plan's events, `identity_key` being the measured securebox key. */
void attester_hv_log(const struct attester_config *config,
		     const uint8_t identity_key[SBX_PUBLIC_KEY_SIZE],
		     struct attester_output *output);

/* Shared helpers: abort on an impossible failure, SHA-256. */
void attester_must(int condition);
void attester_sha256(const void *data, size_t size, uint8_t digest[32]);

#endif
