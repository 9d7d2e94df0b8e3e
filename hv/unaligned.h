/* Little-endian fields at any alignment in firmware and boot-loader structures
 * (multiboot2 tags, ACPI tables): memcpy, because a cast would be an unaligned,
 * type-punned load that the compiler may assume never happens. */
#ifndef SBX_HV_UNALIGNED_H
#define SBX_HV_UNALIGNED_H

#include <stdint.h>
#include <string.h>

static inline uint32_t read32(const uint8_t *bytes)
{
	uint32_t value;

	memcpy(&value, bytes, sizeof(value));
	return value;
}

static inline uint64_t read64(const uint8_t *bytes)
{
	uint64_t value;

	memcpy(&value, bytes, sizeof(value));
	return value;
}

#endif
