/* libFuzzer target: arbitrary bytes as a multiboot2 block. The parser must reject
 * or accept every input without reading outside it; ASan and UBSan tell. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "multiboot2.h"

#define BLOCK_ADDRESS 0x10000ull
#define IMAGE_START   0x200000ull
#define IMAGE_END     0x400000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mb2_info info;
	struct mb2_error error;
	/* Exactly `size` bytes, so ASan catches a read one byte past the input;
	 * malloc's alignment stands in for GRUB's 8-byte one. */
	uint8_t *block = malloc(size ? size : 1);

	if (!block)
		return 0;
	memcpy(block, data, size);
	if (mb2_parse(block, size, BLOCK_ADDRESS, IMAGE_START, IMAGE_END, &info, &error) != 0 &&
	    !error.message)
		abort();
	free(block);
	return 0;
}
