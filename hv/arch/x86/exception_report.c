/* What the hypervisor does with an exception: it has no recovery points, so any
 * fault is a bug, reported with what the console can tell before halting. */
#include <stdint.h>

#include "console.h"

/* As exception_stubs.S leaves it: vector, error code, then the CPU's frame. */
struct exception_frame {
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

_Noreturn void exception_report(const struct exception_frame *frame);

_Noreturn void exception_report(const struct exception_frame *frame)
{
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	panic("hypervisor exception %lu (error code 0x%lx) at rip 0x%lx, rsp 0x%lx, cr2 0x%lx",
	      frame->vector, frame->error_code, frame->rip, frame->rsp, cr2);
}
