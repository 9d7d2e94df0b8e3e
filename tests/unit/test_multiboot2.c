/* Unit tests for the strict multiboot2 parser. Blocks are built with a small builder
 * and handed to the parser in heap buffers of exactly `available` bytes, so ASan
 * reports any read past what the parser was allowed to see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "multiboot2.h"

#define BLOCK_ADDRESS 0x10000ull
#define IMAGE_START   0x200000ull
#define IMAGE_END     0x400000ull
#define BUILDER_SIZE  (64 * 1024)

struct builder {
	uint8_t *bytes;  /* malloc'd: 16-byte aligned */
	uint32_t size;
	uint32_t capacity;
};

struct mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
};

static struct mb2_info *info;
static struct mb2_error error;

static void builder_init(struct builder *builder, uint32_t capacity)
{
	builder->bytes = calloc(1, capacity);
	assert_non_null(builder->bytes);
	builder->capacity = capacity;
	builder->size = 8;  /* header, written by builder_finish */
}

static void put(struct builder *builder, const void *data, uint32_t size)
{
	assert_true(builder->size + size <= builder->capacity);
	memcpy(builder->bytes + builder->size, data, size);
	builder->size += size;
}

static void put32(struct builder *builder, uint32_t value)
{
	put(builder, &value, sizeof(value));
}

static void put64(struct builder *builder, uint64_t value)
{
	put(builder, &value, sizeof(value));
}

static void write32(struct builder *builder, uint32_t offset, uint32_t value)
{
	memcpy(builder->bytes + offset, &value, sizeof(value));
}

/* Returns the tag's offset for tag_end(). */
static uint32_t tag_begin(struct builder *builder, uint32_t type)
{
	uint32_t offset = builder->size;

	put32(builder, type);
	put32(builder, 0);
	return offset;
}

static void tag_end(struct builder *builder, uint32_t offset)
{
	static const uint8_t padding[8];

	write32(builder, offset + 4, builder->size - offset);
	put(builder, padding, (8 - builder->size % 8) % 8);
}

static void add_raw_tag(struct builder *builder, uint32_t type, const void *data, uint32_t size)
{
	uint32_t tag = tag_begin(builder, type);

	put(builder, data, size);
	tag_end(builder, tag);
}

static void add_zero_tag(struct builder *builder, uint32_t type, uint32_t size)
{
	uint32_t tag = tag_begin(builder, type);

	assert_true(builder->size + size <= builder->capacity);
	memset(builder->bytes + builder->size, 0, size);
	builder->size += size;
	tag_end(builder, tag);
}

static void add_string_tag(struct builder *builder, uint32_t type, const char *string)
{
	add_raw_tag(builder, type, string, strlen(string) + 1);
}

static void add_module(struct builder *builder, uint32_t start, uint32_t end, const char *string)
{
	uint32_t tag = tag_begin(builder, 3);

	put32(builder, start);
	put32(builder, end);
	put(builder, string, strlen(string) + 1);
	tag_end(builder, tag);
}

static void add_memory_map_sized(struct builder *builder, const struct mmap_entry *entries,
				 unsigned int count, uint32_t entry_size)
{
	uint32_t tag = tag_begin(builder, 6);
	unsigned int i;
	uint32_t extra;

	put32(builder, entry_size);
	put32(builder, 0);
	for (i = 0; i < count; i++) {
		put64(builder, entries[i].base);
		put64(builder, entries[i].length);
		put32(builder, entries[i].type);
		for (extra = 20; extra < entry_size; extra += 4)
			put32(builder, 0xdeadbeef);
	}
	tag_end(builder, tag);
}

static const struct mmap_entry simple_map[] = {
	{ 0x0, 0x9fc00, MB2_MEMORY_AVAILABLE },
	{ 0x100000, 0x7ef0000, MB2_MEMORY_AVAILABLE },
};

static void add_memory_map(struct builder *builder, const struct mmap_entry *entries,
			   unsigned int count)
{
	add_memory_map_sized(builder, entries, count, 24);
}

static void add_end(struct builder *builder)
{
	put32(builder, 0);
	put32(builder, 8);
}

