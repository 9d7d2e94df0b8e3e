/* Decoding of the one kind of instruction the hypervisor emulates for the commodity
 * OS: a 32-bit store to memory (the xAPIC page is read-only in its nested page
 * tables, and TCG gives neither decode assist nor nRIP, so the store that faulted
 * must be read from its bytes). Pure, for the unit tests and the fuzzer: anything
 * else is refused with a message, never guessed. */
#ifndef SBX_HV_X86_INSTRUCTION_DECODE_H
#define SBX_HV_X86_INSTRUCTION_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* The architectural limit: a longer instruction raises #GP on the CPU. */
#define INSTRUCTION_MAX_LENGTH 15

enum store_source {
	STORE_FROM_REGISTER,    /* 89 /r: MOV r/m32, r32; A3: MOV moffs64, EAX */
	STORE_FROM_IMMEDIATE,   /* C7 /0: MOV r/m32, imm32 */
};

struct decoded_store {
	uint8_t length;              /* bytes from the first prefix to the last byte */
	enum store_source source;
	uint8_t source_register;     /* 0 = RAX ... 15 = R15, with REX.R */
	uint32_t immediate;
};

/* Decodes the 64-bit mode instruction in bytes[0, available) as a 32-bit store to
 * memory. Returns 0, or -1 with *error set to why it is not one. */
int instruction_decode_store32(const uint8_t *bytes, size_t available,
			       struct decoded_store *store, const char **error);

#endif
