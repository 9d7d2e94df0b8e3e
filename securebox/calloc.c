/* The C library's calloc and free, which mbedTLS calls (mbedtls_config.h), served
 * from one fixed heap in .bss: the securebox has no other memory to give out. The
 * test guest links this file too (tests/guest/guest.mk), so that the signature its
 * benchmark times allocates as the securebox's does; each image defines its own
 * heap_corrupted(). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "heap.h"

/* ECDSA P-256 needs a few KiB at a time; the sixteen vault keys and the identity
 * key keep about 1 KiB each for as long as the securebox runs. */
#define HEAP_SIZE (256u * 1024u)

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

void free(void *pointer)
{
	if (!heap_release(&heap, pointer))
		heap_corrupted(pointer);
}
