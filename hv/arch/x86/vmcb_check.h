/* Checks a VMCB against the AMD64 APM's VMRUN consistency checks before its first VMRUN.
 * QEMU TCG runs VMCBs that silicon rejects with VMEXIT_INVALID, so without this a
 * hypervisor tested only under TCG would fail its first VMRUN on real hardware. */
#ifndef SBX_HV_X86_VMCB_CHECK_H
#define SBX_HV_X86_VMCB_CHECK_H

#include <stdbool.h>
#include <stdint.h>

struct vmcb;

/* What the CPU implements; the caller fills it from CPUID. */
struct vmcb_check_limits {
	unsigned physical_address_bits;   /* CPUID 0x80000008 EAX[7:0] */
	uint32_t asid_count;              /* CPUID 0x8000000A EBX */
	bool long_mode;                   /* CPUID 0x80000001 EDX bit 29 */
	bool nested_paging;               /* CPUID 0x8000000A EDX bit 0 */
	uint64_t efer_supported;          /* EFER bits the CPU implements */
	uint64_t cr4_supported;           /* CR4 bits the CPU implements */
};

/* NULL if the VMCB passes every check, else a static message naming the first rule
 * broken, e.g. "EFER.SVME is clear". */
const char *vmcb_check(const struct vmcb *vmcb, const struct vmcb_check_limits *limits);

#endif
