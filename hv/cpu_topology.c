/* CPU discovery from the ACPI MADT (ACPI 6.x, sections 5.2.5 to 5.2.12).
 *
 * The tables are firmware input in memory the commodity OS later owns: every byte
 * comes through the caller's reader, every length is checked against a cap before
 * it is used, and each table is read exactly once, front to back, so the bytes
 * whose checksum is verified are the bytes that were parsed. A structural error
 * (an entry that does not fit) is reported where it is found; the checksum, which
 * covers the whole table, is checked once the last byte has been read. */
#include <stdbool.h>
#include <string.h>

#include "cpu_topology.h"
#include "unaligned.h"

#define HEADER_SIZE          36           /* every system description table's */
#define RSDP_V1_SIZE         20
#define RSDP_V2_SIZE         36
#define RSDP_FIRST_V2        2            /* ACPI 1.0 RSDPs have revision 0 */
#define ROOT_TABLE_MAX_SIZE  (64u * 1024)
#define MADT_MAX_SIZE        (1024u * 1024)
#define MADT_FIXED_SIZE      (HEADER_SIZE + 8)  /* LocalApicAddress, Flags */
#define ENTRY_HEADER_SIZE    2            /* type, length */
#define ENTRY_MAX_SIZE       255          /* the length field is one byte */
#define XAPIC_MAX_ID         254          /* 255 is the xAPIC broadcast ID */
#define LOCAL_APIC_ALIGNMENT 4096         /* IA32_APIC_BASE holds a page number */

#define LOCAL_APIC_ENABLED   (1u << 0)

enum madt_entry_type {
	MADT_LOCAL_APIC = 0,
	MADT_IO_APIC = 1,
	MADT_INTERRUPT_OVERRIDE = 2,
	MADT_NMI_SOURCE = 3,
	MADT_LOCAL_APIC_NMI = 4,
	MADT_LOCAL_APIC_ADDRESS_OVERRIDE = 5,
	MADT_LOCAL_X2APIC = 9,
	MADT_LOCAL_X2APIC_NMI = 10,
};

/* The x86 entry types whose length the spec fixes; any other type is skipped
 * over by its own length. */
static const uint8_t madt_entry_sizes[] = {
	[MADT_LOCAL_APIC] = 8,
	[MADT_IO_APIC] = 12,
	[MADT_INTERRUPT_OVERRIDE] = 10,
	[MADT_NMI_SOURCE] = 8,
	[MADT_LOCAL_APIC_NMI] = 6,
	[MADT_LOCAL_APIC_ADDRESS_OVERRIDE] = 12,
	[MADT_LOCAL_X2APIC] = 16,
	[MADT_LOCAL_X2APIC_NMI] = 12,
};

/* One table being read front to back: `offset` bytes of `length` are read and
 * summed so far. */
struct table {
	physical_reader read;
	void *read_context;
	const char *name;
	uint64_t address;
	uint32_t length;
	uint32_t offset;
	uint8_t sum;
};

struct madt_state {
	struct cpu_topology *topology;
	bool address_overridden;
};

static uint8_t byte_sum(const uint8_t *bytes, size_t size)
{
	uint8_t sum = 0;

	while (size--)
		sum += *bytes++;
	return sum;
}

static int fail(struct cpu_topology_error *error, const char *message, const char *table,
		uint64_t address)
{
	error->message = message;
	error->table = table;
	error->address = address;
	return -1;
}

/* Reads `size` bytes at `address`, refusing a range that wraps around the address
 * space before the reader sees it. */
static bool read_physical(physical_reader read, void *read_context, uint64_t address,
			  void *buffer, size_t size)
{
	if (address > UINT64_MAX - size)
		return false;
	return read(address, buffer, size, read_context) == 0;
}

/* Reads and checks the header of the table at `address`: signature, a length
 * between `min_length` and `max_length`, a range that does not wrap. Its bytes
 * start the checksum. */
static int table_open(struct table *table, uint64_t address, const char *signature,
		      uint32_t min_length, uint32_t max_length, uint8_t header[HEADER_SIZE],
		      struct cpu_topology_error *error)
{
	table->address = address;
	if (address == 0)
		return fail(error, "table address is zero", table->name, address);
	if (!read_physical(table->read, table->read_context, address, header, HEADER_SIZE))
		return fail(error, "table header is not readable", table->name, address);
	if (memcmp(header, signature, 4) != 0)
		return fail(error, "wrong table signature", table->name, address);
	table->length = read32(header + 4);
	if (table->length < min_length)
		return fail(error, "table length is too short", table->name, address);
	if (table->length > max_length)
		return fail(error, "table length is over the cap", table->name, address);
	if (address > UINT64_MAX - table->length)
		return fail(error, "table wraps around the address space", table->name, address);
	table->offset = HEADER_SIZE;
	table->sum = byte_sum(header, HEADER_SIZE);
	return 0;
}

