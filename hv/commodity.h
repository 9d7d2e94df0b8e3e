/* The commodity partition: today the ELF test guest (tests/guest); Linux later. */
#ifndef SBX_HV_COMMODITY_H
#define SBX_HV_COMMODITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "elf_loader.h"
#include "memory_layout.h"

/* Where an ELF guest and its boot information page will go, so that the allocator
 * can keep clear of them. */
uint64_t commodity_boot_info_address(const struct elf_image *image);

/* Copies the ELF guest into commodity memory, writes its boot information, and
 * builds its nested page tables (everything but the hidden ranges, identity; the
 * policy's read-only ranges without write permission) and VMCB. Every module must
 * already be consumed: their memory is the guest's. Returns NULL or what is wrong. */
const char *commodity_create(struct arena *arena, const struct memory_layout *layout,
			     const struct elf_image *image, const void *file, const char *cmdline,
			     const struct phys_range *hypervisor, size_t hypervisor_count,
			     const struct phys_range *securebox_memory, bool allow_1g_pages);

/* Runs the commodity partition until it stops. */
void commodity_run(void);

#endif
