#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component_digests.h"
#include "elf_image.h"
#include "sha256.h"

static const enum sbx_component file_components[COMPONENT_FILE_COUNT] = {
	SBX_COMPONENT_HYPERVISOR, SBX_COMPONENT_POLICY, SBX_COMPONENT_SECUREBOX,
	SBX_COMPONENT_KERNEL, SBX_COMPONENT_INITRD,
};

/* Reads a whole file into `*data` (realloc'd, so the caller frees it even on -1). */
static int read_whole_file(const char *path, uint8_t **data, size_t *size,
			   char error[COMPONENT_ERROR_SIZE])
{
	FILE *stream = fopen(path, "rb");
	size_t capacity = 0;

	*data = NULL;
	*size = 0;
	if (!stream) {
		snprintf(error, COMPONENT_ERROR_SIZE, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (*size == capacity) {
			uint8_t *grown;

			capacity = capacity ? capacity * 2 : 65536;
			if (capacity > COMPONENT_MAX_FILE_SIZE) {
				snprintf(error, COMPONENT_ERROR_SIZE, "%s is larger than 1 GiB", path);
				fclose(stream);
				return -1;
			}
			grown = realloc(*data, capacity);
			if (!grown) {
				snprintf(error, COMPONENT_ERROR_SIZE, "out of memory reading %s", path);
				fclose(stream);
				return -1;
			}
			*data = grown;
		}
		got = fread(*data + *size, 1, capacity - *size, stream);
		*size += got;
		if (got == 0)
			break;
	}
	if (ferror(stream)) {
		snprintf(error, COMPONENT_ERROR_SIZE, "error reading %s", path);
		fclose(stream);
		return -1;
	}
	fclose(stream);
	return 0;
}

int component_digests_compute(struct component_digests *digests,
			      const char *const paths[COMPONENT_FILE_COUNT], const char *cmdline,
			      char error[COMPONENT_ERROR_SIZE])
{
	const uint8_t *image;
	size_t image_size;
	const char *elf_error;

	memset(digests, 0, sizeof(*digests));
	for (int f = 0; f < COMPONENT_FILE_COUNT; f++) {
		if (read_whole_file(paths[f], &digests->file_data[f], &digests->file_size[f],
				    error)) {
			component_digests_free(digests);
			return -1;
		}
		digests->measured[f] = (struct measured_component){
			file_components[f], digests->file_data[f], digests->file_size[f], { 0 }
		};
	}
	if (elf_loaded_image(digests->file_data[0], digests->file_size[0], &image, &image_size,
			     &elf_error)) {
		snprintf(error, COMPONENT_ERROR_SIZE, "hypervisor image %s: %s", paths[0], elf_error);
		component_digests_free(digests);
		return -1;
	}
	digests->measured[0].data = image;
	digests->measured[0].size = image_size;
	digests->measured[COMPONENT_FILE_COUNT] = (struct measured_component){
		SBX_COMPONENT_CMDLINE, (const uint8_t *)cmdline, strlen(cmdline), { 0 }
	};
	for (int c = 0; c < COMPONENT_COUNT; c++)
		sha256(digests->measured[c].data, digests->measured[c].size,
		       digests->measured[c].sha256);
	return 0;
}

const struct measured_component *component_digests_find(const struct component_digests *digests,
							enum sbx_component component)
{
	for (int c = 0; c < COMPONENT_COUNT; c++)
		if (digests->measured[c].component == component)
			return &digests->measured[c];
	return NULL;
}

void component_digests_free(struct component_digests *digests)
{
	for (int f = 0; f < COMPONENT_FILE_COUNT; f++) {
		free(digests->file_data[f]);
		digests->file_data[f] = NULL;
	}
}
