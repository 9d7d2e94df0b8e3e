/* Reads the loadable segments of an ELF64 x86-64 executable, strictly, for the
 * hypervisor to copy into a partition. Nothing is copied here. */
#ifndef SBX_HV_ELF_LOADER_H
#define SBX_HV_ELF_LOADER_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8

#define ELF_SEGMENT_EXECUTE 1u
#define ELF_SEGMENT_WRITE   2u
#define ELF_SEGMENT_READ    4u

struct elf_segment {
	uint64_t address;       /* p_paddr: where it is loaded */
	uint64_t memory_size;   /* p_memsz */
	uint64_t file_offset;
	uint64_t file_size;     /* <= memory_size; the rest is zero-filled */
	uint32_t flags;         /* ELF_SEGMENT_* (the ELF p_flags values) */
};

struct elf_image {
	uint64_t entry;
	uint32_t segment_count;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
	uint64_t lowest;        /* first loaded byte */
	uint64_t highest;       /* first byte after the last loaded byte */
};

/* Accepts only little-endian ELF64 x86-64 executables whose PT_LOAD segments lie in
 * the file, have p_paddr == p_vaddr, are 4 KiB aligned, do not overlap each other or
 * wrap around, and contain the entry point. Returns NULL or what is wrong. */
const char *elf_read(const uint8_t *file, size_t file_size, struct elf_image *image);

/* True when the file starts with the ELF magic (to tell an ELF guest from Linux). */
int elf_has_magic(const uint8_t *file, size_t file_size);

#endif
