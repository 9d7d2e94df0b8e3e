/* Validation of a buffer a hypercall names: the one place that decides whether the
 * hypervisor may copy to or from a caller's memory. */
#ifndef SBX_HV_HYPERCALL_BUFFER_H
#define SBX_HV_HYPERCALL_BUFFER_H

#include <stddef.h>
#include <stdint.h>

#include "phys_alloc.h"
#include "sbx/hypercall.h"

/* In this order: size 0 -> SBX_E_INVALID_ARGUMENT; size > limit -> SBX_E_TOO_LARGE;
 * address not SBX_BUFFER_ALIGNMENT-aligned -> SBX_E_UNALIGNED; address + size
 * overflowing, or the buffer not wholly inside one of the caller's RAM ranges ->
 * SBX_E_BAD_ADDRESS. Otherwise SBX_OK. */
enum sbx_status hypercall_check_buffer(const struct phys_range *ram, size_t ram_count,
				       uint64_t address, uint64_t size, uint64_t limit);

#endif
