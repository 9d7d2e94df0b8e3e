#include <string.h>

#include "apic_write.h"

#include "ap_vcpu.h"
#include "apic_access.h"
#include "console.h"
#include "guest_walk.h"
#include "instruction_decode.h"
#include "local_apic.h"
#include "mmio.h"
#include "msr.h"
#include "vcpu.h"

#define GUEST_PAGE 0x1000ull

bool apic_write_is_emulated(const struct partition *partition, uint64_t fault_info,
			    uint64_t guest_physical)
{
	return partition->id == SBX_PARTITION_COMMODITY && (fault_info & NPF_WRITE) &&
	       !(fault_info & NPF_FETCH) &&
	       (guest_physical & ~(GUEST_PAGE - 1)) == LOCAL_APIC_DEFAULT_BASE;
}

/* Only RAM, never device memory: a read the guest chose (its page tables, its RIP)
 * must have no side effect on a device. */
static int read_guest(const struct partition *partition, uint64_t address, void *out,
		      uint64_t size)
{
	if (!ranges_contain(partition->readable_ram, partition->readable_ram_count, address,
			    size) || address + size > HYPERVISOR_MAPPED_LIMIT)
		return -1;
	memcpy(out, (const void *)(uintptr_t)address, size);
	return 0;
}

static int read_table_entry(void *context, uint64_t address, uint64_t *value)
{
	return read_guest(context, address, value, sizeof(*value));
}

/* The instruction's bytes, up to where the first unreadable page starts: an
 * instruction may cross into the next page. Returns how many were read. */
static size_t fetch_instruction(struct vcpu *vcpu, uint8_t *bytes, const char **error)
{
	struct partition *partition = vcpu->partition;
	const struct guest_memory_reader reader = { partition, read_table_entry };
	const struct vmcb_state *state = &vcpu->vmcb->state;
	size_t fetched = 0;

	while (fetched < INSTRUCTION_MAX_LENGTH) {
		uint64_t virtual_address = state->rip + fetched;
		uint64_t physical;
		uint64_t chunk = GUEST_PAGE - (virtual_address & (GUEST_PAGE - 1));

		if (chunk > INSTRUCTION_MAX_LENGTH - fetched)
			chunk = INSTRUCTION_MAX_LENGTH - fetched;
		if (guest_walk_translate(&reader, state->cr3, virtual_address, &physical, error) ||
		    read_guest(partition, physical, bytes + fetched, chunk)) {
			if (fetched == 0 && !*error)
				*error = "instruction outside the guest's RAM";
			return fetched;
		}
		fetched += chunk;
	}
	return fetched;
}

static uint32_t source_value(const struct vcpu *vcpu, const struct decoded_store *store)
{
	const struct guest_registers *registers = &vcpu->registers;
	const uint64_t general[16] = {
		vcpu->vmcb->state.rax, registers->rcx, registers->rdx, registers->rbx,
		vcpu->vmcb->state.rsp, registers->rbp, registers->rsi, registers->rdi,
		registers->r8, registers->r9, registers->r10, registers->r11,
		registers->r12, registers->r13, registers->r14, registers->r15,
	};

	if (store->source == STORE_FROM_IMMEDIATE)
		return store->immediate;
	return (uint32_t)general[store->source_register];
}

static bool in_64_bit_mode(const struct vmcb_state *state)
{
	return (state->efer & EFER_LMA) && (state->cs.attributes & SEGMENT_L);
}

enum run_outcome apic_write_emulate(struct vcpu *vcpu, uint64_t guest_physical)
{
	const struct vmcb_state *state = &vcpu->vmcb->state;
	uint8_t bytes[INSTRUCTION_MAX_LENGTH];
	struct decoded_store store;
	const char *error = NULL;
	uint32_t offset = (uint32_t)(guest_physical & (GUEST_PAGE - 1));
	uint32_t value;
	size_t fetched;

	if (!in_64_bit_mode(state))
		return vcpu_violation(vcpu, VECTOR_GP, "xAPIC write outside 64-bit mode, at",
				      guest_physical);
	fetched = fetch_instruction(vcpu, bytes, &error);
	if (fetched == 0 || instruction_decode_store32(bytes, fetched, &store, &error)) {
		printk("sbx: %s: xAPIC write not emulated: %s\n", vcpu->partition->name, error);
		return vcpu_violation(vcpu, VECTOR_GP, "undecodable xAPIC write at",
				      guest_physical);
	}
	value = source_value(vcpu, &store);
	switch (apic_access_judge(offset, value)) {
	case APIC_WRITE_PERFORM:
		mmio_write32(LOCAL_APIC_DEFAULT_BASE + offset, value);
		break;
	case APIC_WRITE_STARTUP_IPI:
		/* The destination is what the guest wrote into ICR high before: that
		 * write was performed, so the APIC holds it. */
		ap_vcpu_startup_ipi(vcpu, value,
				    mmio_read32(LOCAL_APIC_DEFAULT_BASE + LOCAL_APIC_ICR_HIGH));
		break;
	case APIC_WRITE_LVT_INIT:
		return vcpu_violation(vcpu, VECTOR_GP, "xAPIC LVT entry with INIT delivery, at",
				      guest_physical);
	case APIC_WRITE_NOT_A_REGISTER:
		return vcpu_violation(vcpu, VECTOR_GP, "xAPIC write off a register, at",
				      guest_physical);
	}
	vcpu->vmcb->state.rip += store.length;
	return RUN_CONTINUE;
}
