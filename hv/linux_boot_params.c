/* The setup header and zero page are read and written as little-endian fields at
 * the offsets the boot protocol fixes, not through a packed C struct: the offsets
 * are the specification, and the bytes may come from any (unaligned) file. */
#include <string.h>

#include "linux_boot_params.h"

#define PAGE_MASK 0xfffull
#define FOUR_GIB  (4ull << 30)

/* Setup header fields: the same offsets in the bzImage and in the zero page. */
#define SETUP_SECTS        0x1f1
#define BOOT_FLAG          0x1fe
#define JUMP_DISPLACEMENT  0x201   /* its byte gives where the header ends */
#define HEADER             0x202
#define VERSION            0x206
#define TYPE_OF_LOADER     0x210
#define LOADFLAGS          0x211
#define RAMDISK_IMAGE      0x218
#define RAMDISK_SIZE       0x21c
#define CMD_LINE_PTR       0x228
#define INITRD_ADDR_MAX    0x22c
#define KERNEL_ALIGNMENT   0x230
#define RELOCATABLE_KERNEL 0x234
#define XLOADFLAGS         0x236
#define CMDLINE_SIZE       0x238
#define PREF_ADDRESS       0x258
#define INIT_SIZE          0x260
/* The setup header may not run into the zero page fields after it. */
#define SETUP_HEADER_LIMIT 0x290

/* Zero page fields outside the setup header. */
#define ACPI_RSDP_ADDR     0x070
#define EXT_RAMDISK_IMAGE  0x0c0
#define EXT_RAMDISK_SIZE   0x0c4
#define EXT_CMD_LINE_PTR   0x0c8
#define E820_ENTRIES       0x1e8
#define E820_TABLE         0x2d0
#define E820_ENTRY_SIZE    20

#define BOOT_FLAG_MAGIC    0xaa55
#define HEADER_MAGIC       0x53726448u   /* "HdrS" */
#define LOADED_HIGH        0x01
#define XLF_KERNEL_64      0x01
#define SECTOR             512
#define DEFAULT_SETUP_SECTS 4            /* what setup_sects == 0 means */

static uint64_t get(const uint8_t *bytes, size_t offset, unsigned size)
{
	uint64_t value = 0;

	for (unsigned i = size; i-- > 0;)
		value = value << 8 | bytes[offset + i];
	return value;
}

static void put(uint8_t *bytes, size_t offset, unsigned size, uint64_t value)
{
	for (unsigned i = 0; i < size; i++, value >>= 8)
		bytes[offset + i] = (uint8_t)value;
}

bool linux_has_magic(const uint8_t *image, size_t size)
{
	return size >= HEADER + 4 && get(image, HEADER, 4) == HEADER_MAGIC;
}

static uint64_t round_up_page(uint64_t value)
{
	return (value + PAGE_MASK) & ~PAGE_MASK;
}

const char *linux_kernel_read(const uint8_t *image, size_t size, struct linux_kernel *kernel)
{
	uint64_t setup_sects, init_size;

	memset(kernel, 0, sizeof(*kernel));
	if (size < SETUP_HEADER_LIMIT)
		return "too small for a setup header";
	if (get(image, BOOT_FLAG, 2) != BOOT_FLAG_MAGIC || !linux_has_magic(image, size))
		return "no Linux setup header (boot flag or \"HdrS\" missing)";
	kernel->protocol = get(image, VERSION, 2);
	if (kernel->protocol < LINUX_MIN_PROTOCOL)
		return "boot protocol older than 2.12";
	kernel->header_end = HEADER + image[JUMP_DISPLACEMENT];
	if (kernel->header_end > SETUP_HEADER_LIMIT)
		return "setup header runs into the zero page";
	if (!(image[LOADFLAGS] & LOADED_HIGH))
		return "not a bzImage (LOADED_HIGH clear)";
	if (!(get(image, XLOADFLAGS, 2) & XLF_KERNEL_64))
		return "no 64-bit entry point (XLF_KERNEL_64 clear)";

	setup_sects = image[SETUP_SECTS] ? image[SETUP_SECTS] : DEFAULT_SETUP_SECTS;
	kernel->payload_offset = (setup_sects + 1) * SECTOR;
	if (kernel->payload_offset >= size)
		return "no protected-mode kernel after the setup code";
	kernel->payload_size = size - kernel->payload_offset;

	kernel->relocatable = image[RELOCATABLE_KERNEL] != 0;
	kernel->alignment = get(image, KERNEL_ALIGNMENT, 4);
	if (kernel->alignment < PAGE_SIZE || (kernel->alignment & (kernel->alignment - 1)))
		return "kernel_alignment is not a power of two of at least 4 KiB";
	kernel->preferred_address = get(image, PREF_ADDRESS, 8);
	if (kernel->preferred_address & PAGE_MASK)
		return "pref_address is not page aligned";
	init_size = get(image, INIT_SIZE, 4);
	kernel->footprint = round_up_page(init_size > kernel->payload_size ? init_size
									    : kernel->payload_size);
	kernel->initrd_address_max = get(image, INITRD_ADDR_MAX, 4);
	kernel->cmdline_size = get(image, CMDLINE_SIZE, 4);
	return NULL;
}

