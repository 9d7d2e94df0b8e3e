/* Multiboot2 entry: GRUB hands over in 32-bit protected mode (EAX = magic, EBX =
 * information block), with paging off and whatever GDT, CR4 and EFER the firmware
 * left. We set every control register explicitly rather than trusting the handoff,
 * which differs between BIOS and UEFI boots. */
#include "arch/x86/boot_layout.h"

#define BOOT_STACK_SIZE (16 * 4096)

#define MULTIBOOT2_HEADER_MAGIC 0xe85250d6
#define MULTIBOOT2_ARCH_I386    0

	.section .multiboot2, "a"
	.balign 8
multiboot2_header:
	.long MULTIBOOT2_HEADER_MAGIC
	.long MULTIBOOT2_ARCH_I386
	.long multiboot2_header_end - multiboot2_header
	.long -(MULTIBOOT2_HEADER_MAGIC + MULTIBOOT2_ARCH_I386 + (multiboot2_header_end - multiboot2_header))
	.balign 8
	.word 0, 0           /* end tag */
	.long 8
multiboot2_header_end:

	.section .text.entry, "ax"
	.code32
	.global hv_entry32
hv_entry32:
	cli
	cld
	movl %eax, %edi                 /* magic, kept for hv_main */
	movl %ebx, %esi                 /* information block address */

	load_flat_gdt gdt_pointer

	/* Long mode is required; say so on COM1 rather than fault silently. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %ebp                 /* bit 20: NX */

	/* Zero .bss: page tables and the stack live there. */
	movl %edi, %esp                 /* stash magic; no stack yet */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl %esp, %edi

	/* Identity map 0-4 GiB with 2 MiB pages: RAM, the multiboot2 block, GRUB's
	 * modules (all below 4 GiB in multiboot2) and the TPM's MMIO window. */
	identity_map_4gib boot_pml4, boot_pdpt, boot_page_directories, (PTE_PRESENT | PTE_WRITABLE)

	movl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $EFER_LME, %eax
	btl $20, %ebp
	jnc 4f
	orl $EFER_NXE, %eax
4:	xorl %edx, %edx
	movl $MSR_EFER, %ecx
	wrmsr
	movl $CR0_LONG_MODE, %eax
	movl %eax, %cr0
	ljmp $GDT_CODE64, $hv_entry64

no_long_mode:
	movl $no_long_mode_message, %esi
5:	lodsb
	testb %al, %al
	jz 7f
	movl %eax, %ebx
	movw $0x3fd, %dx                /* wait for the transmitter to be empty */
6:	inb %dx, %al
	testb $0x20, %al
	jz 6b
	movl %ebx, %eax
	movw $0x3f8, %dx
	outb %al, %dx
	jmp 5b
7:	hlt
	jmp 7b

	.code64
hv_entry64:
	movl $GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl %edi, %edi                 /* magic */
	movl %esi, %esi                 /* information block, zero-extended */
	call hv_main
8:	cli
	hlt
	jmp 8b

	.section .rodata
	.balign 8
gdt:
	.quad 0                         /* null */
	.quad GDT_CODE64_DESCRIPTOR
	.quad GDT_DATA_DESCRIPTOR
	.quad GDT_CODE32_DESCRIPTOR
gdt_end:
	.balign 8
	.global gdt_pointer
gdt_pointer:
	.word gdt_end - gdt - 1
	.quad gdt
no_long_mode_message:
	.asciz "sbx: FATAL: this CPU has no long mode; the hypervisor needs x86-64\r\n"

	.section .bss
	.balign 4096
	.global boot_pml4
boot_pml4:
	.space 4096
boot_pdpt:
	.space 4096
boot_page_directories:
	.space 4 * 4096
	.balign 16
boot_stack:
	.space BOOT_STACK_SIZE
boot_stack_top:
