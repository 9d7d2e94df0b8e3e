#include <stdint.h>

#include "console.h"
#include "exceptions.h"
#include "layout.h"
#include "report.h"

/* As exception_common pushes it: general registers, then the vector and error
 * code from the stub, then the CPU's interrupt frame. */
struct exception_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct fault_record last_fault;
uint64_t recovery_rip;
uint64_t recovery_rsp;

void exception_dispatch(struct exception_frame *frame);

void exception_dispatch(struct exception_frame *frame)
{
	uint64_t cr2;

	if (recovery_rip) {
		last_fault = (struct fault_record){
			.vector = frame->vector,
			.error_code = frame->error_code,
			.rip = frame->rip,
			.cs = frame->cs,
		};
		/* The whole interrupt frame is rewritten, so a fault taken in
		 * ring 3 returns to ring 0 as well. */
		frame->rip = recovery_rip;
		frame->cs = GDT_CODE64;
		frame->rflags = RFLAGS_RESERVED;
		frame->rsp = recovery_rsp;
		frame->ss = GDT_DATA;
		frame->rax = frame->vector;
		recovery_rip = 0;
		return;
	}

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	print("sbx-test: unexpected exception %lu at rip 0x%lx\n", frame->vector, frame->rip);
	print("sbx-test: error code 0x%lx, cs 0x%lx, rsp 0x%lx, cr2 0x%lx\n",
	      frame->error_code, frame->cs, frame->rsp, cr2);
	report_abort("unexpected exception %lu", frame->vector);
}
