/* The commodity OS's own page tables, walked by the hypervisor to find the bytes of
 * an instruction it must decode (TCG gives no decode assist). Pure: each entry is
 * read through the caller's reader, which decides what guest-physical memory may be
 * read (through the nested tables), so the unit tests walk tables in a buffer. */
#ifndef SBX_HV_X86_GUEST_WALK_H
#define SBX_HV_X86_GUEST_WALK_H

#include <stdint.h>

struct guest_memory_reader {
	void *context;
	/* Reads the 8 bytes at guest-physical `address` (8-aligned): 0, or -1 when
	 * the guest may not have it read. */
	int (*read64)(void *context, uint64_t address, uint64_t *value);
};

/* Translates `virtual_address` through 4-level long-mode tables rooted at `cr3`,
 * honouring 1 GiB and 2 MiB pages. Returns 0 and *physical, or -1 with *error. Access
 * rights are not checked: the CPU just executed from the address. */
int guest_walk_translate(const struct guest_memory_reader *reader, uint64_t cr3,
			 uint64_t virtual_address, uint64_t *physical, const char **error);

#endif
