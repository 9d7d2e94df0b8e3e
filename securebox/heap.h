/* A first-fit allocator over one fixed region of memory, for mbedTLS's bignums,
 * points and contexts. Free blocks sit on a list sorted by address, so a freed block
 * merges with the free neighbours on either side and the region does not fragment
 * into pieces too small for the next key. Pure: host unit tests run it on a buffer
 * of their own, and calloc.c puts the securebox's one heap in .bss. */
#ifndef SBX_SECUREBOX_HEAP_H
#define SBX_SECUREBOX_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every block, and so every allocation, is aligned to this (as malloc's are). */
#define HEAP_ALIGNMENT 16u

struct heap_block;

struct heap {
	uintptr_t start;               /* the region, aligned inwards to HEAP_ALIGNMENT */
	uintptr_t end;
	struct heap_block *free_list;  /* ascending addresses, no two adjacent */
};

/* Makes the `size` bytes at `memory` one free block. */
void heap_init(struct heap *heap, void *memory, size_t size);

/* calloc: `count` * `size` zeroed bytes, or NULL when the product overflows or no
 * free block is large enough. A request for zero bytes gets a minimal block, so
 * that every successful allocation is a distinct pointer. */
void *heap_allocate(struct heap *heap, size_t count, size_t size);

/* free: wipes the block and returns it to the free list. NULL is ignored. Returns
 * false, changing nothing, when `pointer` is no live allocation of this heap
 * (a double free, or a pointer it never handed out). */
bool heap_release(struct heap *heap, void *pointer);

/* What calloc.c's free() does with a pointer the heap never handed out: memory is
 * already corrupt, so it does not return. Each image that links calloc.c (the
 * securebox, the test guest) defines it, to stop in its own way. */
_Noreturn void heap_corrupted(const void *pointer);

#endif
