/* The hypervisor starts every application processor (AP) itself, before any
 * guest code runs. Each AP gets its own stack, per-CPU data, host save area and
 * host hidden-state page, enters SVM host mode and reports on the console. An AP
 * the policy gives the commodity OS then waits for the commodity OS to start its
 * vCPU (vcpu_startup.h); any other parks for good (cli; hlt). */
#ifndef SBX_HV_X86_AP_START_H
#define SBX_HV_X86_AP_START_H

#include <stdint.h>

#include "cpus.h"
#include "cpu_topology.h"
#include "svm.h"

/* Per AP: a stack, then the host save area, then the host hidden-state page. */
#define AP_STACK_PAGES 8
#define AP_PAGES (AP_STACK_PAGES + 2)

/* Starts every AP of `topology`, one at a time, from the startup page (below
 * 1 MiB, the hypervisor's) with their pages carved from `ap_memory` (AP_PAGES
 * each, hypervisor memory, below 4 GiB). Each must come up in SVM host mode with
 * the boot CPU's SVM capabilities; if one does not, the boot stops with why. */
void ap_start_all(const struct cpu_topology *topology, uint64_t startup_page,
		  uint64_t ap_memory, const struct svm_capabilities *boot_svm);

#endif
