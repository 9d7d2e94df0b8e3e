/* The TSS, which the entry code cannot build statically: its descriptor needs
 * the TSS address split into fields. The IDT is built by the hypervisor's
 * exceptions.c. */
#include <stdint.h>

#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "cpu_tables.h"
#include "layout.h"

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

extern uint64_t gdt[GDT_ENTRIES];

static struct tss tss;
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

void cpu_tables_init(void)
{
	load_tss();
	exceptions_init();
}

void cpu_triple_fault(void)
{
	lidt(0, 0);
	__asm__ volatile("int3");
	cpu_halt_forever();
}
