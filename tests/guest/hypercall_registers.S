/* hypercall_changed_registers (hypercall.h): the register half of the hypercall
 * ABI can only be checked from assembly. */

/* High bits tell our values apart from small numbers a hypervisor might leave. */
#define MARK 0x5b5b5b5b00000000

	.macro load register, index
	movabsq $(MARK + \index), \register
	.endm

	.macro check register, index
	movabsq $(MARK + \index), %rdi
	cmpq %rdi, \register
	je 1f
	orq $(1 << \index), %rsi
1:
	.endm

	.section .text
	.global hypercall_changed_registers
hypercall_changed_registers:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rdi, %rax
	load %rbx, 0
	load %rcx, 1
	load %rdx, 2
	load %rbp, 3
	load %r8, 4
	load %r9, 5
	load %r10, 6
	load %r11, 7
	load %r12, 8
	load %r13, 9
	load %r14, 10
	load %r15, 11
	vmmcall
	xorl %esi, %esi
	check %rbx, 0
	check %rcx, 1
	check %rdx, 2
	check %rbp, 3
	check %r8, 4
	check %r9, 5
	check %r10, 6
	check %r11, 7
	check %r12, 8
	check %r13, 9
	check %r14, 10
	check %r15, 11
	movq %rsi, %rax
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

