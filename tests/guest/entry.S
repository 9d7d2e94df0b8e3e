/* The test guest's entry, as the hypervisor's ELF loader enters a commodity guest
 * (like multiboot): 32-bit protected mode, paging off, flat segments, EAX =
 * SBX_GUEST_BOOT_MAGIC, EBX = the boot information. We bring up long mode with
 * our own GDT and identity page tables, then call guest_main(magic, boot_info). */
#include "layout.h"

	.section .text.entry, "ax"
	.code32
	.global guest_entry32
guest_entry32:
	cli
	cld
	movl %eax, %edi                 /* magic, for guest_main */
	movl %ebx, %esi                 /* boot information address */

	/* The hypervisor's segment selectors mean nothing in our GDT. */
	load_flat_gdt gdt_pointer

	/* Identity map [0, 4 GiB) with 2 MiB user pages: our RAM, the boot
	 * information, the TPM window, and the protected ranges we attack (so
	 * that touching them reaches the nested page tables). .bss is zero. */
	identity_map_4gib pml4, pdpt, page_directories, PTE_FLAGS

	movl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	/* Read-modify-write: the hypervisor keeps EFER.SVME set in this guest and
	 * treats clearing it as an attack. */
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl $CR0_LONG_MODE, %eax
	movl %eax, %cr0
	ljmp $GDT_CODE64, $entry64

	.code64
entry64:
	movl $GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movq $kernel_stack_top, %rsp
	xorl %ebp, %ebp
	movl %edi, %edi                 /* zero-extend both arguments */
	movl %esi, %esi
	call guest_main
4:	cli
	hlt
	jmp 4b

	/* Writable: loading the task register marks the TSS descriptor busy. */
	.section .data
	.balign 16
	.global gdt
gdt:
	.quad 0                         /* null */
	.quad GDT_CODE64_DESCRIPTOR
	.quad GDT_DATA_DESCRIPTOR
	.quad GDT_CODE32_DESCRIPTOR
	.quad 0x00cff3000000ffff        /* USER_DATA, DPL 3 */
	.quad 0x00affb000000ffff        /* USER_CODE64, DPL 3 */
	.quad 0, 0                      /* TSS_SELECTOR, filled by cpu_tables_init */
gdt_end:
	.balign 8
gdt_pointer:
	.word gdt_end - gdt - 1
	.quad gdt

	.section .bss
	.balign 4096
pml4:
	.space 4096
pdpt:
	.space 4096
page_directories:
	.space 4 * 4096
	.balign 16
kernel_stack:
	.space KERNEL_STACK_SIZE
kernel_stack_top:
