/* libFuzzer target: the INIT and STARTUP IPI decoder and start-up state machine
 * (hv/vcpu_startup.c), which take ICR values the commodity OS writes. Input: a
 * machine (CPU count, APIC IDs, which CPUs the partition owns, the sender), then a
 * run of (ICR low, ICR high) pairs applied to the vCPUs' states. Checked on every
 * step: an accepted IPI names an owned CPU other than the sender, by the APIC ID in
 * ICR high, with no shorthand or logical destination; a vCPU becomes starting only
 * from a STARTUP after an INIT, a starting one never changes, and a running one only
 * becomes resetting, by INIT. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcpu_startup.h"

#define MAX_CPUS 64
#define ICR_SHORTHAND_MASK      0x000c0000u
#define ICR_DESTINATION_LOGICAL 0x00000800u

struct input {
	const uint8_t *data;
	size_t size;
};

static uint32_t take32(struct input *input)
{
	uint32_t value = 0;

	for (int i = 0; i < 4 && input->size; i++, input->data++, input->size--)
		value |= (uint32_t)input->data[0] << (8 * i);
	return value;
}

static uint8_t take8(struct input *input)
{
	uint8_t value = input->size ? input->data[0] : 0;

	if (input->size) {
		input->data++;
		input->size--;
	}
	return value;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input input = { data, size };
	uint32_t apic_ids[MAX_CPUS];
	enum vcpu_startup_state states[MAX_CPUS];
	uint32_t count = take8(&input) % MAX_CPUS + 1;
	uint64_t owned = take32(&input);
	uint32_t sender = take8(&input) % count;
	struct startup_cpus cpus;

	owned |= (uint64_t)take32(&input) << 32;
	cpus = (struct startup_cpus){ apic_ids, count, owned };

	/* Distinct IDs as a MADT gives them, in an order the input chooses. */
	for (uint32_t i = 0; i < count; i++)
		apic_ids[i] = (take8(&input) & 0xc0) | i;
	for (uint32_t i = 0; i < count; i++)
		states[i] = i == sender ? VCPU_RUNNING : VCPU_WAITING_FOR_INIT;

	while (input.size) {
		uint32_t low = take32(&input), high = take32(&input);
		struct startup_ipi ipi;
		const char *refusal = startup_ipi_decode(low, high, sender, &cpus, &ipi);

		if (refusal)
			continue;
		if (ipi.target >= count || ipi.target == sender || !(owned & (1ull << ipi.target)) ||
		    apic_ids[ipi.target] != high >> 24 ||
		    (low & (ICR_SHORTHAND_MASK | ICR_DESTINATION_LOGICAL)))
			abort();

		enum vcpu_startup_state before = states[ipi.target];
		enum vcpu_startup_state after = startup_next_state(before, &ipi, &refusal);

		if (before == VCPU_STARTING && after != before)
			abort();
		if (before == VCPU_RUNNING && after != before &&
		    (after != VCPU_RESETTING || ipi.kind != STARTUP_IPI_INIT))
			abort();
		if (before == VCPU_RESETTING && after != before)
			abort();
		if (after == VCPU_STARTING && before != VCPU_STARTING &&
		    (before != VCPU_WAITING_FOR_STARTUP || ipi.kind != STARTUP_IPI_STARTUP))
			abort();
		if (refusal && after != before)
			abort();
		/* The hypervisor completes a reset before the sender goes on. */
		states[ipi.target] = after == VCPU_RESETTING ? VCPU_WAITING_FOR_STARTUP : after;
	}
	return 0;
}
