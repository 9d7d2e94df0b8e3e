/* The hypervisor arena: one 2 MiB-aligned block of hypervisor memory, hidden from
 * every partition, from which all run-time structures are carved (nested page
 * tables, VMCBs, permission maps, the event log). Keeping them in one block keeps
 * the commodity's nested page tables on large pages. Pages are handed out zeroed
 * and never freed. */
#ifndef SBX_HV_ARENA_H
#define SBX_HV_ARENA_H

#include <stdint.h>

struct arena {
	uint64_t start;
	uint64_t end;
	uint64_t next;
};

void arena_init(struct arena *arena, uint64_t start, uint64_t size);

/* `pages` zeroed, contiguous 4 KiB pages; 0 when the arena is exhausted. */
uint64_t arena_allocate(struct arena *arena, uint64_t pages);

#endif
