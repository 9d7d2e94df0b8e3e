/* Unit tests for CPU discovery from the ACPI MADT. The tables are the ones QEMU's
 * firmware builds (tests/unit/fixtures/acpi_*: SeaBIOS with -smp 1, 2 and 4, OVMF
 * with -smp 2), placed at their real addresses in a fake physical memory whose
 * regions are heap buffers of exactly the table's size, so ASan reports any read
 * the reader would let past a table. Corruptions start from those tables. QEMU's
 * x86 firmware gives an ACPI 1.0 RSDP and an RSDT only: the XSDT cases are built
 * from the real RSDT. */
#include <dirent.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_topology.h"

#define FIXTURES       "tests/unit/fixtures/"
#define MAX_REGIONS    32
#define HEADER_SIZE    36
#define MADT_FIXED     44
#define CHECKSUM       9
#define FREE_BASE      0x80000000ull   /* where replaced tables go: no fixture is there */
#define FREE_STRIDE    0x100000ull
#define UNMAPPED       0xdead0000ull
#define RSDP_V1_SIZE   20
#define RSDP_V2_SIZE   36

struct region {
	uint64_t address;
	uint8_t *bytes;  /* malloc'd, exactly `size` */
	size_t size;
};

struct world {
	uint8_t rsdp[64];
	size_t rsdp_size;
	struct region regions[MAX_REGIONS];
	size_t region_count;
	unsigned replaced;
};

static struct world world;
static struct cpu_topology topology;
static struct cpu_topology_error error;

static int read_fake_memory(uint64_t address, void *buffer, size_t size, void *context)
{
	struct world *memory = context;
	size_t i;

	for (i = 0; i < memory->region_count; i++) {
		const struct region *region = &memory->regions[i];

		if (address >= region->address && address - region->address <= region->size &&
		    size <= region->size - (address - region->address)) {
			memcpy(buffer, region->bytes + (address - region->address), size);
			return 0;
		}
	}
	return -1;
}

static uint8_t sum(const uint8_t *bytes, size_t size)
{
	uint8_t total = 0;

	while (size--)
		total += *bytes++;
	return total;
}

static uint32_t get32(const uint8_t *bytes)
{
	uint32_t value;

	memcpy(&value, bytes, sizeof(value));
	return value;
}

static void put32(uint8_t *bytes, uint32_t value)
{
	memcpy(bytes, &value, sizeof(value));
}

static void put64(uint8_t *bytes, uint64_t value)
{
	memcpy(bytes, &value, sizeof(value));
}

static void fix_checksum(struct region *region)
{
	region->bytes[CHECKSUM] -= sum(region->bytes, region->size);
}

static void fix_rsdp_checksums(void)
{
	world.rsdp[8] -= sum(world.rsdp, RSDP_V1_SIZE);
	if (world.rsdp[15] >= 2)
		world.rsdp[32] -= sum(world.rsdp, get32(world.rsdp + 20));
}

static struct region *add_region(uint64_t address, const void *bytes, size_t size)
{
	struct region *region;

	assert_true(world.region_count < MAX_REGIONS);
	region = &world.regions[world.region_count++];
	region->address = address;
	region->size = size;
	region->bytes = malloc(size ? size : 1);
	assert_non_null(region->bytes);
	memcpy(region->bytes, bytes, size);
	return region;
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *file = fopen(path, "rb");
	uint8_t *bytes = malloc(1 << 16);

	assert_non_null(file);
	assert_non_null(bytes);
	*size = fread(bytes, 1, 1 << 16, file);
	assert_true(feof(file));
	fclose(file);
	return bytes;
}

