/* The test guest's own layout, on top of the boot layout it shares with the
 * hypervisor (GDT_CODE64, GDT_DATA, GDT_CODE32 and the long-mode values): its
 * user segments and TSS, page table flags and stack sizes. */
#ifndef SBX_TEST_GUEST_LAYOUT_H
#define SBX_TEST_GUEST_LAYOUT_H

#include "arch/x86/boot_layout.h"

/* GDT selectors past the shared ones. User selectors carry RPL 3. */
#define USER_DATA     0x23
#define USER_CODE64   0x2b
#define TSS_SELECTOR  0x30
#define GDT_ENTRIES   8      /* the TSS descriptor takes two */

/* The user bit is set at every level so that ring-3 code may run anywhere. */
#define PTE_FLAGS    (PTE_PRESENT | PTE_WRITABLE | PTE_USER)

/* RFLAGS bit 1 is always set; interrupts stay off for the whole run. */
#define RFLAGS_RESERVED 0x2

#define KERNEL_STACK_SIZE    (16 * 1024)
#define EXCEPTION_STACK_SIZE (8 * 1024)   /* TSS.RSP0: faults taken from ring 3 */
#define USER_STACK_SIZE      4096

#endif
