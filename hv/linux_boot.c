#include <string.h>

#include "arch/x86/boot_layout.h"
#include "arch/x86/vmcb_setup.h"
#include "commodity.h"
#include "linux_boot.h"
#include "partition.h"

/* The boot protocol's __BOOT_CS and __BOOT_DS. */
#define LINUX_BOOT_CS 0x10
#define LINUX_BOOT_DS 0x18
#define LINUX_GDT_ENTRIES 4
#define ENTRIES_PER_TABLE 512
#define PAGE_DIRECTORY_COUNT (LINUX_BOOT_AREA_PAGES - LINUX_PAGE_DIRECTORIES)
#define LARGE_PAGE_SHIFT 21
#define TABLE_FLAGS (PTE_PRESENT | PTE_WRITABLE)

const char *linux_boot_plan(struct linux_boot *boot, const struct mb2_info *info,
			    const struct phys_range *reserved, size_t reserved_count,
			    const void *image, uint64_t image_size, uint64_t initrd_size)
{
	/* The allocator's free list is exactly "available RAM minus what is
	 * reserved"; it is built here only to be read. */
	static struct phys_alloc free_memory;
	const char *error;

	error = linux_kernel_read(image, image_size, &boot->kernel);
	if (error)
		return error;
	if (phys_alloc_init(&free_memory, info, reserved, reserved_count, HYPERVISOR_MAPPED_LIMIT))
		return "memory map too fragmented";
	return linux_place(&boot->kernel, initrd_size, free_memory.free, free_memory.count,
			   &boot->placement);
}

static uint64_t boot_area_page(const struct linux_boot *boot, enum linux_boot_area_page page)
{
	return boot->placement.boot_area.start + (uint64_t)page * PAGE_SIZE;
}

static void *at(uint64_t address)
{
	return (void *)(uintptr_t)address;
}

/* Linux's decompressor soon builds its own tables; these need only cover the
 * kernel, the zero page and the command line, which all lie below 4 GiB. */
static void write_page_tables(const struct linux_boot *boot)
{
	uint64_t *pml4 = at(boot_area_page(boot, LINUX_PAGE_PML4));
	uint64_t *pdpt = at(boot_area_page(boot, LINUX_PAGE_PDPT));
	uint64_t *directories = at(boot_area_page(boot, LINUX_PAGE_DIRECTORIES));

	pml4[0] = boot_area_page(boot, LINUX_PAGE_PDPT) | TABLE_FLAGS;
	for (uint64_t i = 0; i < PAGE_DIRECTORY_COUNT; i++)
		pdpt[i] = (boot_area_page(boot, LINUX_PAGE_DIRECTORIES) + i * PAGE_SIZE) |
			  TABLE_FLAGS;
	for (uint64_t i = 0; i < PAGE_DIRECTORY_COUNT * ENTRIES_PER_TABLE; i++)
		directories[i] = (i << LARGE_PAGE_SHIFT) | TABLE_FLAGS | PTE_LARGE;
}

/* Linux loads its own GDT almost at once, but the protocol promises it these
 * selectors from a GDT it can read. */
static void write_gdt(const struct linux_boot *boot)
{
	uint64_t *gdt = at(boot_area_page(boot, LINUX_PAGE_GDT));

	gdt[LINUX_BOOT_CS / 8] = GDT_CODE64_DESCRIPTOR;
	gdt[LINUX_BOOT_DS / 8] = GDT_DATA_DESCRIPTOR;
}

/* The hidden RAM is reserved, or Linux would use it as its own (its first writes
 * would fault); the RSDP copy is ACPI data, which Linux keeps. */
static const char *build_e820(const struct linux_boot *boot, const struct mb2_info *info,
			      const struct memory_layout *layout, bool have_rsdp,
			      struct linux_e820_entry *e820, size_t *count)
{
	struct linux_e820_override overrides[LAYOUT_MAX_HIDDEN + 1];
	size_t override_count = 0;
	int built;

