#include <string.h>

#include "apic_write.h"

#include "apic_access.h"
#include "console.h"
#include "guest_walk.h"
#include "instruction_decode.h"
#include "local_apic.h"
#include "mmio.h"
#include "msr.h"
#include "vcpu.h"

#define GUEST_PAGE 0x1000ull
#define REGISTER_RAX 0
#define REGISTER_RSP 4
/* Linux sends a handful of INIT and STARTUP IPIs per CPU it tries to start; a guest
 * that keeps sending them would flood the console. */
#define REFUSALS_ALWAYS_LOGGED 16

static uint64_t refused_count;

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
static size_t fetch_instruction(struct partition *partition, uint8_t *bytes,
				const char **error)
{
	const struct guest_memory_reader reader = { partition, read_table_entry };
	const struct vmcb_state *state = &partition->vmcb->state;
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

static uint32_t source_value(const struct partition *partition, const struct decoded_store *store)
{
	const struct guest_registers *registers = &partition->registers;
	const uint64_t general[16] = {
		partition->vmcb->state.rax, registers->rcx, registers->rdx, registers->rbx,
		partition->vmcb->state.rsp, registers->rbp, registers->rsi, registers->rdi,
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

enum run_outcome apic_write_emulate(struct partition *partition, uint64_t guest_physical)
{
	const struct vmcb_state *state = &partition->vmcb->state;
	uint8_t bytes[INSTRUCTION_MAX_LENGTH];
	struct decoded_store store;
	const char *error = NULL;
	uint32_t offset = (uint32_t)(guest_physical & (GUEST_PAGE - 1));
	uint32_t value;
	size_t fetched;

	if (!in_64_bit_mode(state))
		return vcpu_violation(partition, VECTOR_GP,
				      "xAPIC write outside 64-bit mode, at", guest_physical);
	fetched = fetch_instruction(partition, bytes, &error);
	if (fetched == 0 || instruction_decode_store32(bytes, fetched, &store, &error)) {
		printk("sbx: %s: xAPIC write not emulated: %s\n", partition->name, error);
		return vcpu_violation(partition, VECTOR_GP, "undecodable xAPIC write at",
				      guest_physical);
	}
	value = source_value(partition, &store);
	switch (apic_access_judge(offset, value)) {
	case APIC_WRITE_PERFORM:
		mmio_write32(LOCAL_APIC_DEFAULT_BASE + offset, value);
		break;
	case APIC_WRITE_REFUSE_STARTUP:
		refused_count++;
		if (refused_count <= REFUSALS_ALWAYS_LOGGED ||
		    (refused_count & (refused_count - 1)) == 0)
			printk("sbx: %s: refused INIT/STARTUP IPI, ICR 0x%x (%lu refused)\n",
			       partition->name, value, refused_count);
		break;
	case APIC_WRITE_NOT_A_REGISTER:
		return vcpu_violation(partition, VECTOR_GP, "xAPIC write off a register, at",
				      guest_physical);
	}
	partition->vmcb->state.rip += store.length;
	return RUN_CONTINUE;
}
