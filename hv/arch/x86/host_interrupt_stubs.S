/* Interrupt handlers for the few moments the hypervisor lets itself be
 * interrupted (host_interrupts.c): each acknowledges and drops what arrived. Every
 * register is preserved: the interrupted code expects nothing from them. */

/* The xAPIC's EOI register at its default base (local_apic.h). */
	.set LOCAL_APIC_EOI_ADDRESS, 0xfee000b0

	.text
	.global host_interrupt_drop
host_interrupt_drop:
	pushq %rax
	movabsq $LOCAL_APIC_EOI_ADDRESS, %rax
	movl $0, (%rax)
	popq %rax
	iretq

	.global host_nmi_drop
host_nmi_drop:
	iretq
