/* Model-specific registers the hypervisor touches or protects. */
#ifndef SBX_HV_X86_MSR_H
#define SBX_HV_X86_MSR_H

#include <stdint.h>

#include "boot_layout.h"   /* MSR_EFER, EFER_LME, EFER_NXE, shared with entry.S */

#define MSR_APIC_BASE    0x0000001b
#define MSR_PAT          0x00000277
#define MSR_SYSCFG       0xc0010010
#define MSR_TOP_MEM      0xc001001a
#define MSR_TOP_MEM2     0xc001001d
#define MSR_VM_CR        0xc0010114
#define MSR_VM_HSAVE_PA  0xc0010117

#define EFER_SCE   (1ull << 0)
#define EFER_LMA   (1ull << 10)
#define EFER_SVME  (1ull << 12)
#define EFER_LMSLE (1ull << 13)
#define EFER_FFXSR (1ull << 14)
#define EFER_TCE   (1ull << 15)

#define VM_CR_SVMDIS (1ull << 4)

/* The power-on PAT: WB, WT, UC-, UC, repeated. */
#define PAT_DEFAULT 0x0007040600070406ull

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t low, high;

	__asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
	return ((uint64_t)high << 32) | low;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *eax, uint32_t *ebx,
			 uint32_t *ecx, uint32_t *edx)
{
	__asm__ volatile("cpuid"
			 : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx)
			 : "a"(leaf), "c"(subleaf));
}

#endif
