/* Initial VMCB contents for the two ways sbx starts a guest. */
#ifndef SBX_HV_X86_VMCB_SETUP_H
#define SBX_HV_X86_VMCB_SETUP_H

#include <stdint.h>

#include "vmcb.h"

struct vmcb_controls {
	uint32_t intercept_exceptions;
	uint32_t intercept_misc1;
	uint32_t intercept_misc2;
	uint64_t msr_permission_map;   /* 8 KiB, physical */
	uint64_t io_permission_map;    /* 12 KiB, physical */
	uint32_t asid;
	uint64_t nested_cr3;
	uint64_t virtual_interrupt;    /* VMCB_V_INTR_MASKING or 0 */
};

void vmcb_setup_controls(struct vmcb *vmcb, const struct vmcb_controls *controls);

/* 64-bit mode, CPL 0, paging on with `cr3`, interrupts off. */
void vmcb_setup_long_mode(struct vmcb *vmcb, uint64_t entry, uint64_t cr3);

/* A GDT in guest memory and the flat selectors to load from it. */
struct vmcb_guest_gdt {
	uint64_t base;
	uint16_t limit;
	uint16_t code_selector;   /* 64-bit code */
	uint16_t data_selector;   /* DS, ES, SS, FS, GS */
};

/* As vmcb_setup_long_mode, with the guest's own GDT and selectors: Linux's 64-bit
 * boot protocol wants __BOOT_CS and __BOOT_DS from a GDT it can read. */
void vmcb_setup_long_mode_with_gdt(struct vmcb *vmcb, uint64_t entry, uint64_t cr3,
				   const struct vmcb_guest_gdt *gdt);

/* The state INIT leaves and a STARTUP IPI with `vector` completes: real mode at
 * CS = vector << 8, IP = 0. An application processor's entry. */
void vmcb_setup_startup(struct vmcb *vmcb, uint8_t vector);

/* 32-bit protected mode, paging off, flat segments: a multiboot-style entry. */
void vmcb_setup_protected_mode(struct vmcb *vmcb, uint64_t entry);

#endif
