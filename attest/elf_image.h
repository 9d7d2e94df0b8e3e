/* The bytes of an hv.elf that GRUB loads and the hypervisor measures as its own
 * image: the one PT_LOAD segment with file contents (hv.ld keeps mutable state in a
 * zero-filled segment, so the loaded image equals the file bytes). */
#ifndef SBX_ATTEST_ELF_IMAGE_H
#define SBX_ATTEST_ELF_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Returns 0 with `*image`/`*image_size` pointing into `file`, or -1 with `*error`. */
int elf_loaded_image(const uint8_t *file, size_t file_size, const uint8_t **image,
		     size_t *image_size, const char **error);

#endif
