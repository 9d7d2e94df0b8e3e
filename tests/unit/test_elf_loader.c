/* The strict ELF64 reader: what it reports for a well-formed executable, the exact
 * reason for every rejection, and that no prefix of a file is read out of bounds. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "elf_loader.h"

#define FILE_SIZE     0x3000u
#define MAX_HEADERS   12
#define TEXT_ADDRESS  0x400000u
#define ENTRY         (TEXT_ADDRESS + 0x123u)

/* The file under test: its ELF header and program headers live at the front of
 * `bytes`; tests change them through these pointers. */
static union {
	uint8_t bytes[FILE_SIZE];
	Elf64_Ehdr header;
} file;

static Elf64_Ehdr *const header = &file.header;

static Elf64_Phdr *program(unsigned int i)
{
	return (Elf64_Phdr *)(file.bytes + sizeof(Elf64_Ehdr)) + i;
}

static void set_load(unsigned int i, uint64_t address, uint64_t memory_size, uint64_t offset,
		     uint64_t file_size, uint32_t flags)
{
	*program(i) = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = flags, .p_offset = offset,
		.p_vaddr = address, .p_paddr = address, .p_filesz = file_size,
		.p_memsz = memory_size, .p_align = 0x1000,
	};
}

/* An empty executable with `count` program headers right after the ELF header. */
static void start_file(uint16_t count)
{
	memset(&file, 0x5a, sizeof(file));
	*header = (Elf64_Ehdr){
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
			     EV_CURRENT, ELFOSABI_SYSV },
		.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_entry = ENTRY, .e_phoff = sizeof(Elf64_Ehdr), .e_shoff = 0,
		.e_ehsize = sizeof(Elf64_Ehdr), .e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = count,
	};
	memset(program(0), 0, count * sizeof(Elf64_Phdr));
}

/* text RX [0x400000, 0x402000) from file [0x1000, 0x2800); a non-load header with
 * nonsense in every field; rodata R [0x402000, 0x403000) from [0x2800, 0x3000);
 * bss RW [0x403000, 0x406000) with nothing in the file (offset at the very end). */
static void build_typical(void)
{
	start_file(4);
	set_load(0, TEXT_ADDRESS, 0x2000, 0x1000, 0x1800, PF_R | PF_X);
	*program(1) = (Elf64_Phdr){
		.p_type = PT_GNU_STACK, .p_flags = 0xffffffff, .p_offset = UINT64_MAX,
		.p_vaddr = 1, .p_paddr = 2, .p_filesz = UINT64_MAX, .p_memsz = 0,
	};
	set_load(2, TEXT_ADDRESS + 0x2000, 0x1000, 0x2800, 0x800, PF_R);
	set_load(3, TEXT_ADDRESS + 0x3000, 0x3000, FILE_SIZE, 0, PF_R | PF_W);
}

static const char *read_file(void)
{
	struct elf_image image;

	return elf_read(file.bytes, FILE_SIZE, &image);
}

#define assert_rejected(message) assert_string_equal(read_file(), message)

static void typical_executable(void **state)
{
	struct elf_image image;

	(void)state;
	build_typical();
	assert_null(elf_read(file.bytes, FILE_SIZE, &image));
	assert_int_equal(image.entry, ENTRY);
	assert_int_equal(image.segment_count, 3);

	assert_int_equal(image.segments[0].address, TEXT_ADDRESS);
	assert_int_equal(image.segments[0].memory_size, 0x2000);
	assert_int_equal(image.segments[0].file_offset, 0x1000);
	assert_int_equal(image.segments[0].file_size, 0x1800);
	assert_int_equal(image.segments[0].flags, ELF_SEGMENT_READ | ELF_SEGMENT_EXECUTE);

	assert_int_equal(image.segments[1].address, TEXT_ADDRESS + 0x2000);
	assert_int_equal(image.segments[1].memory_size, 0x1000);
	assert_int_equal(image.segments[1].file_offset, 0x2800);
	assert_int_equal(image.segments[1].file_size, 0x800);
	assert_int_equal(image.segments[1].flags, ELF_SEGMENT_READ);

	assert_int_equal(image.segments[2].address, TEXT_ADDRESS + 0x3000);
	assert_int_equal(image.segments[2].memory_size, 0x3000);
	assert_int_equal(image.segments[2].file_offset, FILE_SIZE);
	assert_int_equal(image.segments[2].file_size, 0);
	assert_int_equal(image.segments[2].flags, ELF_SEGMENT_READ | ELF_SEGMENT_WRITE);

	assert_int_equal(image.lowest, TEXT_ADDRESS);
	assert_int_equal(image.highest, TEXT_ADDRESS + 0x6000);
}