static void builder_finish(struct builder *builder)
{
	write32(builder, 0, builder->size);
	write32(builder, 4, 0xffffffff);  /* reserved: must be ignored */
}

/* A block with only the memory map, open for more tags. */
static void builder_minimal(struct builder *builder)
{
	builder_init(builder, BUILDER_SIZE);
	add_memory_map(builder, simple_map, 2);
}

/* Parses a heap copy of exactly `available` bytes, so ASan sees over-reads. */
static int parse_copy(const uint8_t *bytes, size_t available)
{
	uint8_t *copy = malloc(available ? available : 1);
	int result;

	assert_non_null(copy);
	memcpy(copy, bytes, available);
	result = mb2_parse(copy, available, BLOCK_ADDRESS, IMAGE_START, IMAGE_END, info, &error);
	free(copy);
	return result;
}

static int parse_builder(struct builder *builder)
{
	return parse_copy(builder->bytes, builder->size);
}

static void expect_failure(struct builder *builder, const char *message)
{
	assert_int_equal(parse_builder(builder), -1);
	assert_string_equal(error.message, message);
	free(builder->bytes);
}

static const uint8_t rsdp_v1[20] = "RSD PTR \x11OEMID\x00";
static const uint8_t rsdp_v2[36] = "RSD PTR \x22OEMID\x02\x00\x00\x00\x00\x24\x00\x00\x00";

/* Roughly what GRUB 2.06 builds on UEFI: load base address, strings, modules,
 * memory map, ELF-less EFI tags, both RSDPs. */
static void build_grub_like(struct builder *builder)
{
	static const struct mmap_entry map[] = {
		{ 0x0, 0x9fc00, MB2_MEMORY_AVAILABLE },
		{ 0x9fc00, 0x400, MB2_MEMORY_RESERVED },
		{ 0xf0000, 0x10000, MB2_MEMORY_RESERVED },
		{ 0x100000, 0x0, MB2_MEMORY_AVAILABLE },  /* zero length: skipped */
		{ 0x100000, 0x7ee0000, MB2_MEMORY_AVAILABLE },
		{ 0x7fe0000, 0x20000, MB2_MEMORY_ACPI_RECLAIMABLE },
		{ 0xfeffc000, 0x4000, MB2_MEMORY_RESERVED },
		{ 0xfffc0000, 0x40000, MB2_MEMORY_RESERVED },
		{ 0x100000000ull, 0x80000000ull, MB2_MEMORY_AVAILABLE },
	};
	static const uint8_t unknown[5] = { 1, 2, 3, 4, 5 };
	uint32_t load_base = 0x200000;
	uint64_t efi_system_table = 0x7f9ee018;

	builder_init(builder, BUILDER_SIZE);
	add_raw_tag(builder, 21, &load_base, sizeof(load_base));
	add_string_tag(builder, 1, "sbx.log=serial");
	add_string_tag(builder, 2, "GRUB 2.06");
	add_module(builder, 0x1000000, 0x1000800, "policy");
	add_module(builder, 0x1001000, 0x1041000, "securebox");
	add_module(builder, 0x1042000, 0x1a00000, "kernel console=ttyS0 quiet");
	add_module(builder, 0x1a00000, 0x3000000, "initrd");
	add_memory_map(builder, map, sizeof(map) / sizeof(map[0]));
	add_raw_tag(builder, 0x7777, unknown, sizeof(unknown));  /* size 13: padded */
	add_raw_tag(builder, 12, &efi_system_table, sizeof(efi_system_table));
	add_raw_tag(builder, 15, rsdp_v2, sizeof(rsdp_v2));
	add_raw_tag(builder, 14, rsdp_v1, sizeof(rsdp_v1));
	add_end(builder);
	builder_finish(builder);
}

