/* The TPM at locality 0, the one locality the commodity partition may use,
 * through the hypervisor's own TIS driver and command marshalling. */
#ifndef SBX_TEST_GUEST_TPM_CLIENT_H
#define SBX_TEST_GUEST_TPM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "tpm/tis.h"
#include "tpm/tpm2_command.h"

#define TPM_ACCESS_REGISTER    0x000
#define TPM_ACCESS_REQUEST_USE 0x02

struct tpm_client {
	struct tis tis;
	uint32_t response_code;   /* of the last response that parsed */
	uint8_t command[TPM2_MAX_COMMAND_SIZE];
	uint8_t response[TPM2_MAX_RESPONSE_SIZE];
};

/* Each returns NULL on success, or why not. */
const char *tpm_client_open(struct tpm_client *tpm, uintptr_t base);
/* SHA-256 bank. A refusal by the TPM leaves its code in response_code. */
const char *tpm_client_pcr_read(struct tpm_client *tpm, uint32_t pcr,
				struct tpm2_digest *value);
/* Success means the TPM answered; response_code says what (0: extended). */
const char *tpm_client_pcr_event(struct tpm_client *tpm, uint32_t pcr, const void *data,
				 size_t size);
void tpm_client_close(struct tpm_client *tpm);

#endif
