#include <elf.h>
#include <string.h>

#include "elf_image.h"

int elf_loaded_image(const uint8_t *file, size_t file_size, const uint8_t **image,
		     size_t *image_size, const char **error)
{
	Elf64_Ehdr header;
	int found = 0;

	if (file_size < sizeof(header)) {
		*error = "file too small for an ELF header";
		return -1;
	}
	memcpy(&header, file, sizeof(header));
	if (memcmp(header.e_ident, ELFMAG, SELFMAG) || header.e_ident[EI_CLASS] != ELFCLASS64 ||
	    header.e_ident[EI_DATA] != ELFDATA2LSB || header.e_machine != EM_X86_64) {
		*error = "not a little-endian x86-64 ELF64 file";
		return -1;
	}
	if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0 ||
	    header.e_phoff > file_size ||
	    (size_t)header.e_phnum * sizeof(Elf64_Phdr) > file_size - header.e_phoff) {
		*error = "program headers out of bounds";
		return -1;
	}
	for (unsigned i = 0; i < header.e_phnum; i++) {
		Elf64_Phdr segment;

		memcpy(&segment, file + header.e_phoff + i * sizeof(segment), sizeof(segment));
		if (segment.p_type != PT_LOAD || segment.p_filesz == 0)
			continue;
		if (found++) {
			*error = "more than one loadable segment with file contents";
			return -1;
		}
		if (segment.p_offset > file_size || segment.p_filesz > file_size - segment.p_offset ||
		    segment.p_filesz > segment.p_memsz) {
			*error = "loadable segment out of bounds";
			return -1;
		}
		*image = file + segment.p_offset;
		*image_size = segment.p_filesz;
	}
	if (!found) {
		*error = "no loadable segment with file contents";
		return -1;
	}
	return 0;
}