static void test_grub_like_block_parses(void **state)
{
	struct builder builder;

	(void)state;
	build_grub_like(&builder);
	assert_int_equal(parse_builder(&builder), 0);

	assert_string_equal(info->cmdline, "sbx.log=serial");
	assert_string_equal(info->bootloader_name, "GRUB 2.06");

	assert_int_equal(info->module_count, 4);
	assert_int_equal(info->modules[0].start, 0x1000000);
	assert_int_equal(info->modules[0].end, 0x1000800);
	assert_string_equal(info->modules[0].cmdline, "policy");
	assert_string_equal(info->modules[1].cmdline, "securebox");
	assert_int_equal(info->modules[2].start, 0x1042000);
	assert_int_equal(info->modules[2].end, 0x1a00000);
	assert_string_equal(info->modules[2].cmdline, "kernel console=ttyS0 quiet");
	assert_string_equal(info->modules[3].cmdline, "initrd");

	assert_int_equal(info->memory_range_count, 8);
	assert_int_equal(info->memory[0].base, 0);
	assert_int_equal(info->memory[0].length, 0x9fc00);
	assert_int_equal(info->memory[0].type, MB2_MEMORY_AVAILABLE);
	assert_int_equal(info->memory[3].base, 0x100000);
	assert_int_equal(info->memory[3].length, 0x7ee0000);
	assert_int_equal(info->memory[4].type, MB2_MEMORY_ACPI_RECLAIMABLE);
	assert_int_equal(info->memory[7].base, 0x100000000ull);
	assert_int_equal(info->memory[7].length, 0x80000000ull);

	assert_true(info->efi64);
	assert_int_equal(info->efi64_system_table, 0x7f9ee018);

	/* The new RSDP wins even though the old one comes later. */
	assert_true(info->rsdp_is_v2);
	assert_int_equal(info->rsdp_size, sizeof(rsdp_v2));
	assert_memory_equal(info->rsdp, rsdp_v2, sizeof(rsdp_v2));
	free(builder.bytes);
}

static void test_minimal_block_defaults(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	assert_string_equal(info->cmdline, "");
	assert_string_equal(info->bootloader_name, "");
	assert_int_equal(info->module_count, 0);
	assert_int_equal(info->memory_range_count, 2);
	assert_int_equal(info->rsdp_size, 0);
	assert_false(info->rsdp_is_v2);
	assert_false(info->efi64);
	free(builder.bytes);
}

static void test_old_rsdp_alone(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	add_raw_tag(&builder, 14, rsdp_v1, sizeof(rsdp_v1));
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	assert_false(info->rsdp_is_v2);
	assert_int_equal(info->rsdp_size, 20);
	assert_memory_equal(info->rsdp, rsdp_v1, 20);
	free(builder.bytes);
}

/* The caller decides where the block lies; only its physical address must be
 * aligned, so fields are read without assuming the pointer is. */
static void test_unaligned_pointer(void **state)
{
	struct builder builder;
	uint8_t *shifted;

	(void)state;
	build_grub_like(&builder);
	shifted = malloc(builder.size + 3);
	assert_non_null(shifted);
	memcpy(shifted + 3, builder.bytes, builder.size);
	assert_int_equal(mb2_parse(shifted + 3, builder.size, BLOCK_ADDRESS, IMAGE_START,
				   IMAGE_END, info, &error), 0);
	assert_int_equal(info->module_count, 4);
	free(shifted);
	free(builder.bytes);
}

static void test_truncation_at_every_length(void **state)
{
	struct builder builder;
	uint32_t length;

	(void)state;
	build_grub_like(&builder);
	for (length = 0; length < builder.size; length++) {
		/* The caller can read fewer bytes than the block claims. */
		assert_int_equal(parse_copy(builder.bytes, length), -1);
		assert_non_null(error.message);

		/* The block claims to end early, cutting a tag or the end tag off. */
		write32(&builder, 0, length);
		assert_int_equal(parse_copy(builder.bytes, length), -1);
		assert_non_null(error.message);
		write32(&builder, 0, builder.size);
	}
	free(builder.bytes);
}

static void test_random_corruption_fails_cleanly(void **state)
{
	struct builder builder;
	uint32_t random = 0x12345678;
	int round, flip;

	(void)state;
	build_grub_like(&builder);
	for (round = 0; round < 20000; round++) {
		uint8_t *copy = malloc(builder.size);

		assert_non_null(copy);
		memcpy(copy, builder.bytes, builder.size);
		for (flip = 0; flip < 1 + round % 4; flip++) {
			random ^= random << 13;
			random ^= random >> 17;
			random ^= random << 5;
			copy[random % builder.size] = (uint8_t)(random >> 8);
		}
		if (mb2_parse(copy, builder.size, BLOCK_ADDRESS, IMAGE_START, IMAGE_END,
			      info, &error) != 0)
			assert_non_null(error.message);
		free(copy);
	}
	free(builder.bytes);
}

