/* Linux as the commodity OS, started through the 64-bit boot protocol: the
 * protected-mode kernel at an aligned address in commodity RAM, the initrd high,
 * and a boot area with the zero page, command line, a GDT and identity page
 * tables, all in the commodity's own RAM. */
#ifndef SBX_HV_LINUX_BOOT_H
#define SBX_HV_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "linux_boot_params.h"
#include "memory_layout.h"
#include "multiboot2.h"

struct linux_boot {
	struct linux_kernel kernel;
	struct linux_placement placement;
};

/* Reads the bzImage and chooses where the kernel, initrd and boot area go: in
 * available RAM below the hypervisor's mapped limit, clear of every `reserved`
 * range (the first MiB, the hypervisor, the modules, the multiboot2 block), so
 * that copying there destroys no module. The caller keeps the hypervisor's own
 * allocations off the placement. Returns NULL or what is wrong. */
const char *linux_boot_plan(struct linux_boot *boot, const struct mb2_info *info,
			    const struct phys_range *reserved, size_t reserved_count,
			    const void *image, uint64_t image_size, uint64_t initrd_size);

/* Copies the kernel and the initrd to their places, writes the boot area (the
 * zero page with an e820 map that reserves every hidden RAM range, the command
 * line, the RSDP, the GDT, page tables identity-mapping [0, 4 GiB)) and sets the
 * commodity partition's 64-bit entry state. After commodity_create. Returns NULL
 * or what is wrong. */
const char *linux_boot_load(const struct linux_boot *boot, const struct mb2_info *info,
			    const struct memory_layout *layout, const void *image,
			    const void *initrd, uint64_t initrd_size, const char *cmdline);

#endif
