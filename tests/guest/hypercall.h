/* Hypercalls from ring 0, by the register convention of <sbx/hypercall.h>. */
#ifndef SBX_TEST_GUEST_HYPERCALL_H
#define SBX_TEST_GUEST_HYPERCALL_H

#include <stdint.h>

#include <sbx/hypercall.h>
#include <sbx/status_names.h>

struct hypercall_result {
	int64_t status;   /* RAX: SBX_OK or a negative SBX_E_* */
	uint64_t rdi;
	uint64_t rsi;
};

static inline struct hypercall_result hypercall(uint64_t number, uint64_t rdi, uint64_t rsi,
						uint64_t rdx, uint64_t r10)
{
	register uint64_t r10_value __asm__("r10") = r10;
	uint64_t rax = number;

	/* The ABI preserves every register but RAX, RDI and RSI;
	 * hypercall_changed_registers() checks that it does. */
	__asm__ volatile("vmmcall"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi)
			 : "d"(rdx), "r"(r10_value)
			 : "memory");
	return (struct hypercall_result){ (int64_t)rax, rdi, rsi };
}

/* Makes hypercall `number` with every register the ABI preserves holding a
 * distinct value; returns a mask of those that changed: bits 0-11 for RBX, RCX,
 * RDX, RBP, R8, R9, R10, R11, R12, R13, R14, R15 in that order. */
uint64_t hypercall_changed_registers(uint64_t number);


#endif
