/* Real mode -> protected mode -> long mode for an application processor. The
 * STARTUP IPI starts it at CS = page >> 4, IP = 0 with whatever the INIT left:
 * caches on, paging off, A20 as the firmware set it (enabled). Everything here
 * is addressed relative to the page, since the copy can be any page below 1 MiB;
 * the parameter block at the end is patched by ap_trampoline_install. */
#include "arch/x86/ap_trampoline.h"
#include "arch/x86/boot_layout.h"

#define PARAMETER(offset) (ap_trampoline_parameters - ap_trampoline_start + (offset))

	.section .rodata.ap_trampoline, "a"
	.balign 16
	.global ap_trampoline_start, ap_trampoline_parameters, ap_trampoline_end
	.code16
ap_trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	/* The page's linear address stays in EBX through the mode switches. */
	movzwl %ax, %ebx
	shll $4, %ebx
	lgdtl PARAMETER(AP_TRAMPOLINE_GDT_POINTER)
	movl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl *PARAMETER(AP_TRAMPOLINE_PROTECTED_JUMP)

	.code32
ap_trampoline_protected:
	movl $GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movl PARAMETER(AP_TRAMPOLINE_CR4)(%ebx), %eax
	movl %eax, %cr4
	movl PARAMETER(AP_TRAMPOLINE_CR3)(%ebx), %eax
	movl %eax, %cr3
	movl PARAMETER(AP_TRAMPOLINE_EFER)(%ebx), %eax
	xorl %edx, %edx
	movl $MSR_EFER, %ecx
	wrmsr
	movl $CR0_LONG_MODE, %eax
	movl %eax, %cr0
	ljmpl *PARAMETER(AP_TRAMPOLINE_LONG_JUMP)(%ebx)

	.code64
ap_trampoline_long:
	movl %ebx, %ebx                 /* the upper half is undefined after the switch */
	movq PARAMETER(AP_TRAMPOLINE_STACK_TOP)(%rbx), %rsp
	movq PARAMETER(AP_TRAMPOLINE_ARGUMENT)(%rbx), %rdi
	xorl %ebp, %ebp
	callq *PARAMETER(AP_TRAMPOLINE_ENTRY)(%rbx)
1:	cli
	hlt
	jmp 1b

	/* The far jumps hold offsets from the page until patched. */
	.balign 8
ap_trampoline_parameters:
	.long ap_trampoline_protected - ap_trampoline_start
	.word GDT_CODE32, 0
	.long ap_trampoline_long - ap_trampoline_start
	.word GDT_CODE64, 0
	.space AP_TRAMPOLINE_PARAMETERS_SIZE - 16
ap_trampoline_end:
