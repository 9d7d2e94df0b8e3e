/* Which of the commodity OS's writes to its local APIC the hypervisor performs for
 * it. Under QEMU TCG an INIT resets its target even in guest mode, and a SIPI then
 * starts it natively at the sender's code (DESIGN.md, "Platform facts"), so INIT and
 * STARTUP IPIs never reach the real APIC: vcpu_startup.h decides what they mean.
 * Nor does a local vector table entry with INIT delivery (LINT0 and LINT1 allow it
 * on silicon: a pin the commodity OS drives through the 8259 would reset the CPU
 * under the hypervisor). Every other register write is performed as written. Pure,
 * for the unit tests. */
#ifndef SBX_HV_APIC_ACCESS_H
#define SBX_HV_APIC_ACCESS_H

#include <stdint.h>

#define APIC_PAGE_SIZE 0x1000u

enum apic_write_verdict {
	APIC_WRITE_PERFORM,
	APIC_WRITE_STARTUP_IPI,      /* an INIT or STARTUP IPI: never performed */
	APIC_WRITE_LVT_INIT,         /* a local vector table entry that would INIT this CPU */
	APIC_WRITE_NOT_A_REGISTER,   /* not a 16-byte aligned register offset in the page */
};

/* The verdict on writing `value` at `offset` into the xAPIC page. */
enum apic_write_verdict apic_access_judge(uint32_t offset, uint32_t value);

#endif
