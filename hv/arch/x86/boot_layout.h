/* Constants shared by the assembly entry and C. */
#ifndef SBX_HV_X86_BOOT_LAYOUT_H
#define SBX_HV_X86_BOOT_LAYOUT_H

#define GDT_CODE64 0x08
#define GDT_DATA   0x10
#define GDT_CODE32 0x18

#define PTE_PRESENT  0x001
#define PTE_WRITABLE 0x002
#define PTE_LARGE    0x080

#define CR0_PE 0x00000001
#define CR0_MP 0x00000002
#define CR0_ET 0x00000010
#define CR0_NE 0x00000020
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
/* Caches on (CD = NW = 0), write protection honoured in ring 0, native FPU errors. */
#define CR0_LONG_MODE (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG)

#define CR4_PAE 0x00000020

#define MSR_EFER  0xc0000080
#define EFER_LME  0x00000100
#define EFER_NXE  0x00000800

#define BOOT_STACK_SIZE (16 * 4096)

#endif
