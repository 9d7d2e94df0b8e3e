/* Strict parser for the multiboot2 boot information block.
 *
 * The block is input, not trusted structure: every length is checked against
 * total_size (itself checked against what the caller can read) before a byte behind
 * it is touched, and every field is read with memcpy because the caller decides
 * where the block lies in its own address space. */
#include <string.h>

#include "multiboot2.h"
#include "unaligned.h"

#define TAG_ALIGN              8
#define BLOCK_HEADER_SIZE      8   /* total_size, reserved */
#define TAG_HEADER_SIZE        8   /* type, size */
#define MIN_TOTAL_SIZE         (BLOCK_HEADER_SIZE + TAG_HEADER_SIZE)
#define MODULE_HEADER_SIZE     16  /* tag header, mod_start, mod_end */
#define MEMORY_MAP_HEADER_SIZE 16  /* tag header, entry_size, entry_version */
#define MEMORY_MAP_ENTRY_SIZE  24  /* base, length, type, reserved */
#define EFI64_TAG_SIZE         16  /* tag header, pointer */
#define RSDP_V1_SIZE           20
#define RSDP_V2_MIN_SIZE       36

enum tag_type {
	TAG_END = 0,
	TAG_CMDLINE = 1,
	TAG_BOOTLOADER_NAME = 2,
	TAG_MODULE = 3,
	TAG_MEMORY_MAP = 6,
	TAG_EFI64_SYSTEM_TABLE = 12,
	TAG_ACPI_OLD_RSDP = 14,
	TAG_ACPI_NEW_RSDP = 15,
};

/* Tags that describe one thing: a second copy would leave us guessing which one
 * GRUB meant, so it is rejected. Modules are the only repeating tag we know. */
static const char *const duplicate_messages[] = {
	[TAG_CMDLINE] = "duplicate command line tag",
	[TAG_BOOTLOADER_NAME] = "duplicate boot loader name tag",
	[TAG_MEMORY_MAP] = "duplicate memory map tag",
	[TAG_EFI64_SYSTEM_TABLE] = "duplicate EFI 64-bit system table tag",
	[TAG_ACPI_OLD_RSDP] = "duplicate ACPI old RSDP tag",
	[TAG_ACPI_NEW_RSDP] = "duplicate ACPI new RSDP tag",
};

struct block {
	const uint8_t *bytes;
	uint32_t total_size;
	uint64_t address;
	uint64_t image_start;
	uint64_t image_end;
};

struct tag {
	const uint8_t *bytes;  /* at the tag header */
	uint32_t type;
	uint32_t size;         /* header included, padding excluded */
};

/* No overflow: a tag's size was checked against total_size, at most 1 MiB. */
static uint32_t align_tag_size(uint32_t size)
{
	return (size + TAG_ALIGN - 1) & ~(uint32_t)(TAG_ALIGN - 1);
}

/* Empty ranges overlap nothing: an empty module occupies no memory. */
static bool ranges_overlap(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end)
{
	return a_start < a_end && b_start < b_end && a_start < b_end && b_start < a_end;
}

/* The string must end inside the tag; trusting it to end somewhere would let it
 * run into the next tag or past the block. */
static const char *copy_string(char *dest, size_t dest_size, const uint8_t *source,
			       uint32_t source_size, const char *unterminated,
			       const char *too_long)
{
	uint32_t length = 0;

	while (length < source_size && source[length] != '\0')
		length++;
	if (length == source_size)
		return unterminated;
	if (length >= dest_size)
		return too_long;
	memcpy(dest, source, length + 1);
	return NULL;
}

