/* Writes a few well-formed multiboot2 blocks into a corpus directory, so the fuzzer
 * starts from blocks that parse instead of having to discover the tag layout. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct builder {
	uint8_t bytes[4096];
	uint32_t size;
};

static void put(struct builder *builder, const void *data, uint32_t size)
{
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

static uint32_t tag_begin(struct builder *builder, uint32_t type)
{
	uint32_t offset = builder->size;

	put32(builder, type);
	put32(builder, 0);
	return offset;
}

static void tag_end(struct builder *builder, uint32_t offset)
{
	uint32_t size = builder->size - offset;

	memcpy(builder->bytes + offset + 4, &size, sizeof(size));
	while (builder->size % 8)
		builder->bytes[builder->size++] = 0;
}

static void add_raw_tag(struct builder *builder, uint32_t type, const void *data, uint32_t size)
{
	uint32_t tag = tag_begin(builder, type);

	put(builder, data, size);
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

static void add_memory_map(struct builder *builder, uint32_t entry_size)
{
	static const uint64_t map[][3] = {
		{ 0x0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0x100000, 0x7ee0000, 1 },
		{ 0x7fe0000, 0x20000, 3 },
		{ 0x100000000ull, 0x0, 1 },
	};
	uint32_t tag = tag_begin(builder, 6), i, extra;

	put32(builder, entry_size);
	put32(builder, 0);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		put64(builder, map[i][0]);
		put64(builder, map[i][1]);
		put32(builder, (uint32_t)map[i][2]);
		for (extra = 20; extra < entry_size; extra += 4)
			put32(builder, 0);
	}
	tag_end(builder, tag);
}

static int finish(struct builder *builder, const char *directory, const char *name)
{
	char path[4096];
	FILE *file;
	int ok;

	put32(builder, 0);
	put32(builder, 8);
	memcpy(builder->bytes, &builder->size, sizeof(builder->size));
	snprintf(path, sizeof(path), "%s/%s", directory, name);
	file = fopen(path, "wb");
	if (!file) {
		perror(path);
		return -1;
	}
	ok = fwrite(builder->bytes, 1, builder->size, file) == builder->size;
	return fclose(file) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const uint8_t rsdp_v1[20] = "RSD PTR ";
	static const uint8_t rsdp_v2[36] = "RSD PTR ";
	uint64_t efi_system_table = 0x7f9ee018;
	struct builder builder;
	int failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s corpus-directory\n", argv[0]);
		return 2;
	}

	builder.size = 8;
	add_memory_map(&builder, 24);
	failed |= finish(&builder, argv[1], "seed-minimal");

	builder.size = 8;
	add_string_tag(&builder, 1, "sbx.log=serial");
	add_string_tag(&builder, 2, "GRUB 2.06");
	add_module(&builder, 0x1000000, 0x1000800, "policy");
	add_module(&builder, 0x1001000, 0x1041000, "securebox");
	add_module(&builder, 0x1042000, 0x1a00000, "kernel console=ttyS0 quiet");
	add_module(&builder, 0x1a00000, 0x1a00000, "initrd");
	add_memory_map(&builder, 24);
	add_raw_tag(&builder, 0x7777, "x", 1);
	add_raw_tag(&builder, 12, &efi_system_table, sizeof(efi_system_table));
	add_raw_tag(&builder, 14, rsdp_v1, sizeof(rsdp_v1));
	add_raw_tag(&builder, 15, rsdp_v2, sizeof(rsdp_v2));
	failed |= finish(&builder, argv[1], "seed-grub");

	builder.size = 8;
	add_memory_map(&builder, 32);
	add_module(&builder, 0x1000, 0x2000, "");
	failed |= finish(&builder, argv[1], "seed-wide-entries");

	return failed ? 1 : 0;
}
