/* A partition: one guest with its own VMCB, nested page tables, RAM and exit counts.
 * sbx has two, the commodity OS and the securebox. */
#ifndef SBX_HV_PARTITION_H
#define SBX_HV_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/guest_registers.h"
#include "arch/x86/nested_paging.h"
#include "arch/x86/vmcb.h"
#include "memory_layout.h"
#include "sbx/hypercall.h"

enum partition_state {
	PARTITION_ABSENT,     /* nothing to run (e.g. a placeholder module) */
	PARTITION_RUNNABLE,
	PARTITION_WAITING,    /* securebox: waiting for a request */
	PARTITION_STOPPED,
};

/* What the hypervisor does when a partition breaks a rule (the built-in default
 * policy until policy files exist: fault for the commodity OS, stop the securebox). */
enum violation_response {
	VIOLATION_INJECT_FAULT,
	VIOLATION_STOP,
};

struct partition {
	enum sbx_partition_id id;
	const char *name;
	enum partition_state state;
	const char *stop_reason;
	enum violation_response violation_response;

	struct vmcb *vmcb;
	struct guest_registers registers;
	bool launched;               /* the VMCB has passed vmcb_check and run once */
	struct npt npt;

	/* Guest-physical RAM the partition owns, and where guest-physical 0 is in host
	 * memory (0 for the identity-mapped commodity partition). */
	struct phys_range ram[LAYOUT_MAX_RANGES];
	uint32_t ram_count;
	uint64_t host_base;
	/* Commodity only: the RAM the hypervisor may read for it with no side effect on
	 * a device, to fetch an instruction it must decode (apic_write.c). */
	const struct phys_range *readable_ram;
	uint32_t readable_ram_count;

	/* Securebox only: its request and response pages, guest-physical. */
	uint64_t request_buffer;
	uint64_t response_buffer;
	uint64_t reply_size;         /* of the last SBX_HC_SECUREBOX_REPLY_WAIT */

	uint64_t exits[SBX_EXIT_REASON_COUNT];
};

/* Why a run of a partition came back to the hypervisor's scheduler. */
enum run_outcome {
	RUN_CONTINUE,             /* exit handled, run the partition again */
	RUN_STOPPED,              /* the partition is stopped for good */
	RUN_SECUREBOX_WAITING,    /* the securebox announced readiness or replied */
};

extern struct partition partitions[SBX_PARTITION_COUNT];

static inline void *partition_pointer(const struct partition *partition, uint64_t guest)
{
	return (void *)(uintptr_t)(partition->host_base + guest);
}

/* Names each partition and gives it the default violation response. */
void partitions_init(void);
void partition_stop(struct partition *partition, const char *reason);

/* The securebox broke the hypercall protocol: report and stop it. */
enum run_outcome partition_protocol_violation(struct partition *partition, const char *what);

#endif
