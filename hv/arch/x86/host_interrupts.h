/* The hypervisor keeps GIF clear in host mode: it takes no interrupt and no NMI,
 * which stay pending for the guest it runs next. Two moments are the exception, and
 * both drop what they take:
 * - an AP waiting for its vCPU to be started sleeps until an IPI wakes it;
 * - an NMI that arrives while a partition runs (both intercept NMIs: the securebox
 *   has no IDT, and the hypervisor kicks commodity vCPUs with them) is taken and
 *   dropped in the host; one that was the commodity OS's is injected into the
 *   commodity vCPU of that CPU when it runs next (vcpu.c). */
#ifndef SBX_HV_X86_HOST_INTERRUPTS_H
#define SBX_HV_X86_HOST_INTERRUPTS_H

#include <stdbool.h>

/* Builds the IDT both use: every interrupt vector and NMI dropped, every exception
 * reported as usual. Once, before any AP starts. */
void host_interrupts_init(void);

/* Sleeps with interrupts on until `done` returns true; any interrupt ends a sleep. */
void host_interrupts_wait_until(bool (*done)(const void *context), const void *context);

/* Takes the NMI that is pending (after an NMI exit) and drops it. */
void host_interrupts_take_nmi(void);

#endif
