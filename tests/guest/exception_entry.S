/* The test guest's exception_common, entered from the shared stubs
 * (hv/arch/x86/exception_stubs.S) with the vector and error code pushed. It saves
 * the interrupted registers and calls exception_dispatch, which either redirects
 * the frame to an armed recovery point or ends the run; a redirected frame is
 * restored and resumed. */
	.section .text
	.global exception_common
exception_common:
	/* Builds a struct exception_frame: registers below vector and error code. */
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	movq %rsp, %rbx                 /* callee-saved: the frame, after the call */
	andq $-16, %rsp
	call exception_dispatch
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp                  /* vector and error code */
	iretq