static const char *parse_module(struct mb2_info *info, const struct block *block,
				const struct tag *tag)
{
	struct mb2_module *module;
	const char *message;
	uint32_t i;

	if (tag->size < MODULE_HEADER_SIZE)
		return "module tag too short";
	if (info->module_count == MB2_MAX_MODULES)
		return "too many modules";

	module = &info->modules[info->module_count];
	module->start = read32(tag->bytes + 8);
	module->end = read32(tag->bytes + 12);
	/* An empty file legitimately gives start == end. */
	if (module->start > module->end)
		return "module ends before it starts";
	message = copy_string(module->cmdline, sizeof(module->cmdline),
			      tag->bytes + MODULE_HEADER_SIZE, tag->size - MODULE_HEADER_SIZE,
			      "module string not NUL-terminated", "module string too long");
	if (message)
		return message;

	/* Modules are measured and handed to guests; one that aliases the hypervisor,
	 * the block or another module would let one role's bytes change another's. */
	if (ranges_overlap(module->start, module->end, block->image_start, block->image_end))
		return "module overlaps the hypervisor image";
	if (ranges_overlap(module->start, module->end, block->address,
			   block->address + block->total_size))
		return "module overlaps the multiboot2 block";
	for (i = 0; i < info->module_count; i++)
		if (ranges_overlap(module->start, module->end,
				   info->modules[i].start, info->modules[i].end))
			return "modules overlap";

	info->module_count++;
	return NULL;
}

static const char *parse_memory_map(struct mb2_info *info, const struct tag *tag)
{
	uint32_t entry_size, offset;

	if (tag->size < MEMORY_MAP_HEADER_SIZE)
		return "memory map tag too short";
	entry_size = read32(tag->bytes + 8);
	/* Larger entries are allowed for future fields; we read the first 24 bytes. */
	if (entry_size < MEMORY_MAP_ENTRY_SIZE || entry_size % 8 != 0)
		return "bad memory map entry_size";
	if (read32(tag->bytes + 12) != 0)
		return "unknown memory map entry_version";
	if ((tag->size - MEMORY_MAP_HEADER_SIZE) % entry_size != 0)
		return "memory map size not a multiple of entry_size";

	for (offset = MEMORY_MAP_HEADER_SIZE; offset < tag->size; offset += entry_size) {
		struct mb2_memory_range *range;
		uint64_t base = read64(tag->bytes + offset);
		uint64_t length = read64(tag->bytes + offset + 8);

		if (length == 0)
			continue;
		if (base > UINT64_MAX - length)
			return "memory map entry overflows";
		if (info->memory_range_count == MB2_MAX_MEMORY_RANGES)
			return "too many memory map entries";
		range = &info->memory[info->memory_range_count++];
		range->base = base;
		range->length = length;
		range->type = read32(tag->bytes + offset + 16);
	}
	return NULL;
}

static const char *parse_rsdp(struct mb2_info *info, const struct tag *tag)
{
	uint32_t size = tag->size - TAG_HEADER_SIZE;
	bool is_v2 = tag->type == TAG_ACPI_NEW_RSDP;

	if (!is_v2 && size != RSDP_V1_SIZE)
		return "ACPI old RSDP is not 20 bytes";
	if (is_v2 && size < RSDP_V2_MIN_SIZE)
		return "ACPI new RSDP too short";
	if (size > MB2_MAX_RSDP)
		return "ACPI new RSDP too long";
	/* GRUB passes both tags when the firmware offers both; the new one carries
	 * the XSDT, so it wins whatever the order. */
	if (!is_v2 && info->rsdp_is_v2)
		return NULL;
	memcpy(info->rsdp, tag->bytes + TAG_HEADER_SIZE, size);
	info->rsdp_size = size;
	info->rsdp_is_v2 = is_v2;
	return NULL;
}

