/* The hypervisor's exception_common, entered from exception_stubs.S. A fault in
 * the hypervisor is a bug: exception_report tells it on the console and stops,
 * instead of letting the CPU triple fault and reset the machine silently. */
	.section .text
	.global exception_common
exception_common:
	/* Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. */
	movq %rsp, %rdi
	andq $-16, %rsp
	call exception_report        /* does not return */
