/* The Linux x86 boot protocol, as much as a 64-bit boot loader needs: checking a
 * bzImage's setup header, choosing where the kernel, initrd and boot structures
 * go, and filling the zero page (struct boot_params) with its e820 memory map.
 * Pure (no hypervisor state), so that the unit tests run it on the host. The
 * protocol is the kernel's Documentation/arch/x86/boot.rst and zero-page.rst. */
#ifndef SBX_HV_LINUX_BOOT_PARAMS_H
#define SBX_HV_LINUX_BOOT_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "multiboot2.h"
#include "phys_alloc.h"

/* 2.12 is the first protocol with xloadflags, which says whether the 64-bit entry
 * (the protected-mode kernel's start + 0x200) exists. */
#define LINUX_MIN_PROTOCOL    0x020c
#define LINUX_ENTRY_64_OFFSET 0x200
#define LINUX_ZERO_PAGE_SIZE  4096
#define LINUX_TYPE_OF_LOADER_UNDEFINED 0xff

#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4
#define E820_UNUSABLE 5
#define LINUX_E820_MAX_ENTRIES 128   /* slots in the zero page */

/* The boot area: one block of commodity RAM for everything Linux is handed besides
 * the kernel and initrd, one page each, then the entry page tables. */
enum linux_boot_area_page {
	LINUX_PAGE_RSDP,          /* copy of the firmware's ACPI RSDP (e820: ACPI) */
	LINUX_PAGE_ZERO_PAGE,     /* struct boot_params */
	LINUX_PAGE_CMDLINE,
	LINUX_PAGE_GDT,
	LINUX_PAGE_PML4,
	LINUX_PAGE_PDPT,
	LINUX_PAGE_DIRECTORIES,   /* four: [0, 4 GiB) in 2 MiB pages */
	LINUX_BOOT_AREA_PAGES = LINUX_PAGE_DIRECTORIES + 4,
};

/* What the setup header says, checked. */
struct linux_kernel {
	uint16_t protocol;
	uint32_t header_end;           /* 0x202 + the byte at 0x201 */
	uint64_t payload_offset;       /* the protected-mode kernel: (setup_sects + 1) * 512 */
	uint64_t payload_size;
	bool relocatable;
	uint32_t alignment;            /* kernel_alignment */
	uint64_t preferred_address;    /* pref_address */
	uint64_t footprint;            /* max(init_size, payload), whole pages */
	uint32_t initrd_address_max;   /* highest address the initrd may reach */
	uint32_t cmdline_size;         /* longest command line, without its NUL */
};

/* True when the image carries a setup header ("HdrS" at 0x202). */
bool linux_has_magic(const uint8_t *image, size_t size);

/* Accepts a bzImage with a valid setup header, protocol 2.12 or later, the 64-bit
 * entry, and a power-of-two alignment. Returns NULL or what is wrong. */
const char *linux_kernel_read(const uint8_t *image, size_t size, struct linux_kernel *kernel);

struct linux_placement {
	struct phys_range kernel;      /* load address, footprint long */
	struct phys_range initrd;      /* empty when there is no initrd */
	struct phys_range boot_area;   /* LINUX_BOOT_AREA_PAGES pages */
};

/* Chooses where everything goes inside `free` (sorted, disjoint, page-aligned, all
 * below 4 GiB): the kernel at its preferred address if that is free, else (if it
 * is relocatable) at the lowest aligned address that fits; the initrd as high as
 * initrd_address_max allows; the boot area as high as possible. None overlaps
 * another. Returns NULL or what is wrong. */
const char *linux_place(const struct linux_kernel *kernel, uint64_t initrd_size,
			const struct phys_range *free, size_t free_count,
			struct linux_placement *placement);

struct linux_e820_entry {
	uint64_t address;
	uint64_t size;
	uint32_t type;
};

/* A range of RAM the boot loader types itself: reserved for what the hypervisor
 * keeps or hides, ACPI for the RSDP copy. It applies only where the firmware
 * says RAM: device ranges (a hidden TPM locality, say) stay out of the map, where
 * a reservation would keep Linux's driver from claiming its device. */
struct linux_e820_override {
	struct phys_range range;
	uint32_t type;
};

/* The firmware's map with the overrides applied, sorted, without overlaps, equal
 * neighbours merged: where firmware ranges overlap, any other type beats RAM.
 * Returns the entry count, or -1 if more than `max` are needed. */
int linux_e820_build(struct linux_e820_entry *entries, size_t max,
		     const struct mb2_memory_range *memory, size_t memory_count,
		     const struct linux_e820_override *overrides, size_t override_count);

struct linux_boot_inputs {
	uint64_t cmdline_address;
	uint64_t cmdline_length;       /* without its NUL */
	uint64_t initrd_address;
	uint64_t initrd_size;
	uint64_t rsdp_address;         /* 0: Linux searches the BIOS area itself */
	const struct linux_e820_entry *e820;
	size_t e820_count;
};

/* Fills the zero page: the image's setup header, then what the boot loader owns
 * (loader type, command line, initrd, RSDP, e820 map). Returns NULL or what is
 * wrong (a command line longer than the kernel takes, an initrd above its limit,
 * too many e820 entries). */
const char *linux_zero_page_build(uint8_t zero_page[LINUX_ZERO_PAGE_SIZE], const uint8_t *image,
				  const struct linux_kernel *kernel,
				  const struct linux_boot_inputs *inputs);

#endif