	for (uint32_t i = 0; i < layout->hidden_count; i++)
		overrides[override_count++] = (struct linux_e820_override){ layout->hidden[i],
									    E820_RESERVED };
	if (have_rsdp) {
		uint64_t page = boot_area_page(boot, LINUX_PAGE_RSDP);

		overrides[override_count++] = (struct linux_e820_override){
			{ page, page + PAGE_SIZE }, E820_ACPI };
	}
	built = linux_e820_build(e820, LINUX_E820_MAX_ENTRIES, info->memory,
				 info->memory_range_count, overrides, override_count);
	if (built < 0)
		return "the e820 map needs more than 128 entries";
	*count = (size_t)built;
	return NULL;
}

const char *linux_boot_load(const struct linux_boot *boot, const struct mb2_info *info,
			    const struct memory_layout *layout, const void *image,
			    const void *initrd, uint64_t initrd_size, const char *cmdline)
{
	static struct linux_e820_entry e820[LINUX_E820_MAX_ENTRIES];
	const struct linux_placement *placement = &boot->placement;
	const struct phys_range *destinations[] = {
		&placement->kernel, &placement->initrd, &placement->boot_area,
	};
	struct vcpu *vcpu = commodity_boot_vcpu();
	struct linux_boot_inputs inputs = {
		.cmdline_address = boot_area_page(boot, LINUX_PAGE_CMDLINE),
		.cmdline_length = strlen(cmdline),
		.initrd_address = placement->initrd.start,
		.initrd_size = initrd_size,
		.e820 = e820,
	};
	const struct vmcb_guest_gdt gdt = {
		.base = boot_area_page(boot, LINUX_PAGE_GDT),
		.limit = LINUX_GDT_ENTRIES * 8 - 1,
		.code_selector = LINUX_BOOT_CS,
		.data_selector = LINUX_BOOT_DS,
	};
	const char *error;

	/* The policy, parsed after the placement was chosen, may hide some of it. */
	for (size_t i = 0; i < sizeof(destinations) / sizeof(destinations[0]); i++) {
		const struct phys_range *range = destinations[i];

		if (range->end > range->start &&
		    !ranges_contain(layout->ram, layout->ram_count, range->start,
				    range->end - range->start))
			return "the policy hides memory that Linux was placed in";
	}
	if (inputs.cmdline_length >= PAGE_SIZE)
		return "the command line does not fit in a page";

	memmove(at(placement->kernel.start), (const uint8_t *)image + boot->kernel.payload_offset,
		boot->kernel.payload_size);
	memmove(at(placement->initrd.start), initrd, initrd_size);
	memset(at(placement->boot_area.start), 0, LINUX_BOOT_AREA_PAGES * PAGE_SIZE);
	/* Multiboot2 hands over a copy of the RSDP, not its address, and under UEFI
	 * there is no BIOS area for Linux to search: it gets the copy. */
	if (info->rsdp_size) {
		memcpy(at(boot_area_page(boot, LINUX_PAGE_RSDP)), info->rsdp, info->rsdp_size);
		inputs.rsdp_address = boot_area_page(boot, LINUX_PAGE_RSDP);
	}
	memcpy(at(inputs.cmdline_address), cmdline, inputs.cmdline_length + 1);
	write_gdt(boot);
	write_page_tables(boot);
	error = build_e820(boot, info, layout, info->rsdp_size != 0, e820, &inputs.e820_count);
	if (!error)
		error = linux_zero_page_build(at(boot_area_page(boot, LINUX_PAGE_ZERO_PAGE)), image,
					      &boot->kernel, &inputs);
	if (error)
		return error;

	vmcb_setup_long_mode_with_gdt(vcpu->vmcb,
				      placement->kernel.start + LINUX_ENTRY_64_OFFSET,
				      boot_area_page(boot, LINUX_PAGE_PML4), &gdt);
	memset(&vcpu->registers, 0, sizeof(vcpu->registers));
	vcpu->registers.rsi = boot_area_page(boot, LINUX_PAGE_ZERO_PAGE);
	partitions[SBX_PARTITION_COMMODITY].state = PARTITION_RUNNABLE;
	return NULL;
}
