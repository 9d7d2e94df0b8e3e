/* The six launch components (hypervisor image, policy, securebox, kernel, initrd,
 * command line) read from the boot files and hashed exactly as the hypervisor
 * measures them: the hypervisor as its loaded ELF segment (elf_image.h), the others
 * as their whole bytes. sbx-measure and sbx-reference share it, so the digests a
 * prediction replays and the digests a reference file allows cannot differ. */
#ifndef SBX_ATTEST_COMPONENT_DIGESTS_H
#define SBX_ATTEST_COMPONENT_DIGESTS_H

#include <stddef.h>
#include <stdint.h>

#include "sbx/measurement.h"

#define COMPONENT_FILE_COUNT 5       /* hypervisor, policy, securebox, kernel, initrd */
#define COMPONENT_COUNT 6            /* the files, then the command line */
#define COMPONENT_ERROR_SIZE 320
#define COMPONENT_MAX_FILE_SIZE (1ul << 30)

struct measured_component {
	enum sbx_component component;
	const uint8_t *data;         /* the measured bytes, inside a loaded file or the cmdline */
	size_t size;
	uint8_t sha256[32];
};

struct component_digests {
	uint8_t *file_data[COMPONENT_FILE_COUNT];   /* owned */
	size_t file_size[COMPONENT_FILE_COUNT];
	struct measured_component measured[COMPONENT_COUNT];   /* in launch order */
};

/* `paths` in the order hypervisor, policy, securebox, kernel, initrd. Returns 0,
 * or -1 with `error` naming the file and what is wrong with it (and nothing to
 * free). */
int component_digests_compute(struct component_digests *digests,
			      const char *const paths[COMPONENT_FILE_COUNT], const char *cmdline,
			      char error[COMPONENT_ERROR_SIZE]);

/* The component's entry, or NULL for one that is not a boot file or the command
 * line (the securebox identity key). */
const struct measured_component *component_digests_find(const struct component_digests *digests,
							enum sbx_component component);

void component_digests_free(struct component_digests *digests);

#endif
