/* The commodity partition: the ELF test guest (tests/guest) or Linux (linux_boot.h). */
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

/* Builds the commodity partition: its nested page tables (everything but the
 * hidden ranges, identity; the policy's read-only ranges and the xAPIC page without
 * write permission), a VMCB with the same controls for each of its vCPUs (their
 * number is already set: ap_vcpu_assign) and the RAM its hypercall buffers may use.
 * A loader then puts a guest in its memory and sets the boot vCPU's entry state:
 * commodity_load_elf, or linux_boot_load. Returns NULL or what is wrong. */
const char *commodity_create(struct arena *arena, const struct memory_layout *layout,
			     bool allow_1g_pages, uint32_t boot_cpu);

/* The vCPU of the boot CPU, the one a loader starts. */
struct vcpu *commodity_boot_vcpu(void);

/* Copies the ELF test guest into commodity memory, writes its boot information,
 * and sets a 32-bit protected-mode entry. Every module must already be consumed:
 * their memory is the guest's. Returns NULL or what is wrong. */
const char *commodity_load_elf(const struct memory_layout *layout, const struct elf_image *image,
			       const void *file, const char *cmdline,
			       const struct phys_range *hypervisor, size_t hypervisor_count,
			       const struct phys_range *securebox_memory);

struct cpu;

/* Runs the boot CPU's vCPU until the partition stops; the others run on their own
 * CPUs once the commodity OS starts them (ap_vcpu.h). */
void commodity_run(struct cpu *cpu);

#endif
