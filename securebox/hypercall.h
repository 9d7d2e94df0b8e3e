/* The securebox's side of the hypercall ABI (include/sbx/hypercall.h). */
#ifndef SBX_SECUREBOX_HYPERCALL_H
#define SBX_SECUREBOX_HYPERCALL_H

#include <stdint.h>

struct hypercall_result {
	int64_t status;   /* RAX: SBX_OK or a negative SBX_E_* */
	uint64_t rdi;     /* first result */
	uint64_t rsi;     /* second result */
};

/* One VMMCALL: RAX = call, RDI and RSI the arguments; RAX, RDI and RSI come back
 * as the results, and the hypervisor preserves every other register. "memory",
 * because the hypervisor reads and writes securebox buffers behind the compiler's
 * back: a response must be stored before the call, a request loaded after it. */
static inline struct hypercall_result hypercall(uint64_t call, uint64_t rdi, uint64_t rsi)
{
	__asm__ volatile("vmmcall" : "+a"(call), "+D"(rdi), "+S"(rsi) : : "memory");
	return (struct hypercall_result){ .status = (int64_t)call, .rdi = rdi, .rsi = rsi };
}

#endif
