/* libFuzzer target: CPU discovery from the ACPI tables (hv/cpu_topology.c), on a
 * fake physical memory. Input: a 36-byte area holding the RSDP (20 bytes of it are
 * handed over for an ACPI 1.0 revision, all 36 for 2.0+, as multiboot2 passes
 * them), the 64-bit little-endian base address of the memory, then the memory's
 * bytes from that base on. Seeds (tests/fuzz/seeds/cpu_topology/) hold QEMU's real
 * tables in this form, written by tests/unit/fixtures/capture_acpi_tables.py.
 * Discovery must accept or refuse every input without reading outside it, and
 * what it accepts must keep the header's promises. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_topology.h"

#define RSDP_AREA     36
#define RSDP_V1_SIZE  20
#define BASE_SIZE     8
#define XAPIC_MAX_ID  254

struct memory {
	uint64_t base;
	const uint8_t *bytes;
	size_t size;
};

static int read_memory(uint64_t address, void *buffer, size_t size, void *context)
{
	const struct memory *memory = context;

	if (address < memory->base || address - memory->base > memory->size ||
	    size > memory->size - (address - memory->base))
		return -1;
	memcpy(buffer, memory->bytes + (address - memory->base), size);
	return 0;
}

static void check_accepted(const struct cpu_topology *topology, uint32_t boot_apic_id)
{
	uint32_t i, j;

	if (topology->count == 0 || topology->count > CPU_TOPOLOGY_MAX ||
	    topology->boot_index >= topology->count ||
	    topology->apic_id[topology->boot_index] != boot_apic_id ||
	    topology->local_apic_address % 4096 != 0)
		abort();
	for (i = 0; i < topology->count; i++) {
		if (topology->apic_id[i] > XAPIC_MAX_ID)
			abort();
		for (j = 0; j < i; j++)
			if (topology->apic_id[i] == topology->apic_id[j])
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpu_topology topology;
	struct cpu_topology_error error = { 0 };
	struct memory memory;
	size_t rsdp_size;
	uint8_t *rsdp, *bytes;
	/* The boot CPU's APIC ID is 0 or 1, picked by the RSDP area's last byte
	 * (padding after a 1.0 RSDP, reserved in a 2.0 one), so that a boot CPU that
	 * is not the MADT's first is explored too. */
	uint32_t boot_apic_id;

	if (size < RSDP_AREA + BASE_SIZE)
		return 0;
	rsdp_size = data[15] >= 2 ? RSDP_AREA : RSDP_V1_SIZE;
	boot_apic_id = data[RSDP_AREA - 1] & 1;
	memcpy(&memory.base, data + RSDP_AREA, BASE_SIZE);
	memory.size = size - RSDP_AREA - BASE_SIZE;
	/* Exactly sized heap copies, so ASan catches a read one byte past either. */
	rsdp = malloc(rsdp_size);
	bytes = malloc(memory.size ? memory.size : 1);
	if (!rsdp || !bytes)
		abort();
	memcpy(rsdp, data, rsdp_size);
	memcpy(bytes, data + RSDP_AREA + BASE_SIZE, memory.size);
	memory.bytes = bytes;

	if (cpu_topology_discover(rsdp, rsdp_size, boot_apic_id, read_memory, &memory,
				  &topology, &error) == 0)
		check_accepted(&topology, boot_apic_id);
	else if (!error.message || !error.table)
		abort();
	free(bytes);
	free(rsdp);
	return 0;
}