/* The ELF_SEGMENT_* values are the ELF p_flags bits, so flags pass through as is. */
static void flag_values_match_elf(void **state)
{
	(void)state;
	assert_int_equal(ELF_SEGMENT_EXECUTE, PF_X);
	assert_int_equal(ELF_SEGMENT_WRITE, PF_W);
	assert_int_equal(ELF_SEGMENT_READ, PF_R);
}

/* Segments given high to low: lowest and highest are not just first and last. */
static void lowest_and_highest_out_of_order(void **state)
{
	struct elf_image image;

	(void)state;
	start_file(3);
	set_load(0, 0x900000, 0x1000, 0x1000, 0x10, PF_R);
	set_load(1, 0x100000, 0x2000, 0x1000, 0x10, PF_R | PF_X);
	set_load(2, 0x500000, 0x1000, 0x1000, 0x10, PF_R | PF_W);
	header->e_entry = 0x101fff;     /* last byte of the executable segment */
	assert_null(elf_read(file.bytes, FILE_SIZE, &image));
	assert_int_equal(image.segment_count, 3);
	assert_int_equal(image.segments[0].address, 0x900000);
	assert_int_equal(image.segments[1].address, 0x100000);
	assert_int_equal(image.segments[2].address, 0x500000);
	assert_int_equal(image.lowest, 0x100000);
	assert_int_equal(image.highest, 0x901000);
	assert_int_equal(image.entry, 0x101fff);
}

static void entry_at_start_of_executable_segment(void **state)
{
	struct elf_image image;

	(void)state;
	build_typical();
	header->e_entry = TEXT_ADDRESS;
	assert_null(elf_read(file.bytes, FILE_SIZE, &image));
	assert_int_equal(image.entry, TEXT_ADDRESS);
}

static void too_small(void **state)
{
	struct elf_image image;

	(void)state;
	build_typical();
	assert_string_equal(elf_read(file.bytes, sizeof(Elf64_Ehdr) - 1, &image),
			    "file too small for an ELF header");
	assert_string_equal(elf_read(file.bytes, 0, &image), "file too small for an ELF header");
}

static void bad_identification(void **state)
{
	static const struct { unsigned int index; uint8_t value; } bad[] = {
		{ EI_MAG0, 0x7e }, { EI_MAG1, 'e' }, { EI_MAG2, 'l' }, { EI_MAG3, 'f' },
		{ EI_CLASS, ELFCLASS32 }, { EI_CLASS, ELFCLASSNONE },
		{ EI_DATA, ELFDATA2MSB }, { EI_DATA, ELFDATANONE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_typical();
		header->e_ident[bad[i].index] = bad[i].value;
		assert_rejected("not a little-endian ELF64 file");
	}
}

static void not_an_x86_64_executable(void **state)
{
	static const uint16_t types[] = { ET_NONE, ET_REL, ET_DYN, ET_CORE };
	static const uint16_t machines[] = { EM_NONE, EM_386, EM_AARCH64, EM_RISCV };

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		build_typical();
		header->e_type = types[i];
		assert_rejected("not an x86-64 executable");
	}
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		build_typical();
		header->e_machine = machines[i];
		assert_rejected("not an x86-64 executable");
	}
}