/* rsdp.bin, and every <SIGNATURE>@<hex address>.bin at its address. */
static void load(const char *fixture)
{
	char directory[256], path[512];
	struct dirent *file;
	DIR *listing;

	snprintf(directory, sizeof(directory), FIXTURES "%s", fixture);
	listing = opendir(directory);
	assert_non_null(listing);
	while ((file = readdir(listing))) {
		char signature[5];
		uint64_t address;
		uint8_t *bytes;
		size_t size;

		snprintf(path, sizeof(path), "%s/%s", directory, file->d_name);
		if (strcmp(file->d_name, "rsdp.bin") == 0) {
			bytes = read_file(path, &size);
			assert_true(size <= sizeof(world.rsdp));
			memcpy(world.rsdp, bytes, size);
			world.rsdp_size = size;
			free(bytes);
		} else if (sscanf(file->d_name, "%4[A-Z0-9]@%" SCNx64 ".bin", signature,
				  &address) == 2) {
			bytes = read_file(path, &size);
			assert_memory_equal(bytes, signature, 4);
			add_region(address, bytes, size);
			free(bytes);
		}
	}
	closedir(listing);
	assert_true(world.rsdp_size > 0);
}

static int teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < world.region_count; i++)
		free(world.regions[i].bytes);
	memset(&world, 0, sizeof(world));
	return 0;
}

static struct region *table(const char *signature)
{
	size_t i;

	for (i = 0; i < world.region_count; i++)
		if (world.regions[i].size >= 4 && memcmp(world.regions[i].bytes, signature, 4) == 0)
			return &world.regions[i];
	fail_msg("no %s table", signature);
	return NULL;
}

static uint64_t root_address(void)
{
	return get32(world.rsdp + 16);
}

/* Puts `bytes` in place of the table `signature` at a fresh address, and points the
 * RSDP (for a root table) or the RSDT (for any other) there. */
static struct region *replace(const char *signature, const uint8_t *bytes, size_t size)
{
	struct region *old = table(signature);
	uint64_t old_address = old->address;
	uint64_t address = FREE_BASE + FREE_STRIDE * world.replaced++;

	/* Forget the old one, so only the new one is found by signature. */
	memcpy(old->bytes, "GONE", 4);
	add_region(address, bytes, size);
	if (strcmp(signature, "RSDT") == 0) {
		put32(world.rsdp + 16, (uint32_t)address);
		fix_rsdp_checksums();
	} else {
		struct region *rsdt = table("RSDT");
		size_t offset;

		for (offset = HEADER_SIZE; offset + 4 <= rsdt->size; offset += 4)
			if (get32(rsdt->bytes + offset) == old_address)
				put32(rsdt->bytes + offset, (uint32_t)address);
		fix_checksum(rsdt);
	}
	return table(signature);
}

/* A new MADT: the real one's first `keep` bytes, then `entries`; length and
 * checksum made right. */
static struct region *madt_with(size_t keep, const uint8_t *entries, size_t entries_size)
{
	struct region *madt = table("APIC");
	size_t size = keep + entries_size;
	uint8_t *bytes = malloc(size);
	struct region *new;

	assert_non_null(bytes);
	assert_true(keep <= madt->size);
	memcpy(bytes, madt->bytes, keep);
	if (entries_size)
		memcpy(bytes + keep, entries, entries_size);
	put32(bytes + 4, (uint32_t)size);
	new = replace("APIC", bytes, size);
	free(bytes);
	fix_checksum(new);
	return new;
}

static struct region *madt_appending(const uint8_t *entries, size_t entries_size)
{
	return madt_with(table("APIC")->size, entries, entries_size);
}

/* A new RSDT listing `addresses`. */
static void rsdt_listing(const uint64_t *addresses, size_t count)
{
	size_t size = HEADER_SIZE + 4 * count, i;
	uint8_t *bytes = malloc(size);
	struct region *rsdt;

	assert_non_null(bytes);
	memcpy(bytes, table("RSDT")->bytes, HEADER_SIZE);
	put32(bytes + 4, (uint32_t)size);
	for (i = 0; i < count; i++)
		put32(bytes + HEADER_SIZE + 4 * i, (uint32_t)addresses[i]);
	rsdt = replace("RSDT", bytes, size);
	free(bytes);
	fix_checksum(rsdt);
}

/* An XSDT at `address` with the RSDT's entries, and a 2.0 RSDP naming it and
 * `rsdt_address` (the RSDT's own copy is left in place). */
