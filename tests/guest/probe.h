/* Attack primitives: each executes one instruction the hypervisor must refuse,
 * under a recovery point (exceptions.h), and returns PROBE_NO_FAULT or the
 * vector it raised (details in last_fault). */
#ifndef SBX_TEST_GUEST_PROBE_H
#define SBX_TEST_GUEST_PROBE_H

#include <stdint.h>

#define PROBE_NO_FAULT 0x100u   /* not a vector */

unsigned probe_read8(uint64_t address, uint8_t *value);
unsigned probe_write8(uint64_t address, uint8_t value);
unsigned probe_write32(uint64_t address, uint32_t value);
unsigned probe_read64(uint64_t address, uint64_t *value);
unsigned probe_rdmsr(uint32_t msr, uint64_t *value);
unsigned probe_wrmsr(uint32_t msr, uint64_t value);
/* VMRUN with RAX = vmcb. */
unsigned probe_vmrun(uint64_t vmcb);
/* Drops to ring 3 (user code and stack) and executes VMMCALL there with RAX =
 * number. If VMMCALL returns to ring 3, the HLT after it raises #GP: either way
 * a fault brings us back, and its vector is returned. */
unsigned probe_user_vmmcall(uint64_t number);
/* The address of that VMMCALL instruction, to check where the #UD came from. */
extern const char user_vmmcall_instruction[];

#endif
