/* Stubs for the 32 exception vectors. Each saves the interrupted registers and
 * calls exception_dispatch, which either redirects the frame to an armed
 * recovery point or ends the run; a redirected frame is restored and resumed. */
#include "layout.h"

/* Vectors that push an error code themselves: 8, 10-14, 17, 21, 29, 30. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

	.section .text
	.macro exception_stub vector
	.balign 16
exception_stub_\vector:
	.if !HAS_ERROR_CODE(\vector)
	pushq $0
	.endif
	pushq $\vector
	jmp exception_common
	.endm

	.altmacro
	.set vector, 0
	.rept 32
	exception_stub %vector
	.set vector, vector + 1
	.endr

/* Builds a struct exception_frame: registers below vector and error code. */
exception_common:
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

	.section .rodata
	.balign 8
	.global exception_stubs
exception_stubs:
	.macro exception_stub_address vector
	.quad exception_stub_\vector
	.endm
	.set vector, 0
	.rept 32
	exception_stub_address %vector
	.set vector, vector + 1
	.endr
