#include "elf_image.h"
#include "elf_loader.h"

int elf_loaded_image(const uint8_t *file, size_t file_size, const uint8_t **image,
		     size_t *image_size, const char **error)
{
	struct elf_image elf;
	int found = 0;

	*error = elf_read(file, file_size, &elf);
	if (*error)
		return -1;
	for (uint32_t i = 0; i < elf.segment_count; i++) {
		const struct elf_segment *segment = &elf.segments[i];

		if (segment->file_size == 0)
			continue;
		if (found++) {
			*error = "more than one loadable segment with file contents";
			return -1;
		}
		*image = file + segment->file_offset;
		*image_size = segment->file_size;
	}
	if (!found) {
		*error = "no loadable segment with file contents";
		return -1;
	}
	return 0;
}
