/* Who owns which physical memory, and the commodity partition's view of it.
 *
 * The commodity OS sees guest-physical == host-physical. It owns all RAM except the
 * hypervisor's (its image, its arena) and the securebox's, and every device except
 * the TPM localities above 0. Its nested page tables map the whole physical address
 * space up to `top` except those hidden ranges. */
#ifndef SBX_HV_MEMORY_LAYOUT_H
#define SBX_HV_MEMORY_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "multiboot2.h"
#include "phys_alloc.h"

/* The hypervisor identity-maps this much physical memory for itself (entry.S): it
 * can copy to and from partition memory only below it. */
#define HYPERVISOR_MAPPED_LIMIT (4ull << 30)

#define LAYOUT_MAX_HIDDEN 32
#define LAYOUT_MAX_RANGES 64

struct memory_layout {
	uint32_t hidden_count;
	struct phys_range hidden[LAYOUT_MAX_HIDDEN];     /* sorted, page-aligned */
	uint32_t visible_count;
	struct phys_range visible[LAYOUT_MAX_RANGES];    /* [0, top) minus hidden */
	uint32_t ram_count;
	struct phys_range ram[LAYOUT_MAX_RANGES];        /* available RAM minus hidden */
	uint64_t top;
};

/* Builds the layout from the memory map and the hidden ranges (any order, may touch
 * but not overlap each other). `top` is rounded up to 1 GiB and is at least 4 GiB
 * (the PCI hole and the local APIC sit below it). Returns NULL or what is wrong. */
const char *memory_layout_build(struct memory_layout *layout, const struct mb2_info *info,
				const struct phys_range *hidden, size_t hidden_count);

/* True when [address, address + size) lies wholly inside one of `ranges`, with no
 * arithmetic overflow. */
int ranges_contain(const struct phys_range *ranges, size_t count, uint64_t address,
		   uint64_t size);

#endif
