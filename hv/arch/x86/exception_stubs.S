/* Stubs for the 32 CPU exception vectors, shared by the hypervisor and the test
 * guest. Each stub gives every vector the same frame, pushing a zero error code
 * where the CPU pushes none and then the vector number, and jumps to
 * exception_common, which each kernel supplies with its own policy: the
 * hypervisor reports and halts, the test guest resumes at a recovery point. */

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
