/* INIT and STARTUP IPIs from the commodity OS. Under QEMU TCG a real INIT resets
 * its target even in guest mode, and a STARTUP then runs the target natively at the
 * sender's code (DESIGN.md, "Platform facts"), so the hypervisor never sends one
 * for the commodity OS. It decodes each one the commodity OS writes into its ICR
 * (apic_write.c) and turns it into what it means for the partition: INIT and
 * STARTUP to a vCPU of the commodity partition that is waiting for them start that
 * vCPU, in real mode at the STARTUP vector, inside the partition (ap_vcpu.c); an
 * INIT to a running vCPU stops it and makes it wait for STARTUP again, as a CPU
 * would (Linux takes CPUs offline and back so). Anything else aimed at another CPU
 * is refused: a CPU the partition does not own, a destination shorthand or logical
 * destination (they could name such a CPU, or the sender), the sender itself, a vCPU
 * in the middle of starting. Pure, for the unit tests. */
#ifndef SBX_HV_VCPU_STARTUP_H
#define SBX_HV_VCPU_STARTUP_H

#include <stdint.h>

#include "partition.h"

enum startup_ipi_kind {
	STARTUP_IPI_INIT,
	STARTUP_IPI_INIT_DEASSERT,   /* the MP specification's level de-assert: a no-op */
	STARTUP_IPI_STARTUP,
};

struct startup_ipi {
	enum startup_ipi_kind kind;
	uint32_t target;             /* the target's MADT index */
	uint8_t vector;              /* STARTUP: the real-mode start page's number */
};

/* The CPUs as the hypervisor knows them: their xAPIC IDs in MADT order, and which
 * of them the commodity partition owns (bit n for MADT index n). */
struct startup_cpus {
	const uint32_t *apic_ids;
	uint32_t count;
	uint64_t owned;
};

/* Decodes an INIT or STARTUP IPI (ICR low and high) sent by the CPU at MADT index
 * `sender`. Returns NULL and fills *ipi, or the reason it is refused. */
const char *startup_ipi_decode(uint32_t icr_low, uint32_t icr_high, uint32_t sender,
			       const struct startup_cpus *cpus, struct startup_ipi *ipi);

/* The target vCPU's next state when `ipi` reaches it in `current`. Sets *refusal
 * (and leaves the state) when the IPI is refused; a STARTUP that finds no INIT
 * before it (or a vCPU still being reset) is ignored, as a CPU ignores it. */
enum vcpu_startup_state startup_next_state(enum vcpu_startup_state current,
					   const struct startup_ipi *ipi,
					   const char **refusal);

#endif