/* The next `size` bytes of the table, which the caller has checked fit in it. */
static int table_take(struct table *table, void *buffer, uint32_t size,
		      struct cpu_topology_error *error)
{
	if (!read_physical(table->read, table->read_context, table->address + table->offset,
			   buffer, size))
		return fail(error, "table body is not readable", table->name,
			    table->address + table->offset);
	table->offset += size;
	table->sum += byte_sum(buffer, size);
	return 0;
}

static int table_close(const struct table *table, struct cpu_topology_error *error)
{
	if (table->sum != 0)
		return fail(error, "table checksum is wrong", table->name, table->address);
	return 0;
}

static const char *refuse_apic_id(const struct cpu_topology *topology, uint32_t apic_id)
{
	uint32_t i;

	if (apic_id > XAPIC_MAX_ID)
		return "APIC ID above 254 is not supported (xAPIC only)";
	for (i = 0; i < topology->count; i++)
		if (topology->apic_id[i] == apic_id)
			return "APIC ID listed twice";
	if (topology->count == CPU_TOPOLOGY_MAX)
		return "more enabled CPUs than CPU_TOPOLOGY_MAX";
	return NULL;
}

/* Adds an enabled CPU. A disabled one, even if online capable, is not started
 * now, whatever its ID: firmware lists placeholders for absent CPUs that way. */
static const char *add_cpu(struct cpu_topology *topology, uint32_t apic_id, uint32_t flags)
{
	const char *message;

	if (!(flags & LOCAL_APIC_ENABLED))
		return NULL;
	message = refuse_apic_id(topology, apic_id);
	if (message)
		return message;
	topology->apic_id[topology->count++] = apic_id;
	return NULL;
}

static const char *parse_madt_entry(struct madt_state *state, const uint8_t *entry)
{
	uint8_t type = entry[0], length = entry[1];

	if (type < sizeof(madt_entry_sizes) && madt_entry_sizes[type] &&
	    length != madt_entry_sizes[type])
		return "MADT entry has the wrong length for its type";
	switch (type) {
	case MADT_LOCAL_APIC:
		return add_cpu(state->topology, entry[3], read32(entry + 4));
	case MADT_LOCAL_X2APIC:
		return add_cpu(state->topology, read32(entry + 4), read32(entry + 8));
	case MADT_LOCAL_APIC_ADDRESS_OVERRIDE:
		if (state->address_overridden)
			return "two local APIC address overrides";
		state->address_overridden = true;
		state->topology->local_apic_address = read64(entry + 4);
		return NULL;
	default:
		return NULL;
	}
}

static int parse_madt(physical_reader read, void *read_context, uint64_t address,
		      struct cpu_topology *topology, struct cpu_topology_error *error)
{
	struct table madt = { .read = read, .read_context = read_context, .name = "MADT" };
	struct madt_state state = { .topology = topology };
	uint8_t header[HEADER_SIZE], fields[MADT_FIXED_SIZE - HEADER_SIZE];
	uint8_t entry[ENTRY_MAX_SIZE];

	if (table_open(&madt, address, "APIC", MADT_FIXED_SIZE, MADT_MAX_SIZE, header, error))
		return -1;
	if (table_take(&madt, fields, sizeof(fields), error))
		return -1;
	topology->local_apic_address = read32(fields);

	while (madt.offset < madt.length) {
		uint64_t entry_address = madt.address + madt.offset;
		const char *message;

		if (madt.length - madt.offset < ENTRY_HEADER_SIZE)
			return fail(error, "MADT entry header runs past the table end", "MADT",
				    entry_address);
		if (table_take(&madt, entry, ENTRY_HEADER_SIZE, error))
			return -1;
		if (entry[1] < ENTRY_HEADER_SIZE)
			return fail(error, "MADT entry length is below 2", "MADT", entry_address);
		if (entry[1] > madt.length - madt.offset + ENTRY_HEADER_SIZE)
			return fail(error, "MADT entry runs past the table end", "MADT",
				    entry_address);
		if (table_take(&madt, entry + ENTRY_HEADER_SIZE, entry[1] - ENTRY_HEADER_SIZE,
			       error))
			return -1;
		message = parse_madt_entry(&state, entry);
		if (message)
			return fail(error, message, "MADT", entry_address);
	}
	if (table_close(&madt, error))
		return -1;
	if (topology->local_apic_address % LOCAL_APIC_ALIGNMENT != 0)
		return fail(error, "local APIC address is not page aligned", "MADT", address);
	return 0;
}

