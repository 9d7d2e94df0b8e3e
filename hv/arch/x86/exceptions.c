#include <stdint.h>

#include "console.h"
#include "boot_layout.h"
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

struct idt_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct exception_frame {
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

extern const uint64_t exception_stubs[EXCEPTION_VECTORS];

static struct idt_entry idt[EXCEPTION_VECTORS] __attribute__((aligned(16)));

void exceptions_init(void)
{
	struct idt_pointer pointer = { sizeof(idt) - 1, (uint64_t)idt };

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
	__asm__ volatile("lidt %0" : : "m"(pointer));
}

_Noreturn void exception_report(const struct exception_frame *frame);

_Noreturn void exception_report(const struct exception_frame *frame)
{
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	panic("hypervisor exception %lu (error code 0x%lx) at rip 0x%lx, rsp 0x%lx, cr2 0x%lx",
	      frame->vector, frame->error_code, frame->rip, frame->rsp, cr2);
}
