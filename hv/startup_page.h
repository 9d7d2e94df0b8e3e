/* The page below 1 MiB where application processors start (a STARTUP IPI names a
 * real-mode page). The hypervisor keeps it: hidden from the commodity OS like the
 * rest of its memory, so that nothing the commodity OS writes there runs when the
 * hypervisor starts a CPU. */
#ifndef SBX_HV_STARTUP_PAGE_H
#define SBX_HV_STARTUP_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "multiboot2.h"
#include "phys_alloc.h"

/* Where the page is looked for: inside what a STARTUP IPI can name, but clear of
 * the low memory Linux reads before it looks at the e820 map (a hidden page there
 * is a fault it cannot survive): it scans 0x80000-0xfffff for an iBFT table
 * (find_ibft_region, before its console is up), and its BIOS corruption check
 * watches the first 64 KiB. */
#define STARTUP_PAGE_SEARCH_LOWEST 0x10000ull
#define STARTUP_PAGE_SEARCH_LIMIT  0x80000ull

/* The highest page in [STARTUP_PAGE_SEARCH_LOWEST, STARTUP_PAGE_SEARCH_LIMIT)
 * that the memory map says is available RAM, that no other map entry touches,
 * and that overlaps none of `reserved` (modules, the multiboot2 block, guest
 * placements); 0 when no page qualifies. Pure, for the unit tests. */
uint64_t startup_page_find(const struct mb2_info *info, const struct phys_range *reserved,
			   size_t reserved_count);

#endif
