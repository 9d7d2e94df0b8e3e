/* The general registers the VMCB does not hold (it holds RAX and RSP), saved and
 * restored by svm_run. Offsets are shared with the assembly. */
#ifndef SBX_HV_X86_GUEST_REGISTERS_H
#define SBX_HV_X86_GUEST_REGISTERS_H

#define GUEST_RBX 0x00
#define GUEST_RCX 0x08
#define GUEST_RDX 0x10
#define GUEST_RSI 0x18
#define GUEST_RDI 0x20
#define GUEST_RBP 0x28
#define GUEST_R8  0x30
#define GUEST_R9  0x38
#define GUEST_R10 0x40
#define GUEST_R11 0x48
#define GUEST_R12 0x50
#define GUEST_R13 0x58
#define GUEST_R14 0x60
#define GUEST_R15 0x68

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct guest_registers {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

_Static_assert(offsetof(struct guest_registers, rdi) == GUEST_RDI, "guest register layout");
_Static_assert(offsetof(struct guest_registers, r15) == GUEST_R15, "guest register layout");

void svm_run(struct guest_registers *registers, uint64_t vmcb, uint64_t host_state);
#endif

#endif
