#include "apic_access.h"

#include "arch/x86/local_apic.h"

/* Every xAPIC register is 32 bits at the start of its own 16-byte slot. */
#define APIC_REGISTER_ALIGNMENT 16u
#define ICR_DELIVERY_MODE_MASK  0x00000700u

enum apic_write_verdict apic_access_judge(uint32_t offset, uint32_t value)
{
	if (offset >= APIC_PAGE_SIZE || offset % APIC_REGISTER_ALIGNMENT)
		return APIC_WRITE_NOT_A_REGISTER;
	if (offset == LOCAL_APIC_ICR_LOW) {
		uint32_t mode = value & ICR_DELIVERY_MODE_MASK;

		/* Whatever the destination: even an INIT to itself would reset the
		 * CPU the hypervisor runs on. */
		if (mode == ICR_DELIVERY_INIT || mode == ICR_DELIVERY_STARTUP)
			return APIC_WRITE_STARTUP_IPI;
	}
	return APIC_WRITE_PERFORM;
}
