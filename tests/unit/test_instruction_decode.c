/* The 32-bit store decoder against the bytes GNU as produces for each form
 * (register, immediate, EAX to a 64-bit offset, every ModRM/SIB/displacement shape,
 * REX.B/X/R), and the
 * refusals: other instructions, register destinations, 64-bit or prefixed stores,
 * and every truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/instruction_decode.h"

#define REGISTER_RAX 0
#define REGISTER_RCX 1
#define REGISTER_RDX 2
#define REGISTER_RBX 3
#define REGISTER_RSI 6
#define REGISTER_RDI 7
#define REGISTER_R9  9
#define REGISTER_R15 15

struct register_case {
	const char *assembly;
	uint8_t bytes[INSTRUCTION_MAX_LENGTH];
	uint8_t length;
	uint8_t source_register;
};

static const struct register_case register_cases[] = {
	{ "mov %eax,(%rdx)", { 0x89, 0x02 }, 2, REGISTER_RAX },
	{ "mov %esi,0x300(%rax)", { 0x89, 0xb0, 0x00, 0x03, 0x00, 0x00 }, 6, REGISTER_RSI },
	{ "mov %r9d,0x310(%rbx)", { 0x44, 0x89, 0x8b, 0x10, 0x03, 0x00, 0x00 }, 7, REGISTER_R9 },
	{ "mov %ecx,(%rsp)", { 0x89, 0x0c, 0x24 }, 3, REGISTER_RCX },
	{ "mov %edx,0x10(%rsp)", { 0x89, 0x54, 0x24, 0x10 }, 4, REGISTER_RDX },
	{ "mov %edi,0x12345678(%rip)", { 0x89, 0x3d, 0x78, 0x56, 0x34, 0x12 }, 6, REGISTER_RDI },
	{ "mov %r15d,0x300(%r12,%rcx,4)",
	  { 0x45, 0x89, 0xbc, 0x8c, 0x00, 0x03, 0x00, 0x00 }, 8, REGISTER_R15 },
	{ "mov %ebx,0x0(%r13)", { 0x41, 0x89, 0x5d, 0x00 }, 4, REGISTER_RBX },
	{ "mov %eax,0x7f(%rbp)", { 0x89, 0x45, 0x7f }, 3, REGISTER_RAX },
	{ "mov %eax,0x12345678 (SIB, no base)",
	  { 0x89, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12 }, 7, REGISTER_RAX },
	/* What gcc emits for a store of EAX to a constant address. */
	{ "movabs %eax,0xfee00310", { 0xa3, 0x10, 0x03, 0xe0, 0xfe, 0, 0, 0, 0 }, 9,
	  REGISTER_RAX },
	{ "rex movabs %eax,0xfee00300", { 0x40, 0xa3, 0x00, 0x03, 0xe0, 0xfe, 0, 0, 0, 0 }, 10,
	  REGISTER_RAX },
	/* Bytes past the instruction are not part of it. */
	{ "mov %eax,(%rdx); nop", { 0x89, 0x02, 0x90, 0x90 }, 2, REGISTER_RAX },
};

static void decode_register_stores(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(register_cases) / sizeof(register_cases[0]); i++) {
		const struct register_case *test = &register_cases[i];
		struct decoded_store store;
		const char *error = NULL;

		print_message("%s\n", test->assembly);
		/* All 15 bytes offered: the zeros after the instruction are not part of it. */
		assert_int_equal(instruction_decode_store32(test->bytes, sizeof(test->bytes),
							    &store, &error), 0);
		assert_int_equal(store.length, test->length);
		assert_int_equal(store.source, STORE_FROM_REGISTER);
		assert_int_equal(store.source_register, test->source_register);
	}
}