static void program_headers_outside_the_file(void **state)
{
	static const struct { uint64_t offset; uint16_t count; } bad[] = {
		{ FILE_SIZE + 1, 0 },                             /* offset past the end */
		{ FILE_SIZE, 1 },                                 /* one header, no room */
		{ FILE_SIZE - sizeof(Elf64_Phdr) + 1, 1 },        /* one byte short */
		{ UINT64_MAX, 1 },                                /* offset + size wraps */
		{ UINT64_MAX - sizeof(Elf64_Phdr) + 2, 1 },
		{ sizeof(Elf64_Ehdr), 0xffff },                   /* count * size too big */
		{ 0x1000, (FILE_SIZE - 0x1000) / sizeof(Elf64_Phdr) + 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_typical();
		header->e_phoff = bad[i].offset;
		header->e_phnum = bad[i].count;
		assert_rejected("program headers lie outside the file");
	}

	/* Only headers of exactly Elf64_Phdr's size are understood. */
	build_typical();
	header->e_phentsize = sizeof(Elf64_Phdr) - 8;
	assert_rejected("program headers lie outside the file");
	build_typical();
	header->e_phentsize = sizeof(Elf64_Phdr) + 8;
	assert_rejected("program headers lie outside the file");
}

/* Headers that end exactly at the end of the file are inside it. */
static void program_headers_at_the_end_of_the_file(void **state)
{
	struct elf_image image;

	(void)state;
	build_typical();
	header->e_phoff = FILE_SIZE - 4 * sizeof(Elf64_Phdr);
	memmove(file.bytes + header->e_phoff, program(0), 4 * sizeof(Elf64_Phdr));
	assert_null(elf_read(file.bytes, FILE_SIZE, &image));
	assert_int_equal(image.segment_count, 3);
}

static void physical_and_virtual_addresses_differ(void **state)
{
	(void)state;
	build_typical();
	program(2)->p_paddr += 0x1000;
	assert_rejected("segment physical and virtual addresses differ");
}

static void unaligned_segment(void **state)
{
	static const uint64_t offsets[] = { 1, 8, 0x800, 0xfff };

	(void)state;
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		build_typical();
		program(2)->p_vaddr += offsets[i];
		program(2)->p_paddr += offsets[i];
		assert_rejected("segment not 4 KiB aligned");
	}
}

static void file_size_exceeds_memory_size(void **state)
{
	(void)state;
	build_typical();
	program(0)->p_memsz = program(0)->p_filesz - 1;
	assert_rejected("segment file size exceeds its memory size");
}

static void empty_segment(void **state)
{
	(void)state;
	build_typical();
	program(3)->p_memsz = 0;
	assert_rejected("empty loadable segment");
}

static void wrap_around(void **state)
{
	(void)state;
	build_typical();
	set_load(3, 0xfffffffffffff000ull, 0x2000, FILE_SIZE, 0, PF_R | PF_W);
	assert_rejected("segment wraps around the address space");

	build_typical();
	set_load(3, 0x2000, 0xfffffffffffff000ull, FILE_SIZE, 0, PF_R | PF_W);
	assert_rejected("segment wraps around the address space");

	/* Ending exactly at 2^64 would make `highest` 0: rejected as well. */
	build_typical();
	set_load(3, 0xfffffffffffff000ull, 0x1000, FILE_SIZE, 0, PF_R | PF_W);
	assert_rejected("segment wraps around the address space");
}

/* The last page below 2^64 minus one byte is representable and accepted. */
static void segment_just_below_the_top(void **state)
{
	struct elf_image image;

	(void)state;
	build_typical();
	set_load(3, 0xfffffffffffff000ull, 0xfff, FILE_SIZE, 0, PF_R | PF_W);
	assert_null(elf_read(file.bytes, FILE_SIZE, &image));
	assert_int_equal(image.highest, UINT64_MAX);
}

static void segment_outside_the_file(void **state)
{
	static const struct { uint64_t offset, size; } bad[] = {
		{ FILE_SIZE + 1, 0 },           /* offset past the end, nothing to read */
		{ 0x2800, 0x801 },              /* one byte past the end */
		{ FILE_SIZE, 1 },
		{ UINT64_MAX, 1 },              /* offset + size wraps */
		{ 0x1000, UINT64_MAX - 0xfff }, /* offset + size wraps to exactly 0 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		start_file(1);
		/* Address 0 and a memory size as large as the file size: only the file
		 * check can object. */
		set_load(0, 0, bad[i].size < 0x1000 ? 0x1000 : bad[i].size, bad[i].offset,
			 bad[i].size, PF_R | PF_X);
		header->e_entry = 0;
		assert_rejected("segment lies outside the file");
	}
}

static void unknown_flags(void **state)
{
	static const uint32_t extra[] = { 8, 0x10, PF_MASKOS, PF_MASKPROC, 0x80000000u };

	(void)state;
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		build_typical();
		program(2)->p_flags |= extra[i];
		assert_rejected("segment has unknown flags");
	}
}

static void load_disjoint_pages(unsigned int count)
{
	start_file(count);
	for (unsigned int i = 0; i < count; i++)
		set_load(i, 0x100000 + i * 0x2000ull, 0x1000, 0x1000, 0x100,
			 i == 0 ? PF_R | PF_X : PF_R);
	header->e_entry = 0x100000;
}

