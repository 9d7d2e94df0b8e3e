/* Page allocator over a sorted list of disjoint, page-aligned free ranges.
 *
 * The list starts as the union of the available memory and then loses every page
 * that anything else claims. Subtracting last means the order of the memory map
 * does not matter: firmware maps may overlap, and a page that any non-available
 * entry touches stays out even if an available entry also lists it. */
#include <stdbool.h>
#include <string.h>

#include "phys_alloc.h"

/* Real-mode structures, the BIOS and the AP trampoline live below 1 MiB. */
#define LOW_MEMORY_END 0x100000ull

static uint64_t round_down_page(uint64_t address)
{
	return address & ~(uint64_t)(PAGE_SIZE - 1);
}

/* Saturates: a range reaching the top of the address space keeps reaching it. */
static uint64_t round_up_page(uint64_t address)
{
	if (address > UINT64_MAX - (PAGE_SIZE - 1))
		return UINT64_MAX;
	return round_down_page(address + PAGE_SIZE - 1);
}

static uint64_t range_end(const struct mb2_memory_range *range)
{
	if (range->length > UINT64_MAX - range->base)
		return UINT64_MAX;
	return range->base + range->length;
}

static void delete_range(struct phys_alloc *allocator, uint32_t index)
{
	memmove(&allocator->free[index], &allocator->free[index + 1],
		(allocator->count - index - 1) * sizeof(allocator->free[0]));
	allocator->count--;
}

/* Inserts [start, end), merging with every range it overlaps or touches, so the
 * list stays sorted, disjoint and as short as possible. */
static int add_range(struct phys_alloc *allocator, uint64_t start, uint64_t end)
{
	uint32_t first = 0, last;

	while (first < allocator->count && allocator->free[first].end < start)
		first++;
	for (last = first; last < allocator->count && allocator->free[last].start <= end; last++) {
		if (allocator->free[last].start < start)
			start = allocator->free[last].start;
		if (allocator->free[last].end > end)
			end = allocator->free[last].end;
	}

	if (last == first) {
		if (allocator->count == PHYS_ALLOC_MAX_RANGES)
			return -1;
		memmove(&allocator->free[first + 1], &allocator->free[first],
			(allocator->count - first) * sizeof(allocator->free[0]));
		allocator->count++;
	} else {
		memmove(&allocator->free[first + 1], &allocator->free[last],
			(allocator->count - last) * sizeof(allocator->free[0]));
		allocator->count -= last - first - 1;
	}
	allocator->free[first].start = start;
	allocator->free[first].end = end;
	return 0;
}

/* Fails, leaving the list untouched, only when [start, end) lies strictly inside
 * a range and splitting it needs a slot the list does not have. */
static int remove_range(struct phys_alloc *allocator, uint64_t start, uint64_t end)
{
	uint32_t i = 0;

	if (start >= end)
		return 0;
	while (i < allocator->count) {
		struct phys_range *range = &allocator->free[i];

		if (range->end <= start || end <= range->start) {
			i++;
		} else if (start <= range->start && range->end <= end) {
			delete_range(allocator, i);
		} else if (range->start < start && end < range->end) {
			if (allocator->count == PHYS_ALLOC_MAX_RANGES)
				return -1;
			memmove(&allocator->free[i + 2], &allocator->free[i + 1],
				(allocator->count - i - 1) * sizeof(allocator->free[0]));
			allocator->count++;
			allocator->free[i + 1].start = end;
			allocator->free[i + 1].end = range->end;
			range->end = start;
			return 0;
		} else {
			if (range->start < start)
				range->end = start;
			else
				range->start = end;
			i++;
		}
	}
	return 0;
}

static int build_free_list(struct phys_alloc *allocator, const struct mb2_info *info,
			   const struct phys_range *reserved, size_t reserved_count,
			   uint64_t limit)
{
	uint32_t i;
	size_t j;

	for (i = 0; i < info->memory_range_count; i++) {
		const struct mb2_memory_range *range = &info->memory[i];
		uint64_t start, end;

		if (range->type != MB2_MEMORY_AVAILABLE)
			continue;
		start = range->base > LOW_MEMORY_END ? range->base : LOW_MEMORY_END;
		end = round_down_page(range_end(range) < limit ? range_end(range) : limit);
		if (start >= end)
			continue;
		/* No overflow: start < end, and end is page-aligned. */
		start = round_up_page(start);
		if (start < end && add_range(allocator, start, end))
			return -1;
	}

	for (i = 0; i < info->memory_range_count; i++) {
		const struct mb2_memory_range *range = &info->memory[i];

		if (range->type != MB2_MEMORY_AVAILABLE &&
		    remove_range(allocator, round_down_page(range->base),
				 round_up_page(range_end(range))))
			return -1;
	}

	for (j = 0; j < reserved_count; j++)
		if (remove_range(allocator, round_down_page(reserved[j].start),
				 round_up_page(reserved[j].end)))
			return -1;
	return 0;
}

int phys_alloc_init(struct phys_alloc *allocator, const struct mb2_info *info,
		    const struct phys_range *reserved, size_t reserved_count, uint64_t limit)
{
	size_t i;

	allocator->count = 0;
	for (i = 0; i < reserved_count; i++)
		if (reserved[i].end < reserved[i].start)
			return -1;

	if (build_free_list(allocator, info, reserved, reserved_count, limit)) {
		/* A half-built list may still hold pages not yet subtracted. */
		allocator->count = 0;
		return -1;
	}
	return 0;
}

uint64_t phys_alloc_pages(struct phys_alloc *allocator, uint64_t pages, uint64_t align)
{
	uint64_t size;
	uint32_t i;

	if (pages == 0 || pages > UINT64_MAX / PAGE_SIZE)
		return 0;
	if (align < PAGE_SIZE || (align & (align - 1)) != 0)
		return 0;
	size = pages * PAGE_SIZE;

	for (i = 0; i < allocator->count; i++) {
		const struct phys_range *range = &allocator->free[i];
		uint64_t start = range->start;
		uint64_t base;

		if (start > UINT64_MAX - (align - 1))
			continue;
		base = (start + align - 1) & ~(align - 1);
		if (base >= range->end || range->end - base < size)
			continue;
		/* Keeping the alignment gap free may need a slot the list does not
		 * have; then the gap is given up rather than failing the request. */
		if (remove_range(allocator, base, base + size))
			remove_range(allocator, start, base + size);
		return base;
	}
	return 0;
}
