/* Hypercall dispatch: the architecture layer decodes VMMCALL into a struct
 * hypercall, and writes the status and results back into the caller's registers. */
#ifndef SBX_HV_HYPERCALL_H
#define SBX_HV_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "partition.h"

struct hypercall {
	bool from_user;          /* the caller ran at CPL 3 */
	uint64_t number;
	uint64_t arguments[4];   /* RDI, RSI, RDX, R10 */
	int64_t status;          /* -> RAX */
	uint64_t results[2];     /* -> RDI, RSI (left unchanged when the call sets none) */
};

/* Handles a call from `caller`; the policy has already allowed its privilege
 * level to call at all. */
enum run_outcome hypercall_dispatch(struct vcpu *caller, struct hypercall *call);

#endif