static void segment_limit(void **state)
{
	struct elf_image image;

	(void)state;
	load_disjoint_pages(ELF_MAX_SEGMENTS);
	assert_null(elf_read(file.bytes, FILE_SIZE, &image));
	assert_int_equal(image.segment_count, ELF_MAX_SEGMENTS);
	assert_int_equal(image.segments[ELF_MAX_SEGMENTS - 1].address,
			 0x100000 + (ELF_MAX_SEGMENTS - 1) * 0x2000ull);
	assert_int_equal(image.highest, 0x100000 + (ELF_MAX_SEGMENTS - 1) * 0x2000ull + 0x1000);

	load_disjoint_pages(ELF_MAX_SEGMENTS + 1);
	assert_rejected("too many loadable segments");

	/* Non-load headers do not count against the limit. */
	load_disjoint_pages(ELF_MAX_SEGMENTS + 2);
	program(3)->p_type = PT_NOTE;
	program(7)->p_type = PT_NULL;
	assert_null(elf_read(file.bytes, FILE_SIZE, &image));
	assert_int_equal(image.segment_count, ELF_MAX_SEGMENTS);
}

static void overlapping_segments(void **state)
{
	/* Each against text at [0x400000, 0x402000). */
	static const struct { uint64_t address, size; } bad[] = {
		{ TEXT_ADDRESS, 0x2000 },                 /* identical */
		{ TEXT_ADDRESS + 0x1000, 0x1000 },        /* inside, touching the end */
		{ TEXT_ADDRESS + 0x1000, 0x10000 },       /* crossing the end */
		{ TEXT_ADDRESS - 0x1000, 0x2000 },        /* crossing the start */
		{ TEXT_ADDRESS - 0x1000, 0x10000 },       /* containing it */
		{ TEXT_ADDRESS - 0x1000, 0x1001 },        /* one byte in */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_typical();
		set_load(3, bad[i].address, bad[i].size, FILE_SIZE, 0, PF_R | PF_W);
		assert_rejected("loadable segments overlap");
	}

	/* Touching from below is not overlapping. */
	build_typical();
	set_load(3, TEXT_ADDRESS - 0x1000, 0x1000, FILE_SIZE, 0, PF_R | PF_W);
	assert_null(read_file());
}

static void no_loadable_segment(void **state)
{
	(void)state;
	start_file(0);
	assert_rejected("no loadable segment");

	build_typical();
	program(0)->p_type = PT_NOTE;
	program(2)->p_type = PT_DYNAMIC;
	program(3)->p_type = PT_NULL;
	assert_rejected("no loadable segment");

	/* No headers, offset at the very end of the file: inside, and empty. */
	start_file(0);
	header->e_phoff = FILE_SIZE;
	assert_rejected("no loadable segment");
}

static void entry_outside_executable_segments(void **state)
{
	static const uint64_t entries[] = {
		0, TEXT_ADDRESS - 1,
		TEXT_ADDRESS + 0x2000,          /* one past text: first byte of rodata */
		TEXT_ADDRESS + 0x2800,          /* in rodata (R) */
		TEXT_ADDRESS + 0x4000,          /* in bss (RW) */
		TEXT_ADDRESS + 0x6000,          /* one past everything */
		UINT64_MAX,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		build_typical();
		header->e_entry = entries[i];
		assert_rejected("entry point is not in an executable segment");
	}

	/* Write but not execute does not count either. */
	build_typical();
	program(0)->p_flags = PF_R | PF_W;
	assert_rejected("entry point is not in an executable segment");
}

/* Every prefix of a valid file: the reader sees exactly `length` bytes (a heap copy
 * of that size, so ASan catches any read beyond it) and fails with the reason that
 * the first missing byte implies, the same way every time. */
static void every_truncation(void **state)
{
	const size_t headers_end = sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr);

	(void)state;
	build_typical();
	for (size_t length = 0; length <= FILE_SIZE; length++) {
		uint8_t *copy = malloc(length ? length : 1);
		struct elf_image first, second;
		const char *error, *again;
		const char *expected;

		assert_non_null(copy);
		memcpy(copy, file.bytes, length);
		if (length < sizeof(Elf64_Ehdr))
			expected = "file too small for an ELF header";
		else if (length < headers_end)
			expected = "program headers lie outside the file";
		else if (length < FILE_SIZE)
			expected = "segment lies outside the file";
		else
			expected = NULL;
		error = elf_read(copy, length, &first);
		again = elf_read(copy, length, &second);
		if (expected) {
			assert_non_null(error);
			assert_string_equal(error, expected);
		} else {
			assert_null(error);
			assert_int_equal(first.segment_count, 3);
		}
		assert_ptr_equal(error, again);
		free(copy);
	}
}

