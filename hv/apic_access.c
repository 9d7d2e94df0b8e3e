#include <stdbool.h>

#include "apic_access.h"

#include "arch/x86/local_apic.h"

/* Every xAPIC register is 32 bits at the start of its own 16-byte slot. */
#define APIC_REGISTER_ALIGNMENT 16u
#define ICR_DELIVERY_MODE_MASK  0x00000700u

/* CMCI, then timer, thermal, performance counters, LINT0, LINT1, error. */
#define LVT_CMCI  0x2f0u
#define LVT_FIRST 0x320u
#define LVT_LAST  0x370u

static bool is_local_vector_table_entry(uint32_t offset)
{
	return offset == LVT_CMCI || (offset >= LVT_FIRST && offset <= LVT_LAST);
}

enum apic_write_verdict apic_access_judge(uint32_t offset, uint32_t value)
{
	uint32_t mode = value & ICR_DELIVERY_MODE_MASK;

	if (offset >= APIC_PAGE_SIZE || offset % APIC_REGISTER_ALIGNMENT)
		return APIC_WRITE_NOT_A_REGISTER;
	/* STARTUP is no LVT delivery mode at all: refused with INIT, not guessed at. */
	if (is_local_vector_table_entry(offset) &&
	    (mode == ICR_DELIVERY_INIT || mode == ICR_DELIVERY_STARTUP))
		return APIC_WRITE_LVT_INIT;
	if (offset == LOCAL_APIC_ICR_LOW) {
		/* Whatever the destination: even an INIT to itself would reset the
		 * CPU the hypervisor runs on. */
		if (mode == ICR_DELIVERY_INIT || mode == ICR_DELIVERY_STARTUP)
			return APIC_WRITE_STARTUP_IPI;
	}
	return APIC_WRITE_PERFORM;
}
