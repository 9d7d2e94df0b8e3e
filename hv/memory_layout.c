#include <string.h>

#include "memory_layout.h"

#define GIGABYTE (1ull << 30)
#define PAGE_MASK 0xfffull

int ranges_contain(const struct phys_range *ranges, size_t count, uint64_t address,
		   uint64_t size)
{
	if (size == 0 || address + size < address)
		return 0;
	for (size_t i = 0; i < count; i++)
		if (address >= ranges[i].start && address + size <= ranges[i].end)
			return 1;
	return 0;
}

/* Appends [start, end) minus every hidden range to `out`. */
static int subtract_hidden(const struct memory_layout *layout, uint64_t start, uint64_t end,
			   struct phys_range *out, uint32_t *count)
{
	for (uint32_t i = 0; i < layout->hidden_count && start < end; i++) {
		const struct phys_range *hole = &layout->hidden[i];

		if (hole->end <= start || hole->start >= end)
			continue;
		if (hole->start > start) {
			if (*count == LAYOUT_MAX_RANGES)
				return -1;
			out[(*count)++] = (struct phys_range){ start, hole->start };
		}
		start = hole->end;
	}
	if (start < end) {
		if (*count == LAYOUT_MAX_RANGES)
			return -1;
		out[(*count)++] = (struct phys_range){ start, end };
	}
	return 0;
}

static void sort_ranges(struct phys_range *ranges, uint32_t count)
{
	for (uint32_t i = 1; i < count; i++)
		for (uint32_t j = i; j > 0 && ranges[j].start < ranges[j - 1].start; j--) {
			struct phys_range swap = ranges[j];

			ranges[j] = ranges[j - 1];
			ranges[j - 1] = swap;
		}
}

const char *memory_layout_build(struct memory_layout *layout, const struct mb2_info *info,
				const struct phys_range *hidden, size_t hidden_count)
{
	uint64_t highest_ram = 0;

	memset(layout, 0, sizeof(*layout));
	if (hidden_count > LAYOUT_MAX_HIDDEN)
		return "too many hidden ranges";
	for (size_t i = 0; i < hidden_count; i++) {
		if (hidden[i].start >= hidden[i].end || (hidden[i].start & PAGE_MASK) ||
		    (hidden[i].end & PAGE_MASK))
			return "hidden range empty or not page aligned";
		layout->hidden[i] = hidden[i];
	}
	layout->hidden_count = hidden_count;
	sort_ranges(layout->hidden, layout->hidden_count);
	for (uint32_t i = 1; i < layout->hidden_count; i++)
		if (layout->hidden[i].start < layout->hidden[i - 1].end)
			return "hidden ranges overlap";

	/* RAM the commodity owns: whole pages of available memory, minus hidden. */
	for (uint32_t i = 0; i < info->memory_range_count; i++) {
		const struct mb2_memory_range *range = &info->memory[i];
		uint64_t start = (range->base + PAGE_MASK) & ~PAGE_MASK;
		uint64_t end = (range->base + range->length) & ~PAGE_MASK;

		if (range->type != MB2_MEMORY_AVAILABLE || start >= end)
			continue;
		if (end > highest_ram)
			highest_ram = end;
		if (subtract_hidden(layout, start, end, layout->ram, &layout->ram_count))
			return "too many RAM ranges";
	}
	if (layout->ram_count == 0)
		return "no RAM left for the commodity partition";
	sort_ranges(layout->ram, layout->ram_count);
	/* Rounding up must not wrap: RAM this high would end up above `top`. */
	if (highest_ram > UINT64_MAX - (GIGABYTE - 1))
		return "RAM reaches the top of the address space";

	layout->top = (highest_ram + GIGABYTE - 1) & ~(GIGABYTE - 1);
	if (layout->top < 4 * GIGABYTE)
		layout->top = 4 * GIGABYTE;
	if (subtract_hidden(layout, 0, layout->top, layout->visible, &layout->visible_count))
		return "too many visible ranges";
	return NULL;
}