static void use_xsdt(uint64_t address, uint32_t rsdt_address)
{
	struct region *rsdt = table("RSDT");
	size_t count = (rsdt->size - HEADER_SIZE) / 4, size = HEADER_SIZE + 8 * count, i;
	uint8_t *bytes = calloc(1, size);

	assert_non_null(bytes);
	memcpy(bytes, rsdt->bytes, HEADER_SIZE);
	memcpy(bytes, "XSDT", 4);
	put32(bytes + 4, (uint32_t)size);
	for (i = 0; i < count; i++)
		put64(bytes + HEADER_SIZE + 8 * i, get32(rsdt->bytes + HEADER_SIZE + 4 * i));
	fix_checksum(add_region(address, bytes, size));
	free(bytes);

	world.rsdp[15] = 2;
	put32(world.rsdp + 16, rsdt_address);
	put32(world.rsdp + 20, RSDP_V2_SIZE);
	put64(world.rsdp + 24, address);
	memset(world.rsdp + 33, 0, 3);
	world.rsdp_size = RSDP_V2_SIZE;
	fix_rsdp_checksums();
}

static int discover(uint32_t boot_apic_id)
{
	/* Exactly rsdp_size bytes on the heap, so a read past them is caught. */
	uint8_t *rsdp = malloc(world.rsdp_size);
	int result;

	assert_non_null(rsdp);
	memcpy(rsdp, world.rsdp, world.rsdp_size);
	memset(&error, 0, sizeof(error));
	result = cpu_topology_discover(rsdp, world.rsdp_size, boot_apic_id, read_fake_memory,
				       &world, &topology, &error);
	free(rsdp);
	return result;
}

static void expect_cpus(uint32_t boot_apic_id, const uint32_t *apic_ids, uint32_t count,
			uint32_t boot_index)
{
	int result = discover(boot_apic_id);

	if (result != 0)
		fail_msg("refused: %s (%s at 0x%" PRIx64 ")", error.message, error.table,
			 error.address);
	assert_int_equal(topology.count, count);
	assert_memory_equal(topology.apic_id, apic_ids, count * sizeof(*apic_ids));
	assert_int_equal(topology.boot_index, boot_index);
}

static void expect_error(uint32_t boot_apic_id, const char *message, const char *table_name,
			 uint64_t address)
{
	assert_int_equal(discover(boot_apic_id), -1);
	assert_non_null(error.message);
	assert_string_equal(error.message, message);
	assert_string_equal(error.table, table_name);
	assert_int_equal(error.address, address);
}

