/* The measured launch between the component measurements and the separators: the
 * securebox's identity key is measured in between, so the hypervisor's TPM session
 * stays open until the securebox has announced it. */
#ifndef SBX_HV_LAUNCH_H
#define SBX_HV_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>

#include "event_log.h"
#include "tpm/tpm.h"

struct launch_state {
	struct tpm *tpm;            /* NULL without a TPM (tpm=optional), and once closed */
	struct event_log *log;
	bool closed;
	uint8_t pcrs[3][32];        /* PCR 17, 18, 19 (SHA-256) once closed; zero unmeasured */
};

extern struct launch_state launch;

/* Once, before any commodity code runs: measures the identity key (none when NULL),
 * closes PCRs 17-19 with separators, reads the PCRs back and prints them, prints
 * the event log, and releases the TPM, which from then on is the commodity OS's at
 * locality 0. Without a TPM it only marks the launch closed. */
void launch_close(const void *identity_key, uint64_t key_size);

#endif
