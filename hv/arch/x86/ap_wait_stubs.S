/* Interrupt handlers for an AP waiting for its vCPU to be started (ap_vcpu.c): the
 * only time the hypervisor takes interrupts. The wake-up IPI, and any IPI the
 * commodity OS sends to the waiting CPU, is acknowledged and dropped; so is an NMI.
 * Every register is preserved: the interrupted code is a hlt loop. */

/* The xAPIC's EOI register at its default base (local_apic.h). */
	.set LOCAL_APIC_EOI_ADDRESS, 0xfee000b0

	.text
	.global ap_wait_interrupt
ap_wait_interrupt:
	pushq %rax
	movabsq $LOCAL_APIC_EOI_ADDRESS, %rax
	movl $0, (%rax)
	popq %rax
	iretq

	.global ap_wait_nmi
ap_wait_nmi:
	iretq
