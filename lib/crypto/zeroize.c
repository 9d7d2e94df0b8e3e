#include <string.h>

#include "mbedtls/platform_util.h"

/* The empty asm that takes the buffer as an input and clobbers memory stops the
 * compiler from treating the memset as a dead store. */
void mbedtls_platform_zeroize(void *buffer, size_t length)
{
	if (length == 0)
		return;
	memset(buffer, 0, length);
	__asm__ volatile("" : : "r"(buffer) : "memory");
}