static bool overlaps(const struct phys_range *a, uint64_t start, uint64_t end)
{
	return a->start < end && start < a->end;
}

/* The lowest `align`-aligned `size` bytes inside one free range, or 0. */
static uint64_t lowest_fit(const struct phys_range *free, size_t count, uint64_t size,
			   uint64_t align)
{
	for (size_t i = 0; i < count; i++) {
		uint64_t base = (free[i].start + align - 1) & ~(align - 1);

		if (base >= free[i].start && base < free[i].end && free[i].end - base >= size)
			return base;
	}
	return 0;
}

/* The highest page-aligned `size` bytes inside one free range, ending at or below
 * `limit`, clear of every `taken` range; or 0. */
static uint64_t highest_fit(const struct phys_range *free, size_t count,
			    const struct phys_range *taken, size_t taken_count, uint64_t size,
			    uint64_t limit)
{
	for (size_t i = count; i-- > 0;) {
		uint64_t end = free[i].end < limit ? free[i].end : limit;

		while (end > free[i].start && end - free[i].start >= size) {
			uint64_t start = (end - size) & ~PAGE_MASK;
			size_t j = 0;

			if (start < free[i].start)
				break;
			while (j < taken_count && !overlaps(&taken[j], start, start + size))
				j++;
			if (j == taken_count)
				return start;
			end = taken[j].start;
		}
	}
	return 0;
}

static bool inside_one(const struct phys_range *free, size_t count, uint64_t start,
		       uint64_t size)
{
	for (size_t i = 0; i < count; i++)
		if (start >= free[i].start && start < free[i].end && free[i].end - start >= size)
			return true;
	return false;
}

const char *linux_place(const struct linux_kernel *kernel, uint64_t initrd_size,
			const struct phys_range *free, size_t free_count,
			struct linux_placement *placement)
{
	uint64_t kernel_start = kernel->preferred_address;
	uint64_t initrd_limit = (uint64_t)kernel->initrd_address_max + 1;
	uint64_t boot_area_size = LINUX_BOOT_AREA_PAGES * PAGE_SIZE;
	uint64_t initrd_start = 0;

	memset(placement, 0, sizeof(*placement));
	if (!kernel_start || !inside_one(free, free_count, kernel_start, kernel->footprint)) {
		if (!kernel->relocatable)
			return "the kernel is not relocatable and its preferred address is not free";
		kernel_start = lowest_fit(free, free_count, kernel->footprint, kernel->alignment);
		if (!kernel_start)
			return "no free RAM for the kernel (init_size at kernel_alignment)";
	}
	placement->kernel = (struct phys_range){ kernel_start, kernel_start + kernel->footprint };

	if (initrd_size) {
		uint64_t size = round_up_page(initrd_size);

		initrd_start = highest_fit(free, free_count, &placement->kernel, 1, size,
					   initrd_limit < FOUR_GIB ? initrd_limit : FOUR_GIB);
		if (!initrd_start)
			return "no free RAM for the initrd below initrd_addr_max";
		placement->initrd = (struct phys_range){ initrd_start, initrd_start + size };
	}

	const struct phys_range taken[] = { placement->kernel, placement->initrd };
	uint64_t area = highest_fit(free, free_count, taken, 2, boot_area_size, FOUR_GIB);

	if (!area)
		return "no free RAM for boot_params, command line and page tables";
	placement->boot_area = (struct phys_range){ area, area + boot_area_size };
	return NULL;
}

static unsigned firmware_precedence(uint32_t type)
{
	switch (type) {
	case E820_RAM:      return 0;
	case E820_ACPI:     return 1;
	case E820_NVS:      return 2;
	case E820_UNUSABLE: return 4;
	default:            return 3;   /* reserved */
	}
}

/* Multiboot2 passes the e820 types 1-5 through; anything else is reserved. */
static uint32_t firmware_type(uint32_t multiboot_type)
{
	return multiboot_type >= E820_RAM && multiboot_type <= E820_UNUSABLE ? multiboot_type
									      : E820_RESERVED;
}

static uint64_t memory_end(const struct mb2_memory_range *range)
{
	return range->length > UINT64_MAX - range->base ? UINT64_MAX : range->base + range->length;
}

#define E820_MAX_INPUTS (MB2_MAX_MEMORY_RANGES + 64)

/* The type of [start, end), which lies wholly inside or wholly outside every input
 * range; 0 when no firmware range covers it. */
