/* Constants shared by the test guest's assembly and C: its GDT, page table bits,
 * control register values and stack sizes. */
#ifndef SBX_TEST_GUEST_LAYOUT_H
#define SBX_TEST_GUEST_LAYOUT_H

/* GDT selectors. User selectors carry RPL 3. */
#define KERNEL_CODE64 0x08
#define KERNEL_DATA   0x10
#define KERNEL_CODE32 0x18
#define USER_DATA     0x23
#define USER_CODE64   0x2b
#define TSS_SELECTOR  0x30
#define GDT_ENTRIES   8      /* the TSS descriptor takes two */

/* The user bit is set at every level so that ring-3 code may run anywhere. */
#define PTE_PRESENT  0x001
#define PTE_WRITABLE 0x002
#define PTE_USER     0x004
#define PTE_LARGE    0x080
#define PTE_FLAGS    (PTE_PRESENT | PTE_WRITABLE | PTE_USER)
/* [0, 4 GiB) in 2 MiB pages: four page directories. */
#define IDENTITY_MAP_GIB 4

#define CR0_PE 0x00000001
#define CR0_MP 0x00000002
#define CR0_ET 0x00000010
#define CR0_NE 0x00000020
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR0_LONG_MODE (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG)
#define CR4_PAE 0x00000020

#define MSR_EFER        0xc0000080
#define EFER_LME        0x00000100
#define EFER_SVME       0x00001000
#define MSR_VM_HSAVE_PA 0xc0010117

/* RFLAGS bit 1 is always set; interrupts stay off for the whole run. */
#define RFLAGS_RESERVED 0x2

#define KERNEL_STACK_SIZE    (16 * 1024)
#define EXCEPTION_STACK_SIZE (8 * 1024)   /* TSS.RSP0: faults taken from ring 3 */
#define USER_STACK_SIZE      4096

#endif