static void decode_immediate_stores(void **state)
{
	static const uint8_t based[] = { 0xc7, 0x80, 0x00, 0x03, 0x00, 0x00,
					 0x00, 0xc5, 0x00, 0x00 };
	static const uint8_t absolute[] = { 0xc7, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12,
					    0x01, 0x00, 0x00, 0x00 };
	struct decoded_store store;
	const char *error = NULL;

	(void)state;
	/* movl $0xc500,0x300(%rax) */
	assert_int_equal(instruction_decode_store32(based, sizeof(based), &store, &error), 0);
	assert_int_equal(store.length, sizeof(based));
	assert_int_equal(store.source, STORE_FROM_IMMEDIATE);
	assert_int_equal(store.immediate, 0xc500);
	/* movl $0x1,0x12345678 */
	assert_int_equal(instruction_decode_store32(absolute, sizeof(absolute), &store, &error), 0);
	assert_int_equal(store.length, sizeof(absolute));
	assert_int_equal(store.immediate, 1);
}

static void assert_refused(const uint8_t *bytes, size_t length, const char *expected)
{
	struct decoded_store store;
	const char *error = NULL;

	assert_int_equal(instruction_decode_store32(bytes, length, &store, &error), -1);
	assert_non_null(error);
	assert_string_equal(error, expected);
}

static void refuse_what_is_not_a_32_bit_memory_store(void **state)
{
	static const uint8_t movabs_rax[] = { 0x48, 0xa3, 0x00, 0x03, 0xe0, 0xfe, 0, 0, 0, 0 };
	static const uint8_t movabs_32[] = { 0x67, 0xa3, 0x00, 0x03, 0xe0, 0xfe };
	static const uint8_t to_register[] = { 0x89, 0xc2 };             /* mov %eax,%edx */
	static const uint8_t rex_w[] = { 0x48, 0x89, 0x02 };             /* mov %rax,(%rdx) */
	static const uint8_t operand_size[] = { 0x66, 0x89, 0x02 };      /* mov %ax,(%rdx) */
	static const uint8_t segment[] = { 0x65, 0x89, 0x02 };           /* mov %eax,%gs:(%rdx) */
	static const uint8_t load[] = { 0x8b, 0x02 };                    /* mov (%rdx),%eax */
	static const uint8_t c7_other[] = { 0xc7, 0x08, 0, 0, 0, 0 };    /* reg field 1 */

	(void)state;
	assert_refused(movabs_rax, sizeof(movabs_rax), "64-bit store (REX.W)");
	assert_refused(movabs_32, sizeof(movabs_32), "not a MOV store (89, C7 or A3)");
	assert_refused(to_register, sizeof(to_register), "store to a register, not memory");
	assert_refused(rex_w, sizeof(rex_w), "64-bit store (REX.W)");
	assert_refused(operand_size, sizeof(operand_size), "not a MOV store (89, C7 or A3)");
	assert_refused(segment, sizeof(segment), "not a MOV store (89, C7 or A3)");
	assert_refused(load, sizeof(load), "not a MOV store (89, C7 or A3)");
	assert_refused(c7_other, sizeof(c7_other), "C7 with a ModRM reg field other than 0");
	assert_refused(movabs_rax, 0, "no instruction bytes");
}

/* Every prefix of every accepted instruction is refused, never read past. */
static void refuse_every_truncation(void **state)
{
	static const uint8_t immediate[] = { 0xc7, 0x80, 0x00, 0x03, 0x00, 0x00,
					     0x00, 0xc5, 0x00, 0x00 };

	(void)state;
	for (size_t i = 0; i < sizeof(register_cases) / sizeof(register_cases[0]); i++) {
		const struct register_case *test = &register_cases[i];

		for (size_t length = 0; length < test->length; length++) {
			uint8_t copy[INSTRUCTION_MAX_LENGTH];
			struct decoded_store store;
			const char *error = NULL;

			memcpy(copy, test->bytes, length);
			assert_int_equal(instruction_decode_store32(copy, length, &store, &error),
					 -1);
			assert_non_null(error);
		}
	}
	for (size_t length = 0; length < sizeof(immediate); length++) {
		struct decoded_store store;
		const char *error = NULL;

		assert_int_equal(instruction_decode_store32(immediate, length, &store, &error), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_register_stores),
		cmocka_unit_test(decode_immediate_stores),
		cmocka_unit_test(refuse_what_is_not_a_32_bit_memory_store),
		cmocka_unit_test(refuse_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
