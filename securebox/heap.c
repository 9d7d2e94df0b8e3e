#include <string.h>

#include "heap.h"

/* Every block starts with a header of HEADER_SIZE bytes; an allocation is the rest
 * of its block. A free block keeps its free-list link where the allocation would
 * be, so the smallest block holds a header and a link, rounded to the alignment. */
struct heap_block {
	size_t size;                   /* the whole block, header included */
	uint64_t state;                /* BLOCK_LIVE or BLOCK_FREE */
	struct heap_block *next;       /* free blocks only */
};

#define HEADER_SIZE 16u
#define MINIMUM_BLOCK 32u
#define BLOCK_LIVE 0x6576696c70616568ull   /* "heaplive" in memory */
#define BLOCK_FREE 0x6565726670616568ull   /* "heapfree" */

_Static_assert(HEADER_SIZE % HEAP_ALIGNMENT == 0, "allocations stay aligned");
_Static_assert(offsetof(struct heap_block, next) == HEADER_SIZE, "the link is past the header");
_Static_assert(sizeof(struct heap_block) <= MINIMUM_BLOCK, "a free block holds its link");

static uintptr_t align_up(uintptr_t value)
{
	return (value + HEAP_ALIGNMENT - 1) & ~(uintptr_t)(HEAP_ALIGNMENT - 1);
}

void heap_init(struct heap *heap, void *memory, size_t size)
{
	uintptr_t start = align_up((uintptr_t)memory);
	uintptr_t end = ((uintptr_t)memory + size) & ~(uintptr_t)(HEAP_ALIGNMENT - 1);
	struct heap_block *block = (struct heap_block *)start;

	heap->start = start;
	heap->end = end;
	heap->free_list = NULL;
	if (end <= start || end - start < MINIMUM_BLOCK)
		return;
	block->size = end - start;
	block->state = BLOCK_FREE;
	block->next = NULL;
	heap->free_list = block;
}

/* The block size that serves `bytes`, or 0 when no block of this heap could. */
static size_t block_size_for(const struct heap *heap, size_t count, size_t size)
{
	size_t bytes, needed;

	if (size != 0 && count > SIZE_MAX / size)
		return 0;
	bytes = count * size;
	if (bytes > heap->end - heap->start)
		return 0;
	needed = align_up(HEADER_SIZE + bytes);
	return needed < MINIMUM_BLOCK ? MINIMUM_BLOCK : needed;
}

void *heap_allocate(struct heap *heap, size_t count, size_t size)
{
	size_t needed = block_size_for(heap, count, size);
	struct heap_block **link, *block, *rest;

	if (needed == 0)
		return NULL;
	for (link = &heap->free_list; *link; link = &(*link)->next) {
		block = *link;
		if (block->size < needed)
			continue;
		/* Split off the tail when it can stand as a block of its own; it
		 * keeps the block's place in the sorted list. */
		if (block->size - needed >= MINIMUM_BLOCK) {
			rest = (struct heap_block *)((uintptr_t)block + needed);
			rest->size = block->size - needed;
			rest->state = BLOCK_FREE;
			rest->next = block->next;
			block->size = needed;
			*link = rest;
		} else {
			*link = block->next;
		}
		block->state = BLOCK_LIVE;
		memset((uint8_t *)block + HEADER_SIZE, 0, block->size - HEADER_SIZE);
		return (uint8_t *)block + HEADER_SIZE;
	}
	return NULL;
}

/* The block `pointer` was handed out from, if it plausibly was: inside the heap, on
 * a block boundary, with a live header whose size stays inside the heap. */
static struct heap_block *live_block(const struct heap *heap, void *pointer)
{
	uintptr_t address = (uintptr_t)pointer;
	struct heap_block *block;

	if (address < heap->start + HEADER_SIZE || address >= heap->end ||
	    (address - heap->start) % HEAP_ALIGNMENT != 0)
		return NULL;
	block = (struct heap_block *)(address - HEADER_SIZE);
	if (block->state != BLOCK_LIVE || block->size < MINIMUM_BLOCK ||
	    block->size % HEAP_ALIGNMENT != 0 || block->size > heap->end - (uintptr_t)block)
		return NULL;
	return block;
}

static uintptr_t block_end(const struct heap_block *block)
{
	return (uintptr_t)block + block->size;
}

/* Merges `second` into `first`, which it directly follows, and wipes the header
 * that is now in the middle of a free block. */
static void merge(struct heap_block *first, struct heap_block *second)
{
	first->size += second->size;
	first->next = second->next;
	memset(second, 0, sizeof(*second));
}

bool heap_release(struct heap *heap, void *pointer)
{
	struct heap_block *block, *previous = NULL, *next;

	if (!pointer)
		return true;
	block = live_block(heap, pointer);
	if (!block)
		return false;
	for (next = heap->free_list; next && (uintptr_t)next < (uintptr_t)block; next = next->next)
		previous = next;
	/* A live block never overlaps a free one; if it seems to, its header lies. */
	if ((previous && block_end(previous) > (uintptr_t)block) ||
	    (next && block_end(block) > (uintptr_t)next))
		return false;

	/* Freed memory may have held key material (mbedTLS wipes its bignums, not
	 * every buffer it frees): wipe it now rather than when it is next handed out. */
	memset(pointer, 0, block->size - HEADER_SIZE);
	block->state = BLOCK_FREE;
	block->next = next;
	if (previous)
		previous->next = block;
	else
		heap->free_list = block;
	if (next && block_end(block) == (uintptr_t)next)
		merge(block, next);
	if (previous && block_end(previous) == (uintptr_t)block)
		merge(previous, block);
	return true;
}