/* Walks the RSDT or XSDT for the one MADT; the other tables' signatures are all
 * that is read of them. */
static int find_madt(physical_reader read, void *read_context, uint64_t root_address,
		     bool is_xsdt, uint64_t *madt_address, struct cpu_topology_error *error)
{
	struct table root = {
		.read = read,
		.read_context = read_context,
		.name = is_xsdt ? "XSDT" : "RSDT",
	};
	uint32_t entry_size = is_xsdt ? 8 : 4;
	uint8_t header[HEADER_SIZE];

	if (table_open(&root, root_address, root.name, HEADER_SIZE, ROOT_TABLE_MAX_SIZE,
		       header, error))
		return -1;
	if ((root.length - HEADER_SIZE) % entry_size != 0)
		return fail(error, "root table length is not a whole number of entries",
			    root.name, root_address);

	*madt_address = 0;
	while (root.offset < root.length) {
		uint64_t entry_address = root.address + root.offset, table_address;
		uint8_t entry[8], signature[4];

		if (table_take(&root, entry, entry_size, error))
			return -1;
		table_address = is_xsdt ? read64(entry) : read32(entry);
		/* Firmware leaves empty slots; ACPICA skips them too. */
		if (table_address == 0)
			continue;
		if (!read_physical(read, read_context, table_address, signature, sizeof(signature)))
			return fail(error, "a table the root table lists is not readable",
				    root.name, entry_address);
		if (memcmp(signature, "APIC", 4) != 0)
			continue;
		if (*madt_address)
			return fail(error, "root table lists two MADTs", root.name, entry_address);
		*madt_address = table_address;
	}
	if (table_close(&root, error))
		return -1;
	if (!*madt_address)
		return fail(error, "root table lists no MADT", root.name, root_address);
	return 0;
}

/* The root table the RSDP names: the XSDT when a 2.0+ RSDP has one, else the RSDT. */
static int check_rsdp(const uint8_t *rsdp, size_t rsdp_size, uint64_t *root_address,
		      bool *is_xsdt, struct cpu_topology_error *error)
{
	uint32_t length;

	if (rsdp_size < RSDP_V1_SIZE)
		return fail(error, "RSDP is shorter than 20 bytes", "RSDP", 0);
	if (memcmp(rsdp, "RSD PTR ", 8) != 0)
		return fail(error, "wrong RSDP signature", "RSDP", 0);
	if (byte_sum(rsdp, RSDP_V1_SIZE) != 0)
		return fail(error, "RSDP checksum is wrong", "RSDP", 0);
	*root_address = read32(rsdp + 16);
	*is_xsdt = false;
	if (rsdp[15] < RSDP_FIRST_V2)
		return 0;

	if (rsdp_size < RSDP_V2_SIZE)
		return fail(error, "ACPI 2.0+ RSDP is shorter than 36 bytes", "RSDP", 0);
	length = read32(rsdp + 20);
	if (length < RSDP_V2_SIZE || length > rsdp_size)
		return fail(error, "RSDP length is out of range", "RSDP", 0);
	if (byte_sum(rsdp, length) != 0)
		return fail(error, "RSDP extended checksum is wrong", "RSDP", 0);
	if (read64(rsdp + 24) != 0) {
		*root_address = read64(rsdp + 24);
		*is_xsdt = true;
	}
	return 0;
}

int cpu_topology_discover(const uint8_t *rsdp, size_t rsdp_size, uint32_t boot_apic_id,
			  physical_reader read, void *read_context,
			  struct cpu_topology *topology, struct cpu_topology_error *error)
{
	uint64_t root_address, madt_address;
	bool is_xsdt;
	uint32_t i;

	memset(topology, 0, sizeof(*topology));
	if (check_rsdp(rsdp, rsdp_size, &root_address, &is_xsdt, error))
		return -1;
	if (find_madt(read, read_context, root_address, is_xsdt, &madt_address, error))
		return -1;
	if (parse_madt(read, read_context, madt_address, topology, error))
		return -1;
	for (i = 0; i < topology->count; i++)
		if (topology->apic_id[i] == boot_apic_id) {
			topology->boot_index = i;
			return 0;
		}
	return fail(error, "the boot CPU's APIC ID is not an enabled MADT entry", "MADT",
		    madt_address);
}
