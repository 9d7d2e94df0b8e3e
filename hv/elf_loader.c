#include <stdbool.h>
#include <string.h>

#include "elf_loader.h"

#define EI_CLASS 4
#define EI_DATA 5
#define ELF_CLASS_64 2
#define ELF_DATA_LITTLE 1
#define ELF_TYPE_EXECUTABLE 2
#define ELF_MACHINE_X86_64 62
#define PROGRAM_HEADER_LOAD 1
#define SEGMENT_ALIGNMENT 4096u
#define KNOWN_FLAGS (ELF_SEGMENT_EXECUTE | ELF_SEGMENT_WRITE | ELF_SEGMENT_READ)

struct elf_header {
	uint8_t identification[16];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t program_header_offset;
	uint64_t section_header_offset;
	uint32_t flags;
	uint16_t header_size;
	uint16_t program_header_size;
	uint16_t program_header_count;
	uint16_t section_header_size;
	uint16_t section_header_count;
	uint16_t section_name_index;
};

struct elf_program_header {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t virtual_address;
	uint64_t physical_address;
	uint64_t file_size;
	uint64_t memory_size;
	uint64_t alignment;
};

int elf_has_magic(const uint8_t *file, size_t file_size)
{
	return file_size >= 4 && memcmp(file, "\177ELF", 4) == 0;
}

static const char *read_segment(size_t file_size, const struct elf_program_header *header,
				struct elf_image *image)
{
	struct elf_segment *segment;

	if (header->physical_address != header->virtual_address)
		return "segment physical and virtual addresses differ";
	if (header->physical_address % SEGMENT_ALIGNMENT)
		return "segment not 4 KiB aligned";
	if (header->file_size > header->memory_size)
		return "segment file size exceeds its memory size";
	if (header->memory_size == 0)
		return "empty loadable segment";
	if (header->physical_address + header->memory_size < header->physical_address)
		return "segment wraps around the address space";
	if (header->offset > file_size || header->file_size > file_size - header->offset)
		return "segment lies outside the file";
	if (header->flags & ~KNOWN_FLAGS)
		return "segment has unknown flags";
	if (image->segment_count == ELF_MAX_SEGMENTS)
		return "too many loadable segments";
	for (uint32_t i = 0; i < image->segment_count; i++) {
		const struct elf_segment *other = &image->segments[i];

		if (header->physical_address < other->address + other->memory_size &&
		    other->address < header->physical_address + header->memory_size)
			return "loadable segments overlap";
	}
	segment = &image->segments[image->segment_count++];
	segment->address = header->physical_address;
	segment->memory_size = header->memory_size;
	segment->file_offset = header->offset;
	segment->file_size = header->file_size;
	segment->flags = header->flags;
	return NULL;
}

const char *elf_read(const uint8_t *file, size_t file_size, struct elf_image *image)
{
	struct elf_header header;
	bool entry_inside = false;

	memset(image, 0, sizeof(*image));
	if (file_size < sizeof(header))
		return "file too small for an ELF header";
	memcpy(&header, file, sizeof(header));
	if (!elf_has_magic(file, file_size) || header.identification[EI_CLASS] != ELF_CLASS_64 ||
	    header.identification[EI_DATA] != ELF_DATA_LITTLE)
		return "not a little-endian ELF64 file";
	if (header.type != ELF_TYPE_EXECUTABLE || header.machine != ELF_MACHINE_X86_64)
		return "not an x86-64 executable";
	if (header.program_header_size != sizeof(struct elf_program_header) ||
	    header.program_header_offset > file_size ||
	    (uint64_t)header.program_header_count * sizeof(struct elf_program_header) >
		    file_size - header.program_header_offset)
		return "program headers lie outside the file";

	for (uint32_t i = 0; i < header.program_header_count; i++) {
		struct elf_program_header program;
		const char *error;

		memcpy(&program, file + header.program_header_offset + i * sizeof(program),
		       sizeof(program));
		if (program.type != PROGRAM_HEADER_LOAD)
			continue;
		error = read_segment(file_size, &program, image);
		if (error)
			return error;
	}
	if (image->segment_count == 0)
		return "no loadable segment";

	image->lowest = UINT64_MAX;
	for (uint32_t i = 0; i < image->segment_count; i++) {
		const struct elf_segment *segment = &image->segments[i];
		uint64_t end = segment->address + segment->memory_size;

		if (segment->address < image->lowest)
			image->lowest = segment->address;
		if (end > image->highest)
			image->highest = end;
		if (header.entry >= segment->address && header.entry < end &&
		    (segment->flags & ELF_SEGMENT_EXECUTE))
			entry_inside = true;
	}
	if (!entry_inside)
		return "entry point is not in an executable segment";
	image->entry = header.entry;
	return NULL;
}
