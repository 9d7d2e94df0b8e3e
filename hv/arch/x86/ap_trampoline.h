/* The code an application processor runs from its STARTUP IPI until it reaches
 * the hypervisor in long mode: ap_trampoline.S, position-independent, assembled
 * into .rodata and copied to a page below 1 MiB (the image is measured and
 * stays read-only). The copy's parameter block is patched;
 * the offsets below are shared with the assembly. Installed afresh for each AP,
 * with that AP's stack and argument. */
#ifndef SBX_HV_X86_AP_TRAMPOLINE_H
#define SBX_HV_X86_AP_TRAMPOLINE_H

/* Offsets inside the parameter block (ap_trampoline_parameters). */
#define AP_TRAMPOLINE_PROTECTED_JUMP 0    /* m16:32 far pointer: 32-bit code */
#define AP_TRAMPOLINE_LONG_JUMP      8    /* m16:32 far pointer: 64-bit code */
#define AP_TRAMPOLINE_GDT_POINTER    16   /* limit, 32-bit base: lgdtl in real mode */
#define AP_TRAMPOLINE_CR3            24
#define AP_TRAMPOLINE_CR4            28
#define AP_TRAMPOLINE_EFER           32
#define AP_TRAMPOLINE_STACK_TOP      40
#define AP_TRAMPOLINE_ENTRY          48
#define AP_TRAMPOLINE_ARGUMENT       56
#define AP_TRAMPOLINE_PARAMETERS_SIZE 64

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* What the AP is started with. The control register values are the boot CPU's,
 * so that every CPU runs the hypervisor on the same page tables. */
struct ap_start_parameters {
	uint64_t cr3;          /* below 4 GiB: loaded in 32-bit mode */
	uint64_t cr4;          /* must enable PAE; below 4 GiB */
	uint64_t efer;         /* must enable LME; below 4 GiB */
	uint64_t gdt_base;     /* the hypervisor's GDT, below 4 GiB */
	uint16_t gdt_limit;
	uint64_t stack_top;    /* 16-byte aligned */
	uint64_t entry;        /* void entry(uint64_t argument), does not return */
	uint64_t argument;
};

/* The template, as assembled. */
extern const uint8_t ap_trampoline_start[], ap_trampoline_parameters[], ap_trampoline_end[];

/* Copies `template` (`size` bytes, its parameter block at `parameters_offset`)
 * into `page`, whose physical address is `page_address`, and patches the block:
 * the far jumps become absolute, the rest is `parameters`. Returns NULL, or what
 * is wrong (a page the AP cannot start at, a value the 32-bit code cannot load,
 * a template that does not fit). Pure: the tests pass any buffer. */
const char *ap_trampoline_install(uint8_t *page, uint64_t page_address, const uint8_t *template,
				  size_t size, size_t parameters_offset,
				  const struct ap_start_parameters *parameters);

#endif
#endif
