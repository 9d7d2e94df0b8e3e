/* The attack primitives of probe.h. Each arms a recovery point, executes its
 * risky instruction, and disarms right after it so that a fault in the
 * bookkeeping that follows is never mistaken for the hypervisor's answer. */
#include "layout.h"

#define PROBE_NO_FAULT 0x100

	/* Resumption happens with RSP = its value here and RAX = the vector. */
	.macro arm recovery
	movq %rsp, recovery_rsp(%rip)
	leaq \recovery(%rip), %rax
	movq %rax, recovery_rip(%rip)
	.endm

	.macro disarm
	movq $0, recovery_rip(%rip)
	.endm

	.section .text

	.global probe_read8
probe_read8:
	arm recovered
	movb (%rdi), %dl
	disarm
	movb %dl, (%rsi)
	jmp no_fault

	.global probe_write8
probe_write8:
	arm recovered
	movb %sil, (%rdi)
	disarm
	jmp no_fault

	/* A register store the hypervisor's xAPIC write decoder takes (89 /r). */
	.global probe_write32
probe_write32:
	arm recovered
	movl %esi, (%rdi)
	disarm
	jmp no_fault

	.global probe_read64
probe_read64:
	arm recovered
	movq (%rdi), %rdx
	disarm
	movq %rdx, (%rsi)
	jmp no_fault

	.global probe_rdmsr
probe_rdmsr:
	arm recovered
	movl %edi, %ecx
	rdmsr
	disarm
	shlq $32, %rdx
	movl %eax, %eax
	orq %rdx, %rax
	movq %rax, (%rsi)
	jmp no_fault

	.global probe_wrmsr
probe_wrmsr:
	arm recovered
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
	wrmsr
	disarm
	jmp no_fault

	.global probe_vmrun
probe_vmrun:
	arm recovered
	movq %rdi, %rax
	vmrun
	disarm
	jmp no_fault

no_fault:
	movl $PROBE_NO_FAULT, %eax
recovered:
	ret

	.global probe_user_vmmcall
probe_user_vmmcall:
	/* Ring 3 may leave anything in these; the recovery path restores them. */
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	arm user_recovered
	pushq $USER_DATA
	pushq $user_stack_top
	pushq $RFLAGS_RESERVED          /* IF stays clear in ring 3 too */
	pushq $USER_CODE64
	pushq $user_code
	movq %rdi, %rax
	iretq
user_recovered:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

/* Runs in ring 3: every page is mapped with the user bit. */
user_code:
	.global user_vmmcall_instruction
user_vmmcall_instruction:
	vmmcall
	hlt

	.section .bss
	.balign 16
user_stack:
	.space USER_STACK_SIZE
user_stack_top:
