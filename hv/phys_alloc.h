/* Physical page allocator of the hypervisor.
 *
 * Invariant: it never hands out a byte that the memory map does not mark available,
 * nor one that lies in a reserved range given at init (the hypervisor image, GRUB's
 * modules, the multiboot2 block, the first MiB), nor one at or above `limit` (the end
 * of the hypervisor's identity map). Pages are never freed: the hypervisor's memory
 * needs are fixed at boot. */
#ifndef SBX_HV_PHYS_ALLOC_H
#define SBX_HV_PHYS_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "multiboot2.h"

#define PAGE_SIZE 4096u
#define PHYS_ALLOC_MAX_RANGES 64

struct phys_range {
	uint64_t start;  /* inclusive */
	uint64_t end;    /* exclusive */
};

struct phys_alloc {
	uint32_t count;
	struct phys_range free[PHYS_ALLOC_MAX_RANGES];
};

/* Returns 0, or -1 if the free list would need more than PHYS_ALLOC_MAX_RANGES
 * entries or a reserved range is malformed (end < start). */
int phys_alloc_init(struct phys_alloc *allocator, const struct mb2_info *info,
		    const struct phys_range *reserved, size_t reserved_count, uint64_t limit);

/* `pages` contiguous 4 KiB pages aligned to `align` (a power of two, at least
 * PAGE_SIZE). Returns the physical address, or 0 when no free range fits or the
 * arguments are invalid (0 is never a valid result: the first MiB is reserved). */
uint64_t phys_alloc_pages(struct phys_alloc *allocator, uint64_t pages, uint64_t align);

#endif
