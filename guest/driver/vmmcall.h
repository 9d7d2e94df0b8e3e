/* The hypercall instruction, with the register convention of include/sbx/hypercall.h:
 * RAX = call number, arguments in RDI, RSI, RDX, R10; status back in RAX, results
 * in RDI and RSI. */
#ifndef SBX_VMMCALL_H
#define SBX_VMMCALL_H

#include <linux/types.h>

struct sbx_hypercall_result {
	long status;   /* enum sbx_status */
	u64 out0;      /* RDI */
	u64 out1;      /* RSI */
};

static inline struct sbx_hypercall_result sbx_vmmcall(u64 number, u64 arg0, u64 arg1,
						      u64 arg2, u64 arg3)
{
	register u64 r10 asm("r10") = arg3;
	u64 rax = number;

	/* The hypervisor preserves every other register; "memory" because it reads
	 * and writes our buffers behind the compiler's back. */
	asm volatile("vmmcall"
		     : "+a"(rax), "+D"(arg0), "+S"(arg1), "+d"(arg2), "+r"(r10)
		     :
		     : "memory");
	return (struct sbx_hypercall_result){ .status = (long)rax, .out0 = arg0,
					      .out1 = arg1 };
}

#endif
