/* Stubs for the 32 CPU exception vectors. A fault in the hypervisor is a bug: the
 * handler reports it on the console and stops, instead of letting the CPU triple
 * fault and reset the machine silently. */
#include "arch/x86/boot_layout.h"

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

exception_common:
	/* Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. */
	movq %rsp, %rdi
	andq $-16, %rsp
	call exception_report        /* does not return */

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
