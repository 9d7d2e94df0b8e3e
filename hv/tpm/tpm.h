/* The hypervisor's TPM session: one locality held over TIS, the active PCR banks,
 * and the three operations the measured launch needs. Every failure is described
 * in a tpm_error, naming the command, what went wrong, and the response code. */
#ifndef SBX_HV_TPM_H
#define SBX_HV_TPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tis.h"
#include "tpm2_command.h"

struct tpm {
	struct tis tis;
	struct tpm2_bank_list banks;
	uint8_t command[TPM2_MAX_COMMAND_SIZE];
	uint8_t response[TPM2_MAX_RESPONSE_SIZE];
};

struct tpm_error {
	const char *command;        /* e.g. "TPM2_PCR_Event", or "TIS" */
	const char *reason;         /* static text */
	bool has_response_code;
	uint32_t response_code;
};

/* Probes the TIS, takes `locality` and reads the active banks. */
int tpm_open(struct tpm *tpm, unsigned locality, struct tpm_error *error);
int tpm_pcr_event(struct tpm *tpm, uint32_t pcr_index, const void *data, uint32_t size,
		  struct tpm2_digest_list *digests, struct tpm_error *error);
int tpm_pcr_read(struct tpm *tpm, uint16_t algorithm, uint32_t pcr_index,
		 struct tpm2_digest *value, struct tpm_error *error);
/* Fills `size` bytes from the TPM's random number generator. */
int tpm_get_random(struct tpm *tpm, uint8_t *out, size_t size, struct tpm_error *error);
void tpm_close(struct tpm *tpm);

/* The TCG name of a response code ("TPM_RC_LOCALITY"), or "unrecognised". */
const char *tpm2_response_code_name(uint32_t response_code);

/* For commands built outside this file: sends the `command_size` bytes already
 * in tpm->command (0, a builder's refusal, fails) and leaves the raw response in
 * tpm->response. `command` names it in any error. */
int tpm_execute(struct tpm *tpm, const char *command, size_t command_size,
		size_t *response_size, struct tpm_error *error);
/* Describes `command`'s failed parse in `error`, with the response code when the
 * TPM sent one. Returns -1. */
int tpm_parse_failed(struct tpm_error *error, const char *command,
		     enum tpm2_parse_status status, uint32_t response_code);

#endif
