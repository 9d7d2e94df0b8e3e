#include "hypercall_buffer.h"
#include "memory_layout.h"

enum sbx_status hypercall_check_buffer(const struct phys_range *ram, size_t ram_count,
				       uint64_t address, uint64_t size, uint64_t limit)
{
	if (size == 0)
		return SBX_E_INVALID_ARGUMENT;
	if (size > limit)
		return SBX_E_TOO_LARGE;
	if (address % SBX_BUFFER_ALIGNMENT)
		return SBX_E_UNALIGNED;
	if (!ranges_contain(ram, ram_count, address, size))
		return SBX_E_BAD_ADDRESS;
	return SBX_OK;
}
