/* Device register access. Out of line (mmio.c) so that unit tests can link a
 * simulated device in its place. */
#ifndef SBX_HV_X86_MMIO_H
#define SBX_HV_X86_MMIO_H

#include <stdint.h>

uint8_t mmio_read8(uintptr_t address);
uint32_t mmio_read32(uintptr_t address);
void mmio_write8(uintptr_t address, uint8_t value);
void mmio_write32(uintptr_t address, uint32_t value);

#endif
