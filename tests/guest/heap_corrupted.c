/* What free() (securebox/calloc.c, which guest.mk links) does in the test guest
 * with a pointer the heap never handed out: the guest's memory is corrupt, so no
 * result after it can be trusted. */
#include <stdint.h>

#include "report.h"
#include "securebox/heap.h"

void heap_corrupted(const void *pointer)
{
	report_abort("free() of 0x%lx, which the heap never handed out",
		     (uint64_t)(uintptr_t)pointer);
}
