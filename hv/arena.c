#include <string.h>

#include "arena.h"

#define ARENA_PAGE 4096u

void arena_init(struct arena *arena, uint64_t start, uint64_t size)
{
	arena->start = start;
	arena->end = start + size;
	arena->next = start;
}

uint64_t arena_allocate(struct arena *arena, uint64_t pages)
{
	uint64_t address = arena->next;

	if (pages == 0 || pages > (arena->end - arena->next) / ARENA_PAGE)
		return 0;
	arena->next += pages * ARENA_PAGE;
	memset((void *)(uintptr_t)address, 0, pages * ARENA_PAGE);
	return address;
}
