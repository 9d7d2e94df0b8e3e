/* A partition: one guest with its own nested page tables, RAM, exit counts and
 * virtual CPUs, each vCPU with its own VMCB and registers. sbx has two partitions:
 * the commodity OS (one vCPU per CPU the policy gives it) and the securebox (one
 * vCPU, run on whichever CPU calls it, one call at a time). */
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

struct cpu;
struct partition;

/* Where a commodity vCPU is in the INIT/STARTUP sequence (vcpu_startup.h). The boot
 * vCPU starts RUNNING; the others wait for the commodity OS to start them. */
enum vcpu_startup_state {
	VCPU_WAITING_FOR_INIT,
	VCPU_WAITING_FOR_STARTUP,
	VCPU_STARTING,            /* vector set, its CPU told: it builds its VMCB and runs */
	VCPU_RUNNING,
	VCPU_RESETTING,           /* INIT while running: its CPU, kicked by an NMI, stops it
				     and makes it wait for STARTUP again */
};

struct vcpu {
	struct partition *partition;
	uint32_t index;              /* commodity: the CPU's MADT index; securebox: 0 */
	struct vmcb *vmcb;
	struct guest_registers registers;
	bool launched;               /* the VMCB has passed vmcb_check and run once */
	/* The CPU it runs on for this run, and the one it ran on last: a vCPU that
	 * moves (the securebox does) must not find the new CPU's stale TLB entries. */
	struct cpu *cpu;
	struct cpu *last_cpu;
	uint64_t exits;              /* of every reason */

	/* Commodity vCPUs other than the boot one: written by the CPU that sends the
	 * IPIs, read by the vCPU's own CPU (atomics). */
	uint32_t startup_state;      /* enum vcpu_startup_state */
	uint8_t startup_vector;

	/* The last violation reported and how often it repeated (vcpu.c). */
	const char *last_violation;
	uint64_t last_violation_rip;
	uint64_t violation_repeats;
};

struct partition {
	enum sbx_partition_id id;
	const char *name;
	enum partition_state state;
	const char *stop_reason;
	enum violation_response violation_response;

	struct npt npt;
	struct vcpu vcpus[SBX_MAX_CPUS];
	uint32_t vcpu_count;

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

	uint64_t exits[SBX_EXIT_REASON_COUNT];   /* of all vCPUs, added atomically */
};

/* Why a run of a partition came back to the hypervisor's scheduler. */
enum run_outcome {
	RUN_CONTINUE,             /* exit handled, run the partition again */
	RUN_STOPPED,              /* the partition is stopped for good */
	RUN_SECUREBOX_WAITING,    /* the securebox announced readiness or replied */
	RUN_RESET,                /* a commodity vCPU got INIT: it waits for STARTUP */
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

static inline bool partition_stopped(const struct partition *partition)
{
	return __atomic_load_n(&partition->state, __ATOMIC_ACQUIRE) == PARTITION_STOPPED;
}

#endif
