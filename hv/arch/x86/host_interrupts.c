#include <stdint.h>

#include "cpu.h"
#include "exceptions.h"
#include "host_interrupts.h"

#define IDT_VECTORS 256
#define VECTOR_NMI 2

extern const char host_interrupt_drop[], host_nmi_drop[];

static struct idt_entry dropping_idt[IDT_VECTORS] __attribute__((aligned(16)));

void host_interrupts_init(void)
{
	for (unsigned vector = 0; vector < IDT_VECTORS; vector++) {
		uint64_t handler = (uint64_t)host_interrupt_drop;

		if (vector == VECTOR_NMI)
			handler = (uint64_t)host_nmi_drop;
		else if (vector < EXCEPTION_VECTORS)
			handler = exception_stubs[vector];
		dropping_idt[vector] = idt_interrupt_gate(handler);
	}
}

/* An interrupt sent after `done` was checked is pending when STI's one-instruction
 * shadow ends, so the hlt returns at once: no wake-up is lost. */
void host_interrupts_wait_until(bool (*done)(const void *context), const void *context)
{
	lidt((uint64_t)dropping_idt, sizeof(dropping_idt) - 1);
	while (!done(context))
		__asm__ volatile("stgi; sti; hlt; cli; clgi" ::: "memory");
	exceptions_load();
}

/* A pending NMI is taken at the first instruction boundary after STGI. */
void host_interrupts_take_nmi(void)
{
	lidt((uint64_t)dropping_idt, sizeof(dropping_idt) - 1);
	__asm__ volatile("stgi; clgi" ::: "memory");
	exceptions_load();
}
