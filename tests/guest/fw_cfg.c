#include <stdint.h>
#include <string.h>

#include "arch/x86/cpu.h"
#include "fw_cfg.h"

#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIRECTORY 0x0019
#define FW_CFG_NAME_SIZE 56

static void select_item(uint16_t item)
{
	__asm__ volatile("outw %0, %1" : : "a"(item), "Nd"((uint16_t)FW_CFG_SELECTOR));
}

static void read_data(void *out, size_t size)
{
	uint8_t *bytes = out;

	for (size_t i = 0; i < size; i++)
		bytes[i] = inb(FW_CFG_DATA);
}

static uint32_t big_endian32(const uint8_t bytes[4])
{
	return (uint32_t)bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3];
}

int fw_cfg_read_file(const char *name, char *out, size_t capacity)
{
	uint8_t signature[4], count_bytes[4];
	uint32_t count;

	select_item(FW_CFG_SIGNATURE);
	read_data(signature, sizeof(signature));
	if (memcmp(signature, "QEMU", 4))
		return -1;
	select_item(FW_CFG_FILE_DIRECTORY);
	read_data(count_bytes, sizeof(count_bytes));
	count = big_endian32(count_bytes);
	for (uint32_t i = 0; i < count; i++) {
		struct {
			uint8_t size[4];
			uint8_t select[2];
			uint8_t reserved[2];
			char name[FW_CFG_NAME_SIZE];
		} entry;
		uint32_t size;

		read_data(&entry, sizeof(entry));
		if (strncmp(entry.name, name, FW_CFG_NAME_SIZE))
			continue;
		size = big_endian32(entry.size);
		if (size >= capacity)
			return -1;
		select_item((uint16_t)(entry.select[0] << 8 | entry.select[1]));
		read_data(out, size);
		out[size] = '\0';
		return (int)size;
	}
	return -1;
}
