#ifndef SBX_HV_X86_EXCEPTIONS_H
#define SBX_HV_X86_EXCEPTIONS_H

#include <stdint.h>

#define EXCEPTION_VECTORS 32

struct idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_middle;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

/* exception_stubs.S: one entry point per exception vector. */
extern const uint64_t exception_stubs[EXCEPTION_VECTORS];

/* An interrupt gate (interrupts off in the handler) to `handler` in the
 * hypervisor's code segment. */
struct idt_entry idt_interrupt_gate(uint64_t handler);

/* Installs an IDT whose every exception vector reaches exception_common, which
 * the kernel linking this defines: the stubs push the vector and an error code
 * (zero where the CPU pushes none) on top of the CPU's interrupt frame. */
void exceptions_init(void);

/* Loads the IDT exceptions_init built on the running CPU: every CPU shares it. */
void exceptions_load(void);

#endif
