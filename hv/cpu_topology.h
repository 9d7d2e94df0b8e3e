/* The CPUs the firmware describes (ACPI MADT, found through the multiboot2 RSDP):
 * what the hypervisor starts and owns (issue 8). Parsed strictly from tables that
 * sit in memory the commodity OS later owns, so everything kept is copied out. */
#ifndef SBX_HV_CPU_TOPOLOGY_H
#define SBX_HV_CPU_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

#define CPU_TOPOLOGY_MAX 64   /* the hypervisor's per-CPU arrays are this long */

struct cpu_topology {
	uint32_t count;                        /* enabled CPUs, the boot CPU included */
	uint32_t apic_id[CPU_TOPOLOGY_MAX];    /* xAPIC IDs (0-254), in MADT order */
	uint32_t boot_index;                   /* index of the boot CPU in apic_id */
	uint64_t local_apic_address;           /* from the MADT (override honoured) */
};

struct cpu_topology_error {
	const char *message;   /* static, e.g. "MADT checksum is wrong" */
	const char *table;     /* "RSDP", "XSDT", "RSDT", "MADT" */
	uint64_t address;      /* where the offending table or entry is */
};

/* Reads `size` bytes of physical memory at `address` into `buffer`, or returns -1
 * if the range is not readable (outside what the hypervisor maps). The hypervisor
 * passes its identity-map reader; unit tests and the fuzzer pass a fake memory. */
typedef int (*physical_reader)(uint64_t address, void *buffer, size_t size, void *context);

/* Finds the MADT through `rsdp` (the copy multiboot2 gave: ACPI 1.0 or 2.0+) and
 * its XSDT (or RSDT), checks every signature, length and checksum, and lists the
 * enabled processor local APIC entries (type 0; x2APIC entries, type 9, with an ID
 * above 254 are an error: this hypervisor drives the xAPIC). `boot_apic_id` is the
 * running CPU's, which must be among them. Returns 0, or -1 with `error`. */
int cpu_topology_discover(const uint8_t *rsdp, size_t rsdp_size, uint32_t boot_apic_id,
			  physical_reader read, void *read_context,
			  struct cpu_topology *topology, struct cpu_topology_error *error);

#endif