static void test_total_size_exceeds_available(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_copy(builder.bytes, builder.size - 8), -1);
	assert_string_equal(error.message, "total_size exceeds the available bytes");
	assert_int_equal(error.offset, 0);
	assert_int_equal(error.tag_type, 0);
	free(builder.bytes);
}

static void test_total_size_too_small(void **state)
{
	struct builder builder;

	(void)state;
	builder_init(&builder, BUILDER_SIZE);
	add_end(&builder);
	builder_finish(&builder);
	write32(&builder, 0, 15);
	expect_failure(&builder, "total_size too small");
}

static void test_oversized_block(void **state)
{
	struct builder builder;

	(void)state;
	builder_init(&builder, MB2_MAX_INFO_SIZE + 8);
	add_memory_map(&builder, simple_map, 2);
	add_zero_tag(&builder, 0x7777, MB2_MAX_INFO_SIZE - builder.size - 8);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(builder.size, MB2_MAX_INFO_SIZE + 8);
	expect_failure(&builder, "total_size too large");
}

static void test_largest_block_parses(void **state)
{
	struct builder builder;

	(void)state;
	builder_init(&builder, MB2_MAX_INFO_SIZE);
	add_memory_map(&builder, simple_map, 2);
	add_zero_tag(&builder, 0x7777, MB2_MAX_INFO_SIZE - builder.size - 16);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(builder.size, MB2_MAX_INFO_SIZE);
	assert_int_equal(parse_builder(&builder), 0);
	free(builder.bytes);
}

static void test_misaligned_block(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(mb2_parse(builder.bytes, builder.size, BLOCK_ADDRESS + 4, IMAGE_START,
				   IMAGE_END, info, &error), -1);
	assert_string_equal(error.message, "block address not 8-byte aligned");
	free(builder.bytes);
}

static void test_block_wrapping_address_space(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(mb2_parse(builder.bytes, builder.size, 0xfffffffffffffff8ull, 0, 0,
				   info, &error), -1);
	assert_string_equal(error.message, "block wraps around the address space");
	free(builder.bytes);
}

static void test_inverted_image_range(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(mb2_parse(builder.bytes, builder.size, BLOCK_ADDRESS, IMAGE_END,
				   IMAGE_START, info, &error), -1);
	assert_string_equal(error.message, "hypervisor image range inverted");
	free(builder.bytes);
}

static void test_tag_size_below_8(void **state)
{
	struct builder builder;
	uint32_t tag;

	(void)state;
	builder_minimal(&builder);
	tag = tag_begin(&builder, 0x7777);
	add_end(&builder);
	builder_finish(&builder);
	write32(&builder, tag + 4, 7);
	assert_int_equal(parse_builder(&builder), -1);
	assert_string_equal(error.message, "tag size below 8");
	assert_int_equal(error.offset, tag);
	assert_int_equal(error.tag_type, 0x7777);
	free(builder.bytes);
}

static void test_tag_runs_past_end(void **state)
{
	struct builder builder;
	uint32_t tag;

	(void)state;
	builder_minimal(&builder);
	tag = builder.size;
	add_string_tag(&builder, 1, "console");
	add_end(&builder);
	builder_finish(&builder);
	write32(&builder, tag + 4, builder.size - tag + 1);
	assert_int_equal(parse_builder(&builder), -1);
	assert_string_equal(error.message, "tag runs past total_size");
	assert_int_equal(error.offset, tag);
	assert_int_equal(error.tag_type, 1);

	/* A size near 2^32 must not wrap the bounds check. */
	write32(&builder, tag + 4, 0xfffffff8);
	expect_failure(&builder, "tag runs past total_size");
}

