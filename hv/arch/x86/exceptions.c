/* The IDT, shared by the hypervisor and the test guest: every exception vector
 * enters its stub in exception_stubs.S through an interrupt gate, so that
 * interrupts stay off in the handler. */
#include <stdint.h>

#include "boot_layout.h"
#include "cpu.h"
#include "exceptions.h"

#define IDT_INTERRUPT_GATE 0x8e   /* present, DPL 0, 64-bit interrupt gate */

static struct idt_entry idt[EXCEPTION_VECTORS] __attribute__((aligned(16)));

struct idt_entry idt_interrupt_gate(uint64_t handler)
{
	return (struct idt_entry){
		.offset_low = handler & 0xffff,
		.selector = GDT_CODE64,
		.type = IDT_INTERRUPT_GATE,
		.offset_middle = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

void exceptions_init(void)
{
	for (unsigned vector = 0; vector < EXCEPTION_VECTORS; vector++)
		idt[vector] = idt_interrupt_gate(exception_stubs[vector]);
	exceptions_load();
}

void exceptions_load(void)
{
	lidt((uint64_t)idt, sizeof(idt) - 1);
}