static const char *parse_tag(struct mb2_info *info, const struct block *block,
			     const struct tag *tag)
{
	switch (tag->type) {
	case TAG_CMDLINE:
		return copy_string(info->cmdline, sizeof(info->cmdline),
				   tag->bytes + TAG_HEADER_SIZE, tag->size - TAG_HEADER_SIZE,
				   "command line not NUL-terminated", "command line too long");
	case TAG_BOOTLOADER_NAME:
		return copy_string(info->bootloader_name, sizeof(info->bootloader_name),
				   tag->bytes + TAG_HEADER_SIZE, tag->size - TAG_HEADER_SIZE,
				   "boot loader name not NUL-terminated",
				   "boot loader name too long");
	case TAG_MODULE:
		return parse_module(info, block, tag);
	case TAG_MEMORY_MAP:
		return parse_memory_map(info, tag);
	case TAG_EFI64_SYSTEM_TABLE:
		if (tag->size != EFI64_TAG_SIZE)
			return "EFI 64-bit system table tag is not 16 bytes";
		info->efi64 = true;
		info->efi64_system_table = read64(tag->bytes + TAG_HEADER_SIZE);
		return NULL;
	case TAG_ACPI_OLD_RSDP:
	case TAG_ACPI_NEW_RSDP:
		return parse_rsdp(info, tag);
	default:
		/* The spec lets boot loaders add tags; the walk has bounds-checked it. */
		return NULL;
	}
}

static const char *check_header(struct block *block, size_t available)
{
	if (block->address % TAG_ALIGN != 0)
		return "block address not 8-byte aligned";
	if (available < BLOCK_HEADER_SIZE)
		return "block shorter than its header";
	block->total_size = read32(block->bytes);
	if (block->total_size < MIN_TOTAL_SIZE)
		return "total_size too small";
	if (block->total_size > MB2_MAX_INFO_SIZE)
		return "total_size too large";
	if (block->total_size > available)
		return "total_size exceeds the available bytes";
	if (block->address > UINT64_MAX - block->total_size)
		return "block wraps around the address space";
	if (block->image_end < block->image_start)
		return "hypervisor image range inverted";
	return NULL;
}

int mb2_parse(const void *mbi, size_t available, uint64_t mbi_address,
	      uint64_t image_start, uint64_t image_end,
	      struct mb2_info *info, struct mb2_error *error)
{
	struct block block = {
		.bytes = mbi,
		.address = mbi_address,
		.image_start = image_start,
		.image_end = image_end,
	};
	uint32_t offset, seen = 0;
	const char *message;
	struct tag tag;

	memset(info, 0, sizeof(*info));
	error->offset = 0;
	error->tag_type = 0;

	message = check_header(&block, available);
	if (message)
		goto fail;

	for (offset = BLOCK_HEADER_SIZE;; offset += align_tag_size(tag.size)) {
		error->offset = offset;
		error->tag_type = 0;
		if (offset >= block.total_size) {
			message = "no end tag";
			goto fail;
		}
		if (block.total_size - offset < TAG_HEADER_SIZE) {
			message = "tag header runs past total_size";
			goto fail;
		}

		tag.bytes = block.bytes + offset;
		tag.type = read32(tag.bytes);
		tag.size = read32(tag.bytes + 4);
		error->tag_type = tag.type;
		if (tag.size < TAG_HEADER_SIZE) {
			message = "tag size below 8";
			goto fail;
		}
		if (tag.size > block.total_size - offset) {
			message = "tag runs past total_size";
			goto fail;
		}

		if (tag.type == TAG_END) {
			if (tag.size != TAG_HEADER_SIZE) {
				message = "end tag size is not 8";
				goto fail;
			}
			/* Bytes after the end tag would be data nobody checked. */
			if (offset + TAG_HEADER_SIZE != block.total_size) {
				message = "end tag is not last";
				goto fail;
			}
			break;
		}

		if (tag.type < sizeof(duplicate_messages) / sizeof(duplicate_messages[0]) &&
		    duplicate_messages[tag.type]) {
			if (seen & (1u << tag.type)) {
				message = duplicate_messages[tag.type];
				goto fail;
			}
			seen |= 1u << tag.type;
		}

		message = parse_tag(info, &block, &tag);
		if (message)
			goto fail;
	}

	/* Without a memory map the allocator could not tell RAM from MMIO. */
	if (!(seen & (1u << TAG_MEMORY_MAP))) {
		error->offset = 0;
		error->tag_type = TAG_MEMORY_MAP;
		message = "no memory map tag";
		goto fail;
	}
	return 0;

fail:
	error->message = message;
	return -1;
}