static void test_missing_end_tag(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "no end tag");

	/* The last tag's padding would reach past total_size. */
	builder_minimal(&builder);
	add_string_tag(&builder, 1, "abc");  /* size 12, padded to 16 */
	builder.size -= 4;
	builder_finish(&builder);
	expect_failure(&builder, "no end tag");

	builder_minimal(&builder);
	put32(&builder, 0);
	builder_finish(&builder);
	expect_failure(&builder, "tag header runs past total_size");
}

static void test_end_tag_not_last(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	add_end(&builder);
	add_string_tag(&builder, 1, "hidden");
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "end tag is not last");

	/* Trailing zero bytes after the end tag are not padding: the end tag is last. */
	builder_minimal(&builder);
	add_end(&builder);
	put64(&builder, 0);
	builder_finish(&builder);
	expect_failure(&builder, "end tag is not last");
}

static void test_end_tag_size_not_8(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	put32(&builder, 0);
	put32(&builder, 16);
	put64(&builder, 0);
	builder_finish(&builder);
	expect_failure(&builder, "end tag size is not 8");
}

static void test_strings_without_nul(void **state)
{
	struct builder builder;
	uint32_t tag;

	(void)state;
	builder_minimal(&builder);
	add_raw_tag(&builder, 1, "console", 7);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "command line not NUL-terminated");

	builder_minimal(&builder);
	add_raw_tag(&builder, 1, "", 0);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "command line not NUL-terminated");

	builder_minimal(&builder);
	add_raw_tag(&builder, 2, "GRUB", 4);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "boot loader name not NUL-terminated");

	/* The padding after the tag is zero, but it is not part of the string. */
	builder_minimal(&builder);
	tag = tag_begin(&builder, 3);
	put32(&builder, 0x1000000);
	put32(&builder, 0x1001000);
	put(&builder, "kernel", 6);
	tag_end(&builder, tag);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "module string not NUL-terminated");
}

static void test_strings_too_long(void **state)
{
	struct builder builder;
	char string[MB2_MAX_CMDLINE + 1];

	(void)state;
	memset(string, 'a', sizeof(string));
	string[MB2_MAX_CMDLINE] = '\0';
	builder_minimal(&builder);
	add_string_tag(&builder, 1, string);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "command line too long");

	string[MB2_MAX_CMDLINE - 1] = '\0';
	builder_minimal(&builder);
	add_string_tag(&builder, 1, string);
	add_module(&builder, 0x1000000, 0x1001000, string);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	assert_int_equal(strlen(info->cmdline), MB2_MAX_CMDLINE - 1);
	assert_int_equal(strlen(info->modules[0].cmdline), MB2_MAX_CMDLINE - 1);
	free(builder.bytes);

	string[MB2_MAX_CMDLINE - 1] = 'a';
	builder_minimal(&builder);
	add_module(&builder, 0x1000000, 0x1001000, string);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "module string too long");

	string[MB2_MAX_NAME] = '\0';
	builder_minimal(&builder);
	add_string_tag(&builder, 2, string);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "boot loader name too long");
}

static void test_too_many_modules(void **state)
{
	struct builder builder;
	uint32_t i;

	(void)state;
	builder_minimal(&builder);
	for (i = 0; i < MB2_MAX_MODULES; i++)
		add_module(&builder, 0x1000000 + i * 0x1000, 0x1001000 + i * 0x1000, "m");
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	assert_int_equal(info->module_count, MB2_MAX_MODULES);
	free(builder.bytes);

	builder_minimal(&builder);
	for (i = 0; i <= MB2_MAX_MODULES; i++)
		add_module(&builder, 0x1000000 + i * 0x1000, 0x1001000 + i * 0x1000, "m");
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "too many modules");
}

static void test_module_bounds(void **state)
{
	struct builder builder;
	uint32_t tag;

	(void)state;
	builder_minimal(&builder);
	tag = builder.size;
	add_module(&builder, 0x1001000, 0x1000000, "kernel");
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), -1);
	assert_string_equal(error.message, "module ends before it starts");
	assert_int_equal(error.offset, tag);
	assert_int_equal(error.tag_type, 3);
	free(builder.bytes);

	builder_minimal(&builder);
	tag = tag_begin(&builder, 3);
	put32(&builder, 0x1000000);
	tag_end(&builder, tag);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "module tag too short");

	/* An empty file is a valid module and occupies nothing, even inside another. */
	builder_minimal(&builder);
	add_module(&builder, 0x1000000, 0x1002000, "initrd");
	add_module(&builder, 0x1001000, 0x1001000, "policy");
	add_module(&builder, IMAGE_START + 0x1000, IMAGE_START + 0x1000, "empty");
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	assert_int_equal(info->modules[1].start, info->modules[1].end);
	free(builder.bytes);
}

