#include <stddef.h>
#include <string.h>

#include "svm.h"

#include "msr.h"

#define CPUID_EXTENDED_MAX        0x80000000
#define CPUID_EXTENDED_FEATURES   0x80000001
#define CPUID_ADDRESS_SIZES       0x80000008
#define CPUID_SVM_FEATURES        0x8000000a
#define CPUID_FEATURES            0x00000001
#define CPUID_STRUCTURED_FEATURES 0x00000007

#define EXTENDED_ECX_SVM      (1u << 2)
#define EXTENDED_EDX_NX       (1u << 20)
#define EXTENDED_EDX_PAGE_1G  (1u << 26)
#define EXTENDED_EDX_LM       (1u << 29)
#define EXTENDED_EDX_FFXSR    (1u << 25)
#define EXTENDED_ECX_TCE      (1u << 17)
#define SVM_EDX_NESTED_PAGING (1u << 0)
#define SVM_EDX_NRIP_SAVE     (1u << 3)
#define SVM_EDX_DECODE_ASSISTS (1u << 7)

/* CR4 bits from CPUID: the ones every x86-64 CPU has, plus feature-gated ones. */
static uint64_t supported_cr4(void)
{
	uint32_t eax, ebx, ecx, edx, max_leaf;
	uint64_t cr4 = 0x1ff;   /* VME PVI TSD DE PSE PAE MCE PGE PCE */

	cpuid(0, 0, &max_leaf, &ebx, &ecx, &edx);
	cpuid(CPUID_FEATURES, 0, &eax, &ebx, &ecx, &edx);
	if (edx & (1u << 24))
		cr4 |= 1u << 9;    /* OSFXSR */
	if (edx & (1u << 25))
		cr4 |= 1u << 10;   /* OSXMMEXCPT */
	if (ecx & (1u << 26))
		cr4 |= 1u << 18;   /* OSXSAVE */
	if (ecx & (1u << 17))
		cr4 |= 1u << 17;   /* PCIDE */
	if (max_leaf >= CPUID_STRUCTURED_FEATURES) {
		cpuid(CPUID_STRUCTURED_FEATURES, 0, &eax, &ebx, &ecx, &edx);
		if (ebx & (1u << 0))
			cr4 |= 1u << 16;   /* FSGSBASE */
		if (ebx & (1u << 7))
			cr4 |= 1u << 20;   /* SMEP */
		if (ebx & (1u << 20))
			cr4 |= 1u << 21;   /* SMAP */
		if (ecx & (1u << 2))
			cr4 |= 1u << 11;   /* UMIP */
		if (ecx & (1u << 3))
			cr4 |= 1u << 22;   /* PKE */
	}
	return cr4;
}

const char *svm_check(struct svm_capabilities *capabilities)
{
	uint32_t eax, ebx, ecx, edx, extended_ecx, extended_edx;

	/* Zeroed whole, padding included: CPUs compare their capabilities bytewise. */
	memset(capabilities, 0, sizeof(*capabilities));
	cpuid(CPUID_EXTENDED_MAX, 0, &eax, &ebx, &ecx, &edx);
	if (eax < CPUID_SVM_FEATURES)
		return "CPUID has no SVM feature leaf (0x8000000a)";
	cpuid(CPUID_EXTENDED_FEATURES, 0, &eax, &ebx, &extended_ecx, &extended_edx);
	if (!(extended_ecx & EXTENDED_ECX_SVM))
		return "the CPU has no AMD SVM (CPUID 0x80000001 ECX bit 2)";
	cpuid(CPUID_SVM_FEATURES, 0, &eax, &ebx, &ecx, &edx);
	if (!(edx & SVM_EDX_NESTED_PAGING))
		return "the CPU has no nested paging (CPUID 0x8000000a EDX bit 0)";
	if (ebx < 3)
		return "the CPU offers fewer than 3 ASIDs";
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return "SVM is disabled by firmware (VM_CR.SVMDIS)";

	capabilities->asid_count = ebx;
	capabilities->nested_paging = true;
	capabilities->next_rip_save = edx & SVM_EDX_NRIP_SAVE;
	capabilities->decode_assists = edx & SVM_EDX_DECODE_ASSISTS;
	capabilities->page_1g = extended_edx & EXTENDED_EDX_PAGE_1G;
	cpuid(CPUID_ADDRESS_SIZES, 0, &eax, &ebx, &ecx, &edx);
	capabilities->physical_address_bits = eax & 0xff;
	capabilities->efer_supported = EFER_SCE | EFER_SVME;
	if (extended_edx & EXTENDED_EDX_LM)
		capabilities->efer_supported |= EFER_LME | EFER_LMA;
	if (extended_edx & EXTENDED_EDX_NX)
		capabilities->efer_supported |= EFER_NXE;
	if (extended_edx & EXTENDED_EDX_FFXSR)
		capabilities->efer_supported |= EFER_FFXSR;
	if (extended_ecx & EXTENDED_ECX_TCE)
		capabilities->efer_supported |= EFER_TCE;
	capabilities->cr4_supported = supported_cr4();
	return NULL;
}

void svm_enable_host_mode(uint64_t host_save_area, uint64_t host_state)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, host_save_area);
	/* The host never takes an interrupt: keep GIF clear outside guests. */
	__asm__ volatile("clgi");
	__asm__ volatile("vmsave %0" : : "a"(host_state) : "memory");
}
