/* Declarations only: freestanding sbx code has no heap unless it supplies one (the
 * securebox does, for mbedTLS). The hypervisor defines neither function, so any use
 * of them there fails at link time. */
#ifndef SBX_LIBC_STDLIB_H
#define SBX_LIBC_STDLIB_H

#include <stddef.h>

void *calloc(size_t count, size_t size);
void free(void *pointer);

#endif