static void test_overlapping_modules(void **state)
{
	struct builder builder;
	uint32_t tag;

	(void)state;
	builder_minimal(&builder);
	add_module(&builder, 0x1000000, 0x1002000, "kernel");
	tag = builder.size;
	add_module(&builder, 0x1001fff, 0x1003000, "initrd");
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), -1);
	assert_string_equal(error.message, "modules overlap");
	assert_int_equal(error.offset, tag);
	free(builder.bytes);

	builder_minimal(&builder);
	add_module(&builder, 0x1000000, 0x1004000, "kernel");
	add_module(&builder, 0x1001000, 0x1002000, "initrd");  /* contained */
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "modules overlap");

	/* Touching is not overlapping: the end is exclusive. */
	builder_minimal(&builder);
	add_module(&builder, 0x1002000, 0x1003000, "initrd");
	add_module(&builder, 0x1000000, 0x1002000, "kernel");
	add_module(&builder, 0x1003000, 0x1004000, "policy");
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	free(builder.bytes);
}

static void test_module_overlapping_image(void **state)
{
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	add_module(&builder, IMAGE_END - 1, IMAGE_END + 0x1000, "kernel");
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "module overlaps the hypervisor image");

	builder_minimal(&builder);
	add_module(&builder, IMAGE_START - 0x1000, IMAGE_START + 1, "kernel");
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "module overlaps the hypervisor image");

	builder_minimal(&builder);
	add_module(&builder, IMAGE_START - 0x1000, IMAGE_START, "kernel");
	add_module(&builder, IMAGE_END, IMAGE_END + 0x1000, "initrd");
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	free(builder.bytes);
}

static void test_module_overlapping_block(void **state)
{
	struct builder builder;
	uint32_t tag;

	(void)state;
	builder_minimal(&builder);
	add_module(&builder, 0x0, BLOCK_ADDRESS + 1, "kernel");
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "module overlaps the multiboot2 block");

	/* Starting at the last byte of the block, then right after it. */
	builder_minimal(&builder);
	tag = builder.size;
	add_module(&builder, 0, 0x100000, "kernel");
	add_end(&builder);
	builder_finish(&builder);
	write32(&builder, tag + 8, BLOCK_ADDRESS + builder.size - 1);
	assert_int_equal(parse_builder(&builder), -1);
	assert_string_equal(error.message, "module overlaps the multiboot2 block");
	write32(&builder, tag + 8, BLOCK_ADDRESS + builder.size);
	assert_int_equal(parse_builder(&builder), 0);
	free(builder.bytes);
}

static void test_duplicate_singletons(void **state)
{
	static const struct {
		uint32_t type;
		const void *data;
		uint32_t size;
		const char *message;
	} cases[] = {
		{ 1, "a", 2, "duplicate command line tag" },
		{ 2, "GRUB", 5, "duplicate boot loader name tag" },
		{ 12, "\0\0\0\0\0\0\0\0", 8, "duplicate EFI 64-bit system table tag" },
		{ 14, rsdp_v1, sizeof(rsdp_v1), "duplicate ACPI old RSDP tag" },
		{ 15, rsdp_v2, sizeof(rsdp_v2), "duplicate ACPI new RSDP tag" },
	};
	struct builder builder;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		builder_minimal(&builder);
		add_raw_tag(&builder, cases[i].type, cases[i].data, cases[i].size);
		add_raw_tag(&builder, cases[i].type, cases[i].data, cases[i].size);
		add_end(&builder);
		builder_finish(&builder);
		expect_failure(&builder, cases[i].message);
	}
}

