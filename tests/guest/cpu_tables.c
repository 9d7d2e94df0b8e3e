/* The descriptor tables the entry code cannot build statically: the TSS
 * descriptor needs the TSS address split into fields, and the IDT the stub
 * addresses. */
#include <stdint.h>

#include "cpu_tables.h"
#include "exceptions.h"
#include "layout.h"

#define IDT_INTERRUPT_GATE 0x8e   /* present, DPL 0, 64-bit interrupt gate */
#define TSS_AVAILABLE      0x89   /* present, DPL 0, available 64-bit TSS */

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t io_map_base;
} __attribute__((packed));

struct idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_middle;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

struct table_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern uint64_t gdt[GDT_ENTRIES];
extern const uint64_t exception_stubs[EXCEPTION_VECTORS];

static struct tss tss;
static struct idt_entry idt[EXCEPTION_VECTORS] __attribute__((aligned(16)));
static uint8_t exception_stack[EXCEPTION_STACK_SIZE] __attribute__((aligned(16)));

static void load_tss(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	tss.rsp[0] = (uint64_t)(exception_stack + sizeof(exception_stack));
	/* An I/O map base past the limit means no I/O bitmap: ring 3 gets #GP
	 * on any port access. */
	tss.io_map_base = sizeof(tss);
	gdt[TSS_SELECTOR / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 |
				(uint64_t)TSS_AVAILABLE << 40 | (limit >> 16 & 0xf) << 48 |
				(base >> 24 & 0xff) << 56;
	gdt[TSS_SELECTOR / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(TSS_SELECTOR) : "memory");
}

static void load_idt(void)
{
	struct table_pointer pointer = { sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned vector = 0; vector < EXCEPTION_VECTORS; vector++) {
		uint64_t handler = exception_stubs[vector];

		idt[vector] = (struct idt_entry){
			.offset_low = handler & 0xffff,
			.selector = KERNEL_CODE64,
			.type = IDT_INTERRUPT_GATE,
			.offset_middle = handler >> 16 & 0xffff,
			.offset_high = handler >> 32,
		};
	}
	__asm__ volatile("lidt %0" : : "m"(pointer));
}

void cpu_tables_init(void)
{
	load_tss();
	load_idt();
}

void cpu_triple_fault(void)
{
	struct table_pointer empty = { 0, 0 };

	__asm__ volatile("lidt %0; int3" : : "m"(empty));
	for (;;)
		__asm__ volatile("cli; hlt");
}