static uint32_t interval_type(uint64_t start, uint64_t end,
			      const struct mb2_memory_range *memory, size_t memory_count,
			      const struct linux_e820_override *overrides, size_t override_count)
{
	uint32_t type = 0;

	for (size_t i = 0; i < memory_count; i++) {
		uint32_t candidate = firmware_type(memory[i].type);

		if (memory[i].base <= start && end <= memory_end(&memory[i]) &&
		    (!type || firmware_precedence(candidate) > firmware_precedence(type)))
			type = candidate;
	}
	if (type != E820_RAM)
		return type;
	for (size_t i = 0; i < override_count; i++)
		if (overrides[i].range.start <= start && end <= overrides[i].range.end)
			return overrides[i].type;
	return type;
}

static void sort_unique(uint64_t *points, size_t *count)
{
	size_t kept = 0;

	for (size_t i = 1; i < *count; i++)
		for (size_t j = i; j > 0 && points[j] < points[j - 1]; j--) {
			uint64_t swap = points[j];

			points[j] = points[j - 1];
			points[j - 1] = swap;
		}
	for (size_t i = 0; i < *count; i++)
		if (kept == 0 || points[i] != points[kept - 1])
			points[kept++] = points[i];
	*count = kept;
}

int linux_e820_build(struct linux_e820_entry *entries, size_t max,
		     const struct mb2_memory_range *memory, size_t memory_count,
		     const struct linux_e820_override *overrides, size_t override_count)
{
	uint64_t points[2 * E820_MAX_INPUTS];
	size_t point_count = 0, count = 0;

	if (memory_count + override_count > E820_MAX_INPUTS)
		return -1;
	for (size_t i = 0; i < memory_count; i++) {
		points[point_count++] = memory[i].base;
		points[point_count++] = memory_end(&memory[i]);
	}
	for (size_t i = 0; i < override_count; i++) {
		points[point_count++] = overrides[i].range.start;
		points[point_count++] = overrides[i].range.end;
	}
	sort_unique(points, &point_count);

	/* Between two neighbouring boundaries nothing changes: one type each. */
	for (size_t i = 0; i + 1 < point_count; i++) {
		uint64_t start = points[i], end = points[i + 1];
		uint32_t type = interval_type(start, end, memory, memory_count, overrides,
					      override_count);

		if (!type)
			continue;
		if (count && entries[count - 1].type == type &&
		    entries[count - 1].address + entries[count - 1].size == start) {
			entries[count - 1].size += end - start;
			continue;
		}
		if (count == max)
			return -1;
		entries[count++] = (struct linux_e820_entry){ start, end - start, type };
	}
	return (int)count;
}

const char *linux_zero_page_build(uint8_t zero_page[LINUX_ZERO_PAGE_SIZE], const uint8_t *image,
				  const struct linux_kernel *kernel,
				  const struct linux_boot_inputs *inputs)
{
	if (inputs->e820_count > LINUX_E820_MAX_ENTRIES)
		return "too many e820 entries";
	if (inputs->cmdline_length > kernel->cmdline_size)
		return "the command line is longer than the kernel's cmdline_size";
	if (inputs->initrd_address + inputs->initrd_size > (uint64_t)kernel->initrd_address_max + 1)
		return "the initrd ends above initrd_addr_max";

	memset(zero_page, 0, LINUX_ZERO_PAGE_SIZE);
	memcpy(zero_page + SETUP_SECTS, image + SETUP_SECTS, kernel->header_end - SETUP_SECTS);
	zero_page[TYPE_OF_LOADER] = LINUX_TYPE_OF_LOADER_UNDEFINED;
	put(zero_page, CMD_LINE_PTR, 4, inputs->cmdline_address);
	put(zero_page, EXT_CMD_LINE_PTR, 4, inputs->cmdline_address >> 32);
	put(zero_page, RAMDISK_IMAGE, 4, inputs->initrd_address);
	put(zero_page, EXT_RAMDISK_IMAGE, 4, inputs->initrd_address >> 32);
	put(zero_page, RAMDISK_SIZE, 4, inputs->initrd_size);
	put(zero_page, EXT_RAMDISK_SIZE, 4, inputs->initrd_size >> 32);
	put(zero_page, ACPI_RSDP_ADDR, 8, inputs->rsdp_address);

	zero_page[E820_ENTRIES] = (uint8_t)inputs->e820_count;
	for (size_t i = 0; i < inputs->e820_count; i++) {
		size_t offset = E820_TABLE + i * E820_ENTRY_SIZE;

		put(zero_page, offset, 8, inputs->e820[i].address);
		put(zero_page, offset + 8, 8, inputs->e820[i].size);
		put(zero_page, offset + 16, 4, inputs->e820[i].type);
	}
	return NULL;
}