static void test_duplicate_memory_map(void **state)
{
	struct builder builder;
	uint32_t tag;

	(void)state;
	builder_minimal(&builder);
	tag = builder.size;
	add_memory_map(&builder, simple_map, 2);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), -1);
	assert_string_equal(error.message, "duplicate memory map tag");
	assert_int_equal(error.offset, tag);
	assert_int_equal(error.tag_type, 6);
	free(builder.bytes);
}

static void test_missing_memory_map(void **state)
{
	struct builder builder;

	(void)state;
	builder_init(&builder, BUILDER_SIZE);
	add_string_tag(&builder, 1, "console");
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), -1);
	assert_string_equal(error.message, "no memory map tag");
	assert_int_equal(error.tag_type, 6);
	free(builder.bytes);
}

static void test_bad_memory_map_layout(void **state)
{
	struct builder builder;
	uint32_t tag;

	(void)state;
	builder_init(&builder, BUILDER_SIZE);
	add_memory_map(&builder, simple_map, 2);
	add_end(&builder);
	builder_finish(&builder);
	write32(&builder, 16, 16);
	expect_failure(&builder, "bad memory map entry_size");

	builder_init(&builder, BUILDER_SIZE);
	add_memory_map_sized(&builder, simple_map, 1, 28);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "bad memory map entry_size");

	builder_init(&builder, BUILDER_SIZE);
	add_memory_map(&builder, simple_map, 2);
	add_end(&builder);
	builder_finish(&builder);
	write32(&builder, 16, 0);
	expect_failure(&builder, "bad memory map entry_size");

	builder_init(&builder, BUILDER_SIZE);
	add_memory_map(&builder, simple_map, 2);
	add_end(&builder);
	builder_finish(&builder);
	write32(&builder, 20, 1);
	expect_failure(&builder, "unknown memory map entry_version");

	/* Two 24-byte entries described as 32-byte ones. */
	builder_init(&builder, BUILDER_SIZE);
	add_memory_map(&builder, simple_map, 2);
	add_end(&builder);
	builder_finish(&builder);
	write32(&builder, 16, 32);
	expect_failure(&builder, "memory map size not a multiple of entry_size");

	builder_init(&builder, BUILDER_SIZE);
	tag = tag_begin(&builder, 6);
	put32(&builder, 24);
	tag_end(&builder, tag);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "memory map tag too short");
}

static void test_larger_memory_map_entries(void **state)
{
	struct builder builder;

	(void)state;
	builder_init(&builder, BUILDER_SIZE);
	add_memory_map_sized(&builder, simple_map, 2, 40);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	assert_int_equal(info->memory_range_count, 2);
	assert_int_equal(info->memory[1].base, 0x100000);
	assert_int_equal(info->memory[1].length, 0x7ef0000);
	assert_int_equal(info->memory[1].type, MB2_MEMORY_AVAILABLE);
	free(builder.bytes);
}

static void test_overflowing_memory_map_entry(void **state)
{
	static const struct mmap_entry top[] = {
		{ 0xfffffffffffff000ull, 0xfff, MB2_MEMORY_RESERVED },
	};
	static const struct mmap_entry overflow[] = {
		{ 0x100000, 0x100000, MB2_MEMORY_AVAILABLE },
		{ 0xfffffffffffff000ull, 0x1000, MB2_MEMORY_RESERVED },
	};
	struct builder builder;

	(void)state;
	builder_init(&builder, BUILDER_SIZE);
	add_memory_map(&builder, top, 1);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	free(builder.bytes);

	builder_init(&builder, BUILDER_SIZE);
	add_memory_map(&builder, overflow, 2);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "memory map entry overflows");
}

