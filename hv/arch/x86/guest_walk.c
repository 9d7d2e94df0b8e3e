#include "guest_walk.h"

#define ENTRY_PRESENT    0x1ull
#define ENTRY_LARGE_PAGE 0x80ull
/* Bits 51:12: the next table's or the page's physical address. */
#define ENTRY_ADDRESS    0x000ffffffffff000ull
#define LEVELS           4
#define INDEX_BITS       9
#define PAGE_SHIFT       12
#define CANONICAL_SHIFT  47

static int is_canonical(uint64_t address)
{
	uint64_t upper = address >> CANONICAL_SHIFT;

	return upper == 0 || upper == (1ull << (64 - CANONICAL_SHIFT)) - 1;
}

int guest_walk_translate(const struct guest_memory_reader *reader, uint64_t cr3,
			 uint64_t virtual_address, uint64_t *physical, const char **error)
{
	uint64_t table = cr3 & ENTRY_ADDRESS;

	if (!is_canonical(virtual_address)) {
		*error = "non-canonical address";
		return -1;
	}
	/* Level 1 always ends the walk, a large page may end it earlier. */
	for (int level = LEVELS;; level--) {
		unsigned shift = PAGE_SHIFT + INDEX_BITS * (unsigned)(level - 1);
		uint64_t index = (virtual_address >> shift) & ((1u << INDEX_BITS) - 1);
		uint64_t entry;

		if (reader->read64(reader->context, table + index * 8, &entry)) {
			*error = "page table outside the guest's readable memory";
			return -1;
		}
		if (!(entry & ENTRY_PRESENT)) {
			*error = "page not present";
			return -1;
		}
		/* A large page ends the walk at the PDPT (1 GiB) or the directory (2 MiB);
		 * in the PML4 the bit is reserved. */
		if (level == 4 && (entry & ENTRY_LARGE_PAGE)) {
			*error = "large page bit set in a PML4 entry";
			return -1;
		}
		if (level == 1 || (entry & ENTRY_LARGE_PAGE)) {
			uint64_t page_mask = (1ull << shift) - 1;

			*physical = ((entry & ENTRY_ADDRESS) & ~page_mask) |
				    (virtual_address & page_mask);
			return 0;
		}
		table = entry & ENTRY_ADDRESS;
	}
}
