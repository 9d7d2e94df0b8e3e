#include "instruction_decode.h"

#define OPCODE_MOV_STORE           0x89
#define OPCODE_MOV_STORE_IMMEDIATE 0xc7
#define OPCODE_MOV_STORE_EAX_OFFSET 0xa3
/* Without an address-size prefix (refused) the offset is 64 bits in 64-bit mode. */
#define OFFSET_LENGTH 8
#define REX_FIRST  0x40
#define REX_LAST   0x4f
#define REX_W      0x08
#define REX_R      0x04
#define MODRM_MOD(modrm) ((modrm) >> 6)
#define MODRM_REG(modrm) (((modrm) >> 3) & 7)
#define MODRM_RM(modrm)  ((modrm) & 7)
#define MOD_REGISTER     3
#define RM_SIB           4
#define RM_RIP_RELATIVE  5
#define SIB_BASE_NONE    5

/* Bytes still to come after `used`, within what was fetched and the 15-byte limit. */
static int have(size_t available, size_t used, size_t wanted)
{
	size_t limit = available < INSTRUCTION_MAX_LENGTH ? available : INSTRUCTION_MAX_LENGTH;

	return used <= limit && wanted <= limit - used;
}

/* Length of the ModRM byte and what it addresses (SIB, displacement). */
static int memory_operand_length(const uint8_t *bytes, size_t available, size_t at,
				 size_t *length, const char **error)
{
	uint8_t modrm = bytes[at];
	size_t used = 1;

	if (MODRM_MOD(modrm) == MOD_REGISTER) {
		*error = "store to a register, not memory";
		return -1;
	}
	if (MODRM_RM(modrm) == RM_SIB) {
		if (!have(available, at, used + 1)) {
			*error = "instruction truncated in its SIB byte";
			return -1;
		}
		if (MODRM_MOD(modrm) == 0 && (bytes[at + used] & 7) == SIB_BASE_NONE)
			used += 4;   /* no base: disp32 whatever the mod */
		used += 1;
	} else if (MODRM_MOD(modrm) == 0 && MODRM_RM(modrm) == RM_RIP_RELATIVE) {
		used += 4;
	}
	if (MODRM_MOD(modrm) == 1)
		used += 1;
	else if (MODRM_MOD(modrm) == 2)
		used += 4;
	if (!have(available, at, used)) {
		*error = "instruction truncated in its memory operand";
		return -1;
	}
	*length = used;
	return 0;
}

int instruction_decode_store32(const uint8_t *bytes, size_t available,
			       struct decoded_store *store, const char **error)
{
	size_t at = 0;
	uint8_t rex = 0;
	size_t operand_length;

	if (!have(available, at, 1)) {
		*error = "no instruction bytes";
		return -1;
	}
	/* Only a REX prefix: a 66 or segment prefix would change the operand size or the
	 * address, and Linux's writel uses neither. */
	if (bytes[at] >= REX_FIRST && bytes[at] <= REX_LAST)
		rex = bytes[at++];
	if (rex & REX_W) {
		*error = "64-bit store (REX.W)";
		return -1;
	}
	if (!have(available, at, 1)) {
		*error = "instruction truncated before its opcode";
		return -1;
	}
	uint8_t opcode = bytes[at++];

	/* What a compiler emits for a store of EAX to a constant address. */
	if (opcode == OPCODE_MOV_STORE_EAX_OFFSET) {
		if (!have(available, at, OFFSET_LENGTH)) {
			*error = "instruction truncated in its offset";
			return -1;
		}
		store->source = STORE_FROM_REGISTER;
		store->source_register = 0;
		store->immediate = 0;
		store->length = (uint8_t)(at + OFFSET_LENGTH);
		return 0;
	}
	if (opcode != OPCODE_MOV_STORE && opcode != OPCODE_MOV_STORE_IMMEDIATE) {
		*error = "not a MOV store (89, C7 or A3)";
		return -1;
	}
	if (!have(available, at, 1)) {
		*error = "instruction truncated before its ModRM byte";
		return -1;
	}
	uint8_t modrm = bytes[at];

	if (opcode == OPCODE_MOV_STORE_IMMEDIATE && MODRM_REG(modrm) != 0) {
		*error = "C7 with a ModRM reg field other than 0";
		return -1;
	}
	if (memory_operand_length(bytes, available, at, &operand_length, error))
		return -1;
	at += operand_length;
	if (opcode == OPCODE_MOV_STORE) {
		store->source = STORE_FROM_REGISTER;
		store->source_register = MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0);
		store->immediate = 0;
	} else {
		if (!have(available, at, 4)) {
			*error = "instruction truncated in its immediate";
			return -1;
		}
		store->source = STORE_FROM_IMMEDIATE;
		store->source_register = 0;
		store->immediate = (uint32_t)bytes[at] | (uint32_t)bytes[at + 1] << 8 |
				   (uint32_t)bytes[at + 2] << 16 | (uint32_t)bytes[at + 3] << 24;
		at += 4;
	}
	store->length = (uint8_t)at;
	return 0;
}
