/* Seed entropy for the securebox, gathered by the hypervisor before any partition
 * runs: the TPM's random number generator at the hypervisor's locality, mixed with
 * RDRAND when the CPU has it. */
#ifndef SBX_HV_ENTROPY_H
#define SBX_HV_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

#include "tpm/tpm.h"

/* Fills `out` and returns `size`, or returns 0 when there is no source at all
 * (no TPM and no RDRAND): callers must then refuse to make secrets, never fall
 * back to a fixed value. The TPM's bytes are XORed with RDRAND's, so the result is
 * no weaker than the better source. A TPM that fails stops the launch. */
size_t entropy_gather(struct tpm *tpm, uint8_t *out, size_t size);

#endif
