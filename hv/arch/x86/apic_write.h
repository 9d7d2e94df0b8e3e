/* The commodity OS's writes to its xAPIC page, which its nested page tables map
 * read-only so that every write exits as a nested page fault: the hypervisor decodes
 * the store, hands INIT and STARTUP IPIs to ap_vcpu.h (never to the real APIC) and
 * performs the rest on the real APIC. */
#ifndef SBX_HV_X86_APIC_WRITE_H
#define SBX_HV_X86_APIC_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "partition.h"

/* True for a write fault of the commodity partition on the xAPIC page. */
bool apic_write_is_emulated(const struct partition *partition, uint64_t fault_info,
			    uint64_t guest_physical);

/* Emulates the faulting store and steps over it; anything it cannot decode is a
 * violation. */
enum run_outcome apic_write_emulate(struct vcpu *vcpu, uint64_t guest_physical);

#endif
