/* The commodity partition's vCPUs, one per CPU the policy gives it. An AP waits in
 * the hypervisor until the commodity OS starts its vCPU with INIT and STARTUP IPIs
 * (vcpu_startup.h), then runs that vCPU, from the STARTUP vector in real mode, under
 * the partition's nested page tables, until the partition stops. An INIT to a
 * running vCPU (the boot one too) kicks its CPU out of the guest with an NMI and
 * makes the vCPU wait for STARTUP again. */
#ifndef SBX_HV_X86_AP_VCPU_H
#define SBX_HV_X86_AP_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpus.h"
#include "cpu_topology.h"
#include "partition.h"

/* Gives the commodity partition the first `count` CPUs of `topology` (MADT order;
 * the boot CPU must be one of them), as vCPUs with the same index. Before the APs
 * start. Returns NULL or what is wrong. */
const char *ap_vcpu_assign(const struct cpu_topology *topology, uint32_t count);

/* An INIT or STARTUP IPI the commodity vCPU `sender` wrote into its ICR: refused
 * (said on the console and counted), ignored, or the start of another vCPU. */
void ap_vcpu_startup_ipi(struct vcpu *sender, uint32_t icr_low, uint32_t icr_high);

/* Runs `cpu`'s vCPU (the running CPU's) until the partition stops, then makes the
 * other vCPUs stop too. `running`: the vCPU has its entry state (the boot vCPU);
 * otherwise it waits for its STARTUP first. After an INIT it waits for the next. */
void ap_vcpu_serve(struct cpu *cpu, bool running);

/* The AP's life after it reaches SVM host mode, on its own stack: serve its vCPU
 * from its first STARTUP until the partition stops, then park. */
_Noreturn void ap_vcpu_run(struct cpu *cpu);

#endif
