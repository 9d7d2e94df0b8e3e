/* The real-mode code scenarios_smp.c copies to a page of our RAM below 640 KiB and
 * starts a vCPU at with INIT and STARTUP (CS = the page >> 4, IP = 0). It tries to
 * read the first word of another page (the hypervisor's startup page, whose
 * segment scenarios_smp.c writes into smp_trampoline_target_segment), which the
 * hypervisor must refuse with a #GP. Each report word after the code is written
 * only by the step it names, so the boot CPU can tell how far the vCPU got. Every
 * address is CS-relative: the code runs wherever it is copied. */

#define REACHED        0x1234
/* The real-mode IVT entry of #GP (vector 13): offset, then segment. */
#define GP_IVT_ENTRY   (13 * 4)
/* The stack grows down from the top of the trampoline's own page: a STARTUP leaves
 * SS:SP = 0:0, and the #GP's frame would land at 0xfffa, which need not be ours. */
#define STACK_TOP      0x1000

#define OFFSET(label) (label - smp_trampoline)

	.section .rodata
	.code16

	.global smp_trampoline, smp_trampoline_end
	.global smp_trampoline_ran, smp_trampoline_faulted, smp_trampoline_read
	.global smp_trampoline_read_value, smp_trampoline_target_segment
smp_trampoline:
	cli
	movw $REACHED, %cs:OFFSET(smp_trampoline_ran)
	movw %cs, %ax
	movw %ax, %ss
	movw $STACK_TOP, %sp
	/* The IVT lives at physical 0 whatever the guest's 64-bit side uses there. */
	xorw %ax, %ax
	movw %ax, %ds
	movw $OFFSET(gp_handler), GP_IVT_ENTRY
	movw %cs, GP_IVT_ENTRY + 2
	movw %cs:OFFSET(smp_trampoline_target_segment), %ax
	movw %ax, %es
	/* The attack: the hypervisor's nested page fault turns into a #GP here. */
	movw %es:0, %ax
	movw %ax, %cs:OFFSET(smp_trampoline_read_value)
	movw $REACHED, %cs:OFFSET(smp_trampoline_read)
halt:
	hlt
	jmp halt

	/* Never returns: the read it interrupted must not be retried. */
gp_handler:
	movw $REACHED, %cs:OFFSET(smp_trampoline_faulted)
	jmp halt

	.balign 2
smp_trampoline_ran:
	.word 0
smp_trampoline_faulted:
	.word 0
smp_trampoline_read:
	.word 0
smp_trampoline_read_value:
	.word 0
smp_trampoline_target_segment:
	.word 0
smp_trampoline_end:

	.code64
