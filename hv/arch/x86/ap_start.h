/* Issue 8, first step: the hypervisor starts every application processor (AP)
 * itself, before any guest code runs. Each AP gets its own stack, per-CPU data,
 * host save area and host hidden-state page, enters SVM host mode, reports on the
 * console and parks (cli; hlt) until later steps give it a vCPU. */
#ifndef SBX_HV_X86_AP_START_H
#define SBX_HV_X86_AP_START_H

#include <stdint.h>

#include "cpu_topology.h"
#include "svm.h"

/* Per AP: a stack, then the host save area, then the host hidden-state page. */
#define AP_STACK_PAGES 8
#define AP_PAGES (AP_STACK_PAGES + 2)

enum cpu_state {
	CPU_OFFLINE,
	CPU_ONLINE,     /* in SVM host mode, parked */
	CPU_FAILED,     /* stopped before SVM host mode: see `failure` */
};

/* One per CPU, indexed as in the topology (MADT order). The boot CPU's holds its
 * index, APIC ID, capabilities and state; its stack and host pages are the ones
 * it booted with and start_svm gave it. */
struct cpu {
	uint32_t index;
	uint32_t apic_id;
	uint64_t stack_top;
	uint64_t host_save_area;
	uint64_t host_state;
	struct svm_capabilities svm;
	uint32_t state;            /* enum cpu_state, written by the CPU itself */
	const char *failure;
};

extern struct cpu cpus[CPU_TOPOLOGY_MAX];

/* Starts every AP of `topology`, one at a time, from the startup page (below
 * 1 MiB, the hypervisor's) with their pages carved from `ap_memory` (AP_PAGES
 * each, hypervisor memory, below 4 GiB). Each must come up in SVM host mode with
 * the boot CPU's SVM capabilities; if one does not, the boot stops with why. */
void ap_start_all(const struct cpu_topology *topology, uint64_t startup_page,
		  uint64_t ap_memory, const struct svm_capabilities *boot_svm);

#endif
