/* AMD SVM bring-up and the CPU facts the rest of the hypervisor needs. */
#ifndef SBX_HV_X86_SVM_H
#define SBX_HV_X86_SVM_H

#include <stdbool.h>
#include <stdint.h>

struct svm_capabilities {
	unsigned physical_address_bits;
	uint32_t asid_count;
	bool nested_paging;
	bool page_1g;
	bool next_rip_save;
	bool decode_assists;
	uint64_t efer_supported;
	uint64_t cr4_supported;
};

/* Checks CPUID and VM_CR yourself (TCG enables nested paging even when CPUID says
 * no, so its absence must stop us, not be discovered later) and fills
 * `capabilities`. Every CPU runs it. Returns NULL, or why SVM cannot be used. */
const char *svm_check(struct svm_capabilities *capabilities);

/* Puts the running CPU in SVM host mode: EFER.SVME, its own host save area and
 * host hidden-state page, and GIF cleared for good in the host. Every CPU runs
 * it on its own pages, after svm_check. */
void svm_enable_host_mode(uint64_t host_save_area, uint64_t host_state);

#endif
