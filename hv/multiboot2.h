/* Strict parser for the multiboot2 boot information block (GRUB -> hv).
 *
 * Everything the hypervisor keeps is copied out of the block, so the block's memory
 * may be reused once mb2_parse() returns (later it becomes commodity guest RAM). */
#ifndef SBX_HV_MULTIBOOT2_H
#define SBX_HV_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

#define MB2_MAX_INFO_SIZE     (1u << 20)  /* larger blocks are rejected as malformed */
#define MB2_MAX_MODULES       16
#define MB2_MAX_MEMORY_RANGES 128
#define MB2_MAX_CMDLINE       2048        /* bytes including the terminating NUL */
#define MB2_MAX_NAME          64          /* boot loader name, including NUL */
#define MB2_MAX_RSDP          64          /* ACPI 2.0 RSDP is 36 bytes; room to spare */

/* Memory map entry types, as multiboot2 passes them from the firmware. */
#define MB2_MEMORY_AVAILABLE        1
#define MB2_MEMORY_RESERVED         2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS              4
#define MB2_MEMORY_BAD              5

struct mb2_memory_range {
	uint64_t base;
	uint64_t length;
	uint32_t type;
};

struct mb2_module {
	uint64_t start; /* physical, inclusive */
	uint64_t end;   /* physical, exclusive */
	char cmdline[MB2_MAX_CMDLINE];
};

struct mb2_info {
	char cmdline[MB2_MAX_CMDLINE];          /* "" when the tag is absent */
	char bootloader_name[MB2_MAX_NAME];     /* "" when the tag is absent */
	uint32_t memory_range_count;
	struct mb2_memory_range memory[MB2_MAX_MEMORY_RANGES];
	uint32_t module_count;
	struct mb2_module modules[MB2_MAX_MODULES];
	uint32_t rsdp_size;                     /* 0 when no ACPI RSDP tag */
	uint8_t rsdp[MB2_MAX_RSDP];             /* copy of the RSDP; GRUB may pass both
	                                         * the old and the new tag, the new wins */
	bool rsdp_is_v2;
	bool efi64;                             /* an EFI 64-bit system table tag was present */
	uint64_t efi64_system_table;
};

/* Where parsing stopped, for a message a human can act on. */
struct mb2_error {
	const char *message;  /* static string, e.g. "tag runs past total_size" */
	uint32_t offset;      /* byte offset of the offending tag in the block */
	uint32_t tag_type;    /* its type, or 0 when the header itself is bad */
};

/* Parses the block at `mbi`, reading at most `available` bytes from it (whatever the
 * block claims). `mbi_address` is the block's physical address, which must be 8-byte
 * aligned; `mbi` itself may have any alignment. Modules must not overlap each other,
 * the block itself, or the hypervisor image [image_start, image_end); an empty module
 * overlaps nothing. Unknown tags are skipped; a second copy of a tag that describes
 * one thing (command line, boot loader name, memory map, EFI system table, either
 * RSDP) is an error, and so is a missing memory map. Returns 0 and fills `info`, or
 * -1 and fills `error`; `info` is then unspecified. */
int mb2_parse(const void *mbi, size_t available, uint64_t mbi_address,
	      uint64_t image_start, uint64_t image_end,
	      struct mb2_info *info, struct mb2_error *error);

#endif
