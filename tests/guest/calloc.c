/* The C library's calloc and free, which mbedTLS calls (the securebox's
 * mbedtls_config.h names them), served by the securebox's own allocator from one
 * fixed heap in .bss: the direct signature the benchmark times then allocates as
 * the securebox's does. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "report.h"
#include "securebox/heap.h"

/* One P-256 signature needs a few KiB at a time; nothing here keeps much. */
#define HEAP_SIZE (128u * 1024u)

static uint8_t heap_memory[HEAP_SIZE] __attribute__((aligned(HEAP_ALIGNMENT)));
static struct heap heap;
static bool heap_ready;

void *calloc(size_t count, size_t size)
{
	if (!heap_ready) {
		heap_init(&heap, heap_memory, sizeof(heap_memory));
		heap_ready = true;
	}
	return heap_allocate(&heap, count, size);
}

/* A pointer the heap never handed out means the guest's memory is corrupt: no
 * result after it can be trusted. */
void free(void *pointer)
{
	if (!heap_release(&heap, pointer))
		report_abort("free() of 0x%lx, which the heap never handed out",
			     (uint64_t)pointer);
}