static const uint32_t first_ids[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

/* --- the real tables ------------------------------------------------------------ */

static void test_seabios_one_cpu(void **state)
{
	(void)state;
	load("acpi_bios_smp1");
	expect_cpus(0, first_ids, 1, 0);
	assert_int_equal(topology.local_apic_address, 0xfee00000);
}

static void test_seabios_two_cpus(void **state)
{
	(void)state;
	load("acpi_bios_smp2");
	expect_cpus(0, first_ids, 2, 0);
	expect_cpus(1, first_ids, 2, 1);
}

static void test_seabios_four_cpus(void **state)
{
	(void)state;
	load("acpi_bios_smp4");
	expect_cpus(0, first_ids, 4, 0);
	expect_cpus(2, first_ids, 4, 2);
	assert_int_equal(topology.local_apic_address, 0xfee00000);
}

static void test_ovmf_two_cpus(void **state)
{
	(void)state;
	load("acpi_uefi_smp2");
	expect_cpus(1, first_ids, 2, 1);
	assert_int_equal(topology.local_apic_address, 0xfee00000);
}

static void test_boot_cpu_missing(void **state)
{
	(void)state;
	load("acpi_bios_smp4");
	expect_error(4, "the boot CPU's APIC ID is not an enabled MADT entry", "MADT",
		     table("APIC")->address);
}

/* --- RSDP --------------------------------------------------------------------------- */

static void test_rsdp_v1_ignores_bytes_after_20(void **state)
{
	(void)state;
	load("acpi_bios_smp2");
	memset(world.rsdp + RSDP_V1_SIZE, 0xa5, RSDP_V2_SIZE - RSDP_V1_SIZE);
	world.rsdp_size = RSDP_V2_SIZE;
	expect_cpus(0, first_ids, 2, 0);
}

static void test_rsdp_refused(void **state)
{
	(void)state;
	load("acpi_bios_smp2");
	world.rsdp_size = 19;
	expect_error(0, "RSDP is shorter than 20 bytes", "RSDP", 0);
	world.rsdp_size = RSDP_V1_SIZE;

	world.rsdp[0] = 'X';
	fix_rsdp_checksums();
	expect_error(0, "wrong RSDP signature", "RSDP", 0);
	world.rsdp[0] = 'R';
	fix_rsdp_checksums();

	world.rsdp[9] ^= 1;  /* OEM ID */
	expect_error(0, "RSDP checksum is wrong", "RSDP", 0);
	world.rsdp[9] ^= 1;

	put32(world.rsdp + 16, 0);
	fix_rsdp_checksums();
	expect_error(0, "table address is zero", "RSDT", 0);
	put32(world.rsdp + 16, UNMAPPED);
	fix_rsdp_checksums();
	expect_error(0, "table header is not readable", "RSDT", UNMAPPED);
}

static void test_rsdp_v2_refused(void **state)
{
	(void)state;
	load("acpi_bios_smp2");
	use_xsdt(FREE_BASE + 0x10000000, (uint32_t)root_address());

	world.rsdp_size = RSDP_V1_SIZE;
	expect_error(0, "ACPI 2.0+ RSDP is shorter than 36 bytes", "RSDP", 0);
	world.rsdp_size = RSDP_V2_SIZE;

	put32(world.rsdp + 20, 35);
	fix_rsdp_checksums();
	expect_error(0, "RSDP length is out of range", "RSDP", 0);
	put32(world.rsdp + 20, RSDP_V2_SIZE + 1);
	world.rsdp[8] -= sum(world.rsdp, RSDP_V1_SIZE);
	expect_error(0, "RSDP length is out of range", "RSDP", 0);
	put32(world.rsdp + 20, RSDP_V2_SIZE);
	fix_rsdp_checksums();

	world.rsdp[30] ^= 1;  /* XsdtAddress, outside the 1.0 checksum */
	expect_error(0, "RSDP extended checksum is wrong", "RSDP", 0);
	world.rsdp[30] ^= 1;
	expect_cpus(0, first_ids, 2, 0);
}

/* --- RSDT and XSDT ------------------------------------------------------------------- */

static void test_xsdt_preferred_over_rsdt(void **state)
{
	uint64_t xsdt = 0x100000000ull + 0x1234;  /* above 4 GiB: the 64-bit entry */

	(void)state;
	load("acpi_bios_smp4");
	/* An RSDT address with nothing there: it is never read. */
	use_xsdt(xsdt, UNMAPPED);
	expect_cpus(3, first_ids, 4, 3);

	/* Errors name the XSDT. */
	table("XSDT")->bytes[10] ^= 1;
	expect_error(3, "table checksum is wrong", "XSDT", xsdt);
}

static void test_rsdp_v2_without_xsdt_uses_rsdt(void **state)
{
	(void)state;
	load("acpi_bios_smp2");
	use_xsdt(FREE_BASE, (uint32_t)root_address());
	put64(world.rsdp + 24, 0);
	fix_rsdp_checksums();
	table("XSDT")->bytes[10] ^= 1;  /* a broken XSDT nobody points at */
	expect_cpus(0, first_ids, 2, 0);
}

static void test_root_table_refused(void **state)
{
	struct region *rsdt;
	uint64_t address;

	(void)state;
	load("acpi_bios_smp2");
	rsdt = table("RSDT");
	address = rsdt->address;

	rsdt->bytes[10] ^= 1;
	expect_error(0, "table checksum is wrong", "RSDT", address);
	rsdt->bytes[10] ^= 1;

	memcpy(rsdt->bytes, "XSDT", 4);
	expect_error(0, "wrong table signature", "RSDT", address);
	memcpy(rsdt->bytes, "RSDT", 4);

	put32(rsdt->bytes + 4, 35);
	expect_error(0, "table length is too short", "RSDT", address);
	put32(rsdt->bytes + 4, 64 * 1024 + 4);
	expect_error(0, "table length is over the cap", "RSDT", address);
	put32(rsdt->bytes + 4, (uint32_t)rsdt->size + 4);
	expect_error(0, "table body is not readable", "RSDT", address + rsdt->size);
	put32(rsdt->bytes + 4, (uint32_t)rsdt->size - 1);
	expect_error(0, "root table length is not a whole number of entries", "RSDT", address);
}

static void test_xsdt_signature_where_rsdt_expected(void **state)
{
	(void)state;
	load("acpi_bios_smp2");
	use_xsdt(FREE_BASE, 0);
	put32(world.rsdp + 16, (uint32_t)FREE_BASE);  /* the XSDT as an RSDT */
	put64(world.rsdp + 24, 0);
	fix_rsdp_checksums();
	expect_error(0, "wrong table signature", "RSDT", FREE_BASE);
}

static void test_root_table_entries(void **state)
{
	uint64_t madt, hpet, entries[4];
	uint64_t rsdt_address;

	(void)state;
	load("acpi_bios_smp2");
	madt = table("APIC")->address;
	hpet = table("HPET")->address;

	/* An empty slot is skipped. */
	entries[0] = 0, entries[1] = hpet, entries[2] = madt;
	rsdt_listing(entries, 3);
	expect_cpus(0, first_ids, 2, 0);

	rsdt_listing(entries, 2);
	rsdt_address = table("RSDT")->address;
	expect_error(0, "root table lists no MADT", "RSDT", rsdt_address);

	entries[2] = madt, entries[3] = madt;
	rsdt_listing(entries, 4);
	rsdt_address = table("RSDT")->address;
	expect_error(0, "root table lists two MADTs", "RSDT", rsdt_address + HEADER_SIZE + 12);

	entries[2] = UNMAPPED;
	rsdt_listing(entries, 4);
	rsdt_address = table("RSDT")->address;
	expect_error(0, "a table the root table lists is not readable", "RSDT",
		     rsdt_address + HEADER_SIZE + 8);
}

/* --- MADT -------------------------------------------------------------------------- */

static void test_madt_header_refused(void **state)
{
	struct region *madt;
	uint64_t address;

	(void)state;
	load("acpi_bios_smp4");
	madt = table("APIC");
	address = madt->address;

	madt->bytes[10] ^= 1;  /* OEM ID */
	expect_error(0, "table checksum is wrong", "MADT", address);
	madt->bytes[10] ^= 1;

	put32(madt->bytes + 4, 43);
	fix_checksum(madt);
	expect_error(0, "table length is too short", "MADT", address);
	put32(madt->bytes + 4, 1024 * 1024 + 1);
	fix_checksum(madt);
	expect_error(0, "table length is over the cap", "MADT", address);

	/* A length 8 bytes too long reads the first bytes of the next table (the
	 * firmware's tables are contiguous) as an entry; where nothing follows, the
	 * reader refuses. */
	put32(madt->bytes + 4, (uint32_t)madt->size + 8);
	fix_checksum(madt);
	expect_error(0, "MADT entry runs past the table end", "MADT", address + madt->size);
	madt = madt_with(madt->size, NULL, 0);
	put32(madt->bytes + 4, (uint32_t)madt->size + 8);
	fix_checksum(madt);
	expect_error(0, "table body is not readable", "MADT", madt->address + madt->size);
}

static void test_madt_at_the_top_of_the_address_space(void **state)
{
	uint8_t header[HEADER_SIZE];
	uint64_t top = UINT64_MAX - HEADER_SIZE, moved;
	struct region *xsdt;
	size_t offset;

	(void)state;
	load("acpi_bios_smp2");
	memcpy(header, table("APIC")->bytes, HEADER_SIZE);
	moved = replace("APIC", header, HEADER_SIZE)->address;
	/* The reader has the header there; the length would run past 2^64. Only an
	 * XSDT can point there. */
	table("APIC")->address = top;
	use_xsdt(FREE_BASE + 0x10000000, 0);
	xsdt = table("XSDT");
	for (offset = HEADER_SIZE; offset < xsdt->size; offset += 8)
		if (get32(xsdt->bytes + offset) == moved)
			put64(xsdt->bytes + offset, top);
	fix_checksum(xsdt);
	expect_error(0, "table wraps around the address space", "MADT", top);
}

/* Only through a reader whose memory changes between reads: the root table walk saw
 * "APIC", the header read next does not. */
static int read_changing_memory(uint64_t address, void *buffer, size_t size, void *context)
{
	int result = read_fake_memory(address, buffer, size, context);

	if (result == 0 && size == HEADER_SIZE && memcmp(buffer, "APIC", 4) == 0)
		memcpy(buffer, "APIX", 4);
	return result;
}

static void test_madt_signature_checked_again(void **state)
{
	uint8_t rsdp[RSDP_V1_SIZE];

	(void)state;
	load("acpi_bios_smp2");
	memcpy(rsdp, world.rsdp, sizeof(rsdp));
	assert_int_equal(cpu_topology_discover(rsdp, sizeof(rsdp), 0, read_changing_memory,
					       &world, &topology, &error), -1);
	assert_string_equal(error.message, "wrong table signature");
	assert_string_equal(error.table, "MADT");
}

static void test_madt_entries_refused(void **state)
{
	static const uint8_t zero_length[] = { 0x7f, 0 };
	static const uint8_t one_length[] = { 0x7f, 1 };
	static const uint8_t past_end[] = { 0, 8, 0, 4, 1, 0 };
	static const uint8_t half_header[] = { 0 };
	static const uint8_t long_local_apic[] = { 0, 10, 4, 4, 1, 0, 0, 0, 0, 0 };
	static const uint8_t short_x2apic[] = { 9, 12, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0 };
	static const uint8_t long_io_apic[] = { 1, 13, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0, 0 };
	size_t end;
	uint64_t address;

	(void)state;
	load("acpi_bios_smp4");
	end = table("APIC")->size;

	address = madt_with(end, zero_length, sizeof(zero_length))->address;
	expect_error(0, "MADT entry length is below 2", "MADT", address + end);
	address = madt_with(end, one_length, sizeof(one_length))->address;
	expect_error(0, "MADT entry length is below 2", "MADT", address + end);
	address = madt_with(end, past_end, sizeof(past_end))->address;
	expect_error(0, "MADT entry runs past the table end", "MADT", address + end);
	address = madt_with(end, half_header, sizeof(half_header))->address;
	expect_error(0, "MADT entry header runs past the table end", "MADT", address + end);
	address = madt_with(end, long_local_apic, sizeof(long_local_apic))->address;
	expect_error(0, "MADT entry has the wrong length for its type", "MADT", address + end);
	address = madt_with(end, short_x2apic, sizeof(short_x2apic))->address;
	expect_error(0, "MADT entry has the wrong length for its type", "MADT", address + end);
	address = madt_with(end, long_io_apic, sizeof(long_io_apic))->address;
	expect_error(0, "MADT entry has the wrong length for its type", "MADT", address + end);
}

static void test_unknown_entries_skipped(void **state)
{
	/* GIC CPU interface (type 0xb) and a type from the future, with odd lengths. */
	static const uint8_t unknown[] = { 0x0b, 5, 1, 2, 3, 0x7f, 2, 0xff, 3, 9 };

	(void)state;
	load("acpi_bios_smp2");
	madt_appending(unknown, sizeof(unknown));
	expect_cpus(0, first_ids, 2, 0);
}

static void test_disabled_cpus_skipped(void **state)
{
	static const uint32_t remaining[] = { 0, 2, 3 };
	static const uint8_t online_capable[] = { 0, 8, 9, 9, 2, 0, 0, 0 };
	struct region *madt;

	(void)state;
	load("acpi_bios_smp4");
	madt = table("APIC");
	/* The second local APIC entry (APIC ID 1): flags at 44 + 8 + 4. */
	assert_int_equal(madt->bytes[MADT_FIXED + 8 + 3], 1);
	madt->bytes[MADT_FIXED + 8 + 4] = 0;
	fix_checksum(madt);
	expect_cpus(0, remaining, 3, 0);
	expect_error(1, "the boot CPU's APIC ID is not an enabled MADT entry", "MADT",
		     madt->address);

	/* Online capable but not enabled: not started now. */
	madt_appending(online_capable, sizeof(online_capable));
	expect_cpus(3, remaining, 3, 2);
}

static void test_duplicate_apic_ids(void **state)
{
	static const uint8_t again[] = { 0, 8, 7, 2, 1, 0, 0, 0 };
	static const uint8_t again_as_x2apic[] = { 9, 16, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0 };
	static const uint8_t placeholders[] = { 0, 8, 8, 0xff, 0, 0, 0, 0, 0, 8, 9, 0xff, 0, 0, 0, 0 };
	size_t end;
	uint64_t address;

	(void)state;
	load("acpi_bios_smp4");
	end = table("APIC")->size;
	address = madt_appending(again, sizeof(again))->address;
	expect_error(0, "APIC ID listed twice", "MADT", address + end);
	address = madt_with(end, again_as_x2apic, sizeof(again_as_x2apic))->address;
	expect_error(0, "APIC ID listed twice", "MADT", address + end);

	/* Disabled placeholders may share an ID: they are not CPUs we start. */
	madt_with(end, placeholders, sizeof(placeholders));
	expect_cpus(0, first_ids, 4, 0);
}

static void test_x2apic_entries(void **state)
{
	static const uint8_t x2apic_5[] = { 9, 16, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0 };
	static const uint8_t x2apic_255[] = { 9, 16, 0, 0, 0xff, 0, 0, 0, 1, 0, 0, 0, 6, 0, 0, 0 };
	static const uint8_t x2apic_big[] = { 9, 16, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 6, 0, 0, 0 };
	static const uint8_t x2apic_disabled[] = {
		9, 16, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 6, 0, 0, 0 };
	static const uint8_t local_apic_255[] = { 0, 8, 6, 0xff, 1, 0, 0, 0 };
	static const uint32_t with_5[] = { 0, 1, 5 };
	size_t end;
	uint64_t address;

	(void)state;
	load("acpi_bios_smp2");
	end = table("APIC")->size;

	madt_appending(x2apic_5, sizeof(x2apic_5));
	expect_cpus(5, with_5, 3, 2);
	madt_appending(x2apic_disabled, sizeof(x2apic_disabled));
	expect_cpus(0, with_5, 3, 0);

	address = madt_with(end, x2apic_255, sizeof(x2apic_255))->address;
	expect_error(0, "APIC ID above 254 is not supported (xAPIC only)", "MADT", address + end);
	address = madt_with(end, x2apic_big, sizeof(x2apic_big))->address;
	expect_error(0, "APIC ID above 254 is not supported (xAPIC only)", "MADT", address + end);
	address = madt_with(end, local_apic_255, sizeof(local_apic_255))->address;
	expect_error(0, "APIC ID above 254 is not supported (xAPIC only)", "MADT", address + end);
}

static void many_cpus(uint32_t count)
{
	uint8_t *entries = calloc(count, 8);
	uint32_t i;

	assert_non_null(entries);
	for (i = 0; i < count; i++) {
		entries[8 * i + 1] = 8;
		entries[8 * i + 2] = (uint8_t)i;
		entries[8 * i + 3] = (uint8_t)i;
		entries[8 * i + 4] = 1;
	}
	madt_with(MADT_FIXED, entries, 8 * count);
	free(entries);
}

static void test_cpu_limit(void **state)
{
	(void)state;
	load("acpi_bios_smp1");
	many_cpus(CPU_TOPOLOGY_MAX);
	assert_int_equal(discover(CPU_TOPOLOGY_MAX - 1), 0);
	assert_int_equal(topology.count, CPU_TOPOLOGY_MAX);
	assert_int_equal(topology.apic_id[CPU_TOPOLOGY_MAX - 1], CPU_TOPOLOGY_MAX - 1);
	assert_int_equal(topology.boot_index, CPU_TOPOLOGY_MAX - 1);

	many_cpus(CPU_TOPOLOGY_MAX + 1);
	expect_error(0, "more enabled CPUs than CPU_TOPOLOGY_MAX", "MADT",
		     table("APIC")->address + MADT_FIXED + 8 * CPU_TOPOLOGY_MAX);
}

static void test_local_apic_address(void **state)
{
	static const uint8_t override[] = { 5, 12, 0, 0, 0, 0, 0xd0, 0xfe, 1, 0, 0, 0 };
	static const uint8_t unaligned[] = { 5, 12, 0, 0, 0x10, 0, 0xd0, 0xfe, 0, 0, 0, 0 };
	struct region *madt;
	size_t end;
	uint64_t address;

	(void)state;
	load("acpi_bios_smp2");
	end = table("APIC")->size;

	madt_appending(override, sizeof(override));
	expect_cpus(0, first_ids, 2, 0);
	assert_int_equal(topology.local_apic_address, 0x1fed00000ull);

	address = madt_with(end, unaligned, sizeof(unaligned))->address;
	expect_error(0, "local APIC address is not page aligned", "MADT", address);

	madt_with(end, override, sizeof(override));
	address = madt_appending(override, sizeof(override))->address;
	expect_error(0, "two local APIC address overrides", "MADT", address + end + 12);

	madt = madt_with(end, NULL, 0);
	put32(madt->bytes + HEADER_SIZE, 0xfee00800);
	fix_checksum(madt);
	expect_error(0, "local APIC address is not page aligned", "MADT", madt->address);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_seabios_one_cpu, teardown),
		cmocka_unit_test_teardown(test_seabios_two_cpus, teardown),
		cmocka_unit_test_teardown(test_seabios_four_cpus, teardown),
		cmocka_unit_test_teardown(test_ovmf_two_cpus, teardown),
		cmocka_unit_test_teardown(test_boot_cpu_missing, teardown),
		cmocka_unit_test_teardown(test_rsdp_v1_ignores_bytes_after_20, teardown),
		cmocka_unit_test_teardown(test_rsdp_refused, teardown),
		cmocka_unit_test_teardown(test_rsdp_v2_refused, teardown),
		cmocka_unit_test_teardown(test_xsdt_preferred_over_rsdt, teardown),
		cmocka_unit_test_teardown(test_rsdp_v2_without_xsdt_uses_rsdt, teardown),
		cmocka_unit_test_teardown(test_root_table_refused, teardown),
		cmocka_unit_test_teardown(test_xsdt_signature_where_rsdt_expected, teardown),
		cmocka_unit_test_teardown(test_root_table_entries, teardown),
		cmocka_unit_test_teardown(test_madt_header_refused, teardown),
		cmocka_unit_test_teardown(test_madt_at_the_top_of_the_address_space, teardown),
		cmocka_unit_test_teardown(test_madt_signature_checked_again, teardown),
		cmocka_unit_test_teardown(test_madt_entries_refused, teardown),
		cmocka_unit_test_teardown(test_unknown_entries_skipped, teardown),
		cmocka_unit_test_teardown(test_disabled_cpus_skipped, teardown),
		cmocka_unit_test_teardown(test_duplicate_apic_ids, teardown),
		cmocka_unit_test_teardown(test_x2apic_entries, teardown),
		cmocka_unit_test_teardown(test_cpu_limit, teardown),
		cmocka_unit_test_teardown(test_local_apic_address, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
