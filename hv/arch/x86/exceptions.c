/* The IDT, shared by the hypervisor and the test guest: every exception vector
 * enters its stub in exception_stubs.S through an interrupt gate, so that
 * interrupts stay off in the handler. */
#include <stdint.h>

#include "boot_layout.h"
#include "cpu.h"
#include "exceptions.h"

#define EXCEPTION_VECTORS 32
#define IDT_INTERRUPT_GATE 0x8e   /* present, DPL 0, 64-bit interrupt gate */

struct idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_middle;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

extern const uint64_t exception_stubs[EXCEPTION_VECTORS];

static struct idt_entry idt[EXCEPTION_VECTORS] __attribute__((aligned(16)));

void exceptions_init(void)
{
	for (unsigned vector = 0; vector < EXCEPTION_VECTORS; vector++) {
		uint64_t handler = exception_stubs[vector];

		idt[vector] = (struct idt_entry){
			.offset_low = handler & 0xffff,
			.selector = GDT_CODE64,
			.type = IDT_INTERRUPT_GATE,
			.offset_middle = (handler >> 16) & 0xffff,
			.offset_high = handler >> 32,
		};
	}
	exceptions_load();
}

void exceptions_load(void)
{
	lidt((uint64_t)idt, sizeof(idt) - 1);
}