/* Every single-byte change to the headers either is rejected or yields an image that
 * still keeps the promises: segments aligned, in the file, disjoint, entry inside an
 * executable one. Run under ASan, it also shows nothing is read out of bounds. */
static void mutated_headers_keep_promises(void **state)
{
	const size_t headers_end = sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr);
	static const uint8_t values[] = { 0x00, 0x01, 0x0f, 0x10, 0x7f, 0x80, 0xf0, 0xff };

	(void)state;
	for (size_t at = 0; at < headers_end; at++)
		for (size_t v = 0; v < sizeof(values); v++) {
			struct elf_image image;
			bool entry_ok = false;

			build_typical();
			file.bytes[at] = values[v];
			if (elf_read(file.bytes, FILE_SIZE, &image))
				continue;
			assert_in_range(image.segment_count, 1, ELF_MAX_SEGMENTS);
			for (uint32_t i = 0; i < image.segment_count; i++) {
				const struct elf_segment *s = &image.segments[i];

				assert_int_equal(s->address % 4096, 0);
				assert_true(s->memory_size > 0);
				assert_true(s->file_size <= s->memory_size);
				assert_true(s->address + s->memory_size > s->address);
				assert_true(s->file_offset <= FILE_SIZE);
				assert_true(s->file_size <= FILE_SIZE - s->file_offset);
				assert_int_equal(s->flags & ~7u, 0);
				assert_true(s->address >= image.lowest);
				assert_true(s->address + s->memory_size <= image.highest);
				for (uint32_t j = 0; j < i; j++) {
					const struct elf_segment *o = &image.segments[j];

					assert_true(s->address >= o->address + o->memory_size ||
						    o->address >= s->address + s->memory_size);
				}
				if ((s->flags & ELF_SEGMENT_EXECUTE) && image.entry >= s->address &&
				    image.entry < s->address + s->memory_size)
					entry_ok = true;
			}
			assert_true(entry_ok);
		}
}

static void has_magic(void **state)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };
	uint8_t *exact = malloc(4), *short_copy = malloc(3);

	(void)state;
	assert_non_null(exact);
	assert_non_null(short_copy);
	memcpy(exact, magic, 4);
	memcpy(short_copy, magic, 3);
	assert_true(elf_has_magic(exact, 4));
	assert_false(elf_has_magic(exact, 3));
	assert_false(elf_has_magic(short_copy, 3));
	assert_false(elf_has_magic(exact, 0));
	for (int i = 0; i < 4; i++) {
		exact[i] ^= 0x20;
		assert_false(elf_has_magic(exact, 4));
		exact[i] ^= 0x20;
	}
	/* A Linux bzImage starts with the MZ stub, not the ELF magic. */
	memcpy(exact, "MZ\xea\x07", 4);
	assert_false(elf_has_magic(exact, 4));
	free(exact);
	free(short_copy);

	build_typical();
	assert_true(elf_has_magic(file.bytes, FILE_SIZE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typical_executable),
		cmocka_unit_test(flag_values_match_elf),
		cmocka_unit_test(lowest_and_highest_out_of_order),
		cmocka_unit_test(entry_at_start_of_executable_segment),
		cmocka_unit_test(too_small),
		cmocka_unit_test(bad_identification),
		cmocka_unit_test(not_an_x86_64_executable),
		cmocka_unit_test(program_headers_outside_the_file),
		cmocka_unit_test(program_headers_at_the_end_of_the_file),
		cmocka_unit_test(physical_and_virtual_addresses_differ),
		cmocka_unit_test(unaligned_segment),
		cmocka_unit_test(file_size_exceeds_memory_size),
		cmocka_unit_test(empty_segment),
		cmocka_unit_test(wrap_around),
		cmocka_unit_test(segment_just_below_the_top),
		cmocka_unit_test(segment_outside_the_file),
		cmocka_unit_test(unknown_flags),
		cmocka_unit_test(segment_limit),
		cmocka_unit_test(overlapping_segments),
		cmocka_unit_test(no_loadable_segment),
		cmocka_unit_test(entry_outside_executable_segments),
		cmocka_unit_test(every_truncation),
		cmocka_unit_test(mutated_headers_keep_promises),
		cmocka_unit_test(has_magic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