static void test_too_many_memory_map_entries(void **state)
{
	static struct mmap_entry map[MB2_MAX_MEMORY_RANGES + 1];
	struct builder builder;
	unsigned int i;

	(void)state;
	for (i = 0; i < MB2_MAX_MEMORY_RANGES + 1; i++) {
		map[i].base = 0x100000ull * i;
		map[i].length = 0x1000;
		map[i].type = MB2_MEMORY_AVAILABLE;
	}
	builder_init(&builder, BUILDER_SIZE);
	add_memory_map(&builder, map, MB2_MAX_MEMORY_RANGES);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	assert_int_equal(info->memory_range_count, MB2_MAX_MEMORY_RANGES);
	free(builder.bytes);

	builder_init(&builder, BUILDER_SIZE);
	add_memory_map(&builder, map, MB2_MAX_MEMORY_RANGES + 1);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "too many memory map entries");

	/* Zero-length entries carry nothing and do not count. */
	map[0].length = 0;
	builder_init(&builder, BUILDER_SIZE);
	add_memory_map(&builder, map, MB2_MAX_MEMORY_RANGES + 1);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	assert_int_equal(info->memory_range_count, MB2_MAX_MEMORY_RANGES);
	free(builder.bytes);
}

static void test_bad_rsdp_and_efi_sizes(void **state)
{
	uint8_t big[MB2_MAX_RSDP + 1] = { 0 };
	struct builder builder;

	(void)state;
	builder_minimal(&builder);
	add_raw_tag(&builder, 14, rsdp_v1, 19);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "ACPI old RSDP is not 20 bytes");

	builder_minimal(&builder);
	add_raw_tag(&builder, 14, rsdp_v2, 36);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "ACPI old RSDP is not 20 bytes");

	builder_minimal(&builder);
	add_raw_tag(&builder, 15, rsdp_v2, 35);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "ACPI new RSDP too short");

	builder_minimal(&builder);
	add_raw_tag(&builder, 15, big, sizeof(big));
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "ACPI new RSDP too long");

	builder_minimal(&builder);
	add_raw_tag(&builder, 15, big, MB2_MAX_RSDP);
	add_end(&builder);
	builder_finish(&builder);
	assert_int_equal(parse_builder(&builder), 0);
	assert_int_equal(info->rsdp_size, MB2_MAX_RSDP);
	free(builder.bytes);

	builder_minimal(&builder);
	add_raw_tag(&builder, 12, big, 4);
	add_end(&builder);
	builder_finish(&builder);
	expect_failure(&builder, "EFI 64-bit system table tag is not 16 bytes");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grub_like_block_parses),
		cmocka_unit_test(test_minimal_block_defaults),
		cmocka_unit_test(test_old_rsdp_alone),
		cmocka_unit_test(test_unaligned_pointer),
		cmocka_unit_test(test_truncation_at_every_length),
		cmocka_unit_test(test_random_corruption_fails_cleanly),
		cmocka_unit_test(test_total_size_exceeds_available),
		cmocka_unit_test(test_total_size_too_small),
		cmocka_unit_test(test_oversized_block),
		cmocka_unit_test(test_largest_block_parses),
		cmocka_unit_test(test_misaligned_block),
		cmocka_unit_test(test_block_wrapping_address_space),
		cmocka_unit_test(test_inverted_image_range),
		cmocka_unit_test(test_tag_size_below_8),
		cmocka_unit_test(test_tag_runs_past_end),
		cmocka_unit_test(test_missing_end_tag),
		cmocka_unit_test(test_end_tag_not_last),
		cmocka_unit_test(test_end_tag_size_not_8),
		cmocka_unit_test(test_strings_without_nul),
		cmocka_unit_test(test_strings_too_long),
		cmocka_unit_test(test_too_many_modules),
		cmocka_unit_test(test_module_bounds),
		cmocka_unit_test(test_overlapping_modules),
		cmocka_unit_test(test_module_overlapping_image),
		cmocka_unit_test(test_module_overlapping_block),
		cmocka_unit_test(test_duplicate_singletons),
		cmocka_unit_test(test_duplicate_memory_map),
		cmocka_unit_test(test_missing_memory_map),
		cmocka_unit_test(test_bad_memory_map_layout),
		cmocka_unit_test(test_larger_memory_map_entries),
		cmocka_unit_test(test_overflowing_memory_map_entry),
		cmocka_unit_test(test_too_many_memory_map_entries),
		cmocka_unit_test(test_bad_rsdp_and_efi_sizes),
	};
	int failures;

	info = malloc(sizeof(*info));
	assert_non_null(info);
	failures = cmocka_run_group_tests(tests, NULL, NULL);
	free(info);
	return failures;
}
