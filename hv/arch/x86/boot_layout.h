/* The boot layout the hypervisor and the test guest share to bring up x86-64
 * long mode from 32-bit protected mode: the flat GDT they start with, page table
 * entry bits, control register and EFER values, and the entry steps that are the
 * same in both. Plain constants and gas macros, so that C and assembly include it. */
#ifndef SBX_HV_X86_BOOT_LAYOUT_H
#define SBX_HV_X86_BOOT_LAYOUT_H

/* The first GDT entries; the test guest appends its user segments and TSS. */
#define GDT_CODE64 0x08
#define GDT_DATA   0x10
#define GDT_CODE32 0x18
/* The accessed bit is preset in every descriptor: otherwise the CPU sets it in
 * memory on the first segment load, changing the hypervisor's measured image. */
#define GDT_CODE64_DESCRIPTOR 0x00af9b000000ffff   /* 64-bit code, DPL 0 */
#define GDT_DATA_DESCRIPTOR   0x00cf93000000ffff   /* flat data */
#define GDT_CODE32_DESCRIPTOR 0x00cf9b000000ffff   /* flat 32-bit code, for the switch */

#define PTE_PRESENT  0x001
#define PTE_WRITABLE 0x002
#define PTE_USER     0x004
#define PTE_LARGE    0x080

#define CR0_PE 0x00000001
#define CR0_MP 0x00000002
#define CR0_ET 0x00000010
#define CR0_NE 0x00000020
#define CR0_WP 0x00010000
#define CR0_NW 0x20000000
#define CR0_CD 0x40000000
#define CR0_PG 0x80000000
/* Caches on (CD = NW = 0), write protection honoured in ring 0, native FPU errors. */
#define CR0_LONG_MODE (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG)

#define CR4_PAE 0x00000020

#define MSR_EFER  0xc0000080
#define EFER_LME  0x00000100
#define EFER_NXE  0x00000800

#ifdef __ASSEMBLER__
/* Loads the GDT at \pointer and reloads every segment register from it, FS and
 * GS with the null selector: whatever segments the loader left mean nothing in
 * our GDT. 32-bit code; clobbers EAX. */
	.macro load_flat_gdt pointer
	lgdt \pointer
	ljmp $GDT_CODE32, $.Lflat_gdt_loaded\@
.Lflat_gdt_loaded\@:
	movl $GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	.endm

/* Identity maps [0, 4 GiB) with 2 MiB pages through \pml4, \pdpt and the four
 * page directories at \page_directories, all of them zero already, every entry
 * with \flags. 32-bit code; clobbers EAX and ECX. */
	.macro identity_map_4gib pml4, pdpt, page_directories, flags
	movl $\pdpt, %eax
	orl $\flags, %eax
	movl %eax, \pml4
	xorl %ecx, %ecx
.Lpdpt_entry\@:
	movl %ecx, %eax
	shll $12, %eax
	addl $\page_directories, %eax
	orl $\flags, %eax
	movl %eax, \pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jb .Lpdpt_entry\@
	xorl %ecx, %ecx
.Lpd_entry\@:
	movl %ecx, %eax
	shll $21, %eax
	orl $(\flags | PTE_LARGE), %eax
	movl %eax, \page_directories(, %ecx, 8)
	incl %ecx
	cmpl $(4 * 512), %ecx
	jb .Lpd_entry\@
	.endm
#endif

#endif
