#include <stddef.h>

#include "vcpu_startup.h"

#define ICR_VECTOR_MASK         0x000000ffu
#define ICR_DELIVERY_MODE_MASK  0x00000700u
#define ICR_DELIVERY_INIT       0x00000500u
#define ICR_DESTINATION_LOGICAL 0x00000800u
#define ICR_LEVEL_ASSERT        0x00004000u
#define ICR_SHORTHAND_MASK      0x000c0000u
#define ICR_DESTINATION_SHIFT   24

const char *startup_ipi_decode(uint32_t icr_low, uint32_t icr_high, uint32_t sender,
			       const struct startup_cpus *cpus, struct startup_ipi *ipi)
{
	uint32_t destination = icr_high >> ICR_DESTINATION_SHIFT;
	uint32_t target;

	if (icr_low & ICR_SHORTHAND_MASK)
		return "a destination shorthand (self or all) in an INIT or STARTUP IPI";
	if (icr_low & ICR_DESTINATION_LOGICAL)
		return "a logical destination in an INIT or STARTUP IPI";
	for (target = 0; target < cpus->count; target++)
		if (cpus->apic_ids[target] == destination)
			break;
	if (target == cpus->count)
		return "no CPU has the destination APIC ID";
	if (!(cpus->owned & (1ull << target)))
		return "the target CPU is not the commodity partition's";
	if (target == sender)
		return "an INIT or STARTUP IPI to the sender itself";
	ipi->target = target;
	ipi->vector = (uint8_t)(icr_low & ICR_VECTOR_MASK);
	if ((icr_low & ICR_DELIVERY_MODE_MASK) == ICR_DELIVERY_INIT)
		ipi->kind = (icr_low & ICR_LEVEL_ASSERT) ? STARTUP_IPI_INIT :
							   STARTUP_IPI_INIT_DEASSERT;
	else
		ipi->kind = STARTUP_IPI_STARTUP;
	return NULL;
}

enum vcpu_startup_state startup_next_state(enum vcpu_startup_state current,
					   const struct startup_ipi *ipi,
					   const char **refusal)
{
	*refusal = NULL;
	switch (ipi->kind) {
	case STARTUP_IPI_INIT:
		if (current == VCPU_STARTING) {
			*refusal = "an INIT to a vCPU that is starting";
			return current;
		}
		if (current == VCPU_RUNNING || current == VCPU_RESETTING)
			return VCPU_RESETTING;
		return VCPU_WAITING_FOR_STARTUP;
	case STARTUP_IPI_INIT_DEASSERT:
		return current;
	case STARTUP_IPI_STARTUP:
		return current == VCPU_WAITING_FOR_STARTUP ? VCPU_STARTING : current;
	}
	return current;
}
