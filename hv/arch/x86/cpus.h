/* Per-CPU data: one struct cpu per CPU of the ACPI MADT, indexed as there. */
#ifndef SBX_HV_X86_CPUS_H
#define SBX_HV_X86_CPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu_topology.h"
#include "svm.h"

struct vcpu;

enum cpu_state {
	CPU_OFFLINE,
	CPU_ONLINE,     /* in SVM host mode */
	CPU_FAILED,     /* stopped before SVM host mode: see `failure` */
};

/* The boot CPU's holds its index, APIC ID, capabilities and state; its stack and
 * host pages are the ones it booted with and start_svm gave it. */
struct cpu {
	uint32_t index;
	uint32_t apic_id;
	uint64_t stack_top;
	uint64_t host_save_area;
	uint64_t host_state;
	struct svm_capabilities svm;
	uint32_t state;            /* enum cpu_state, written by the CPU itself */
	const char *failure;
	/* The commodity vCPU this CPU runs, or NULL: a CPU the policy does not give
	 * the commodity OS stays parked for good. Set before the CPU starts. */
	struct vcpu *vcpu;
	/* The hypervisor took an NMI on this CPU (while it ran the securebox or the
	 * commodity vCPU): it is the commodity vCPU's, delivered when that vCPU runs
	 * next, unless it was an INIT's kick. Only this CPU reads or writes it. */
	bool nmi_owed;
};

extern struct cpu cpus[CPU_TOPOLOGY_MAX];

#endif
