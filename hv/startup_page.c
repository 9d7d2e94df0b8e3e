#include "startup_page.h"

static int overlaps(uint64_t start, uint64_t end, uint64_t other_start, uint64_t other_end)
{
	return start < other_end && other_start < end;
}

static int memory_allows(const struct mb2_info *info, uint64_t page)
{
	int available = 0;

	for (uint32_t i = 0; i < info->memory_range_count; i++) {
		const struct mb2_memory_range *range = &info->memory[i];
		/* A length past the top of the address space cannot hide a low page. */
		uint64_t end = range->length > UINT64_MAX - range->base ? UINT64_MAX
									 : range->base + range->length;

		if (range->type != MB2_MEMORY_AVAILABLE) {
			if (overlaps(page, page + PAGE_SIZE, range->base, end))
				return 0;
		} else if (range->base <= page && page + PAGE_SIZE <= end) {
			available = 1;
		}
	}
	return available;
}

uint64_t startup_page_find(const struct mb2_info *info, const struct phys_range *reserved,
			   size_t reserved_count)
{
	for (uint64_t page = STARTUP_PAGE_SEARCH_LIMIT - PAGE_SIZE;
	     page >= STARTUP_PAGE_SEARCH_LOWEST; page -= PAGE_SIZE) {
		size_t i = 0;

		if (!memory_allows(info, page))
			continue;
		while (i < reserved_count &&
		       !overlaps(page, page + PAGE_SIZE, reserved[i].start, reserved[i].end))
			i++;
		if (i == reserved_count)
			return page;
	}
	return 0;
}
