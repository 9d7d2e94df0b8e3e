/* Nested page table builder and invariant checker.
 *
 * Levels are numbered from the leaf up: 0 is the page table (4 KiB leaves), 1 the
 * page directory (2 MiB leaves), 2 the PDPT (1 GiB leaves), 3 the PML4. Level n
 * translates guest address bits 12 + 9n .. 20 + 9n.
 *
 * Entry format:
 *   table entry: next table | P | RW | US          (NX clear, so the leaf decides)
 *   leaf:        host page  | P | US [| RW] [| NX] [| PS above level 0]
 * US is set at every level: nested walks are user accesses (QEMU TCG faults
 * otherwise). PWT, PCD and PAT stay 0, which makes the memory type write-back;
 * the host MTRRs still make MMIO uncached. */
#include "nested_paging.h"

#define ENTRY_PRESENT     (1ull << 0)
#define ENTRY_WRITABLE    (1ull << 1)
#define ENTRY_USER        (1ull << 2)
#define ENTRY_ACCESSED    (1ull << 5)
#define ENTRY_DIRTY       (1ull << 6)
#define ENTRY_LARGE       (1ull << 7)
#define ENTRY_NO_EXECUTE  (1ull << 63)

/* Physical address bits 12..51. */
#define ENTRY_ADDRESS     0x000ffffffffff000ull

#define TABLE_ENTRY_BITS  (ENTRY_PRESENT | ENTRY_WRITABLE | ENTRY_USER)

#define LEVELS            4
#define ROOT_LEVEL        (LEVELS - 1)
#define ENTRIES_PER_TABLE 512
#define TABLE_SIZE        4096ull
#define SMALL_PAGE_SIZE   4096ull

static unsigned int level_shift(int level)
{
	return 12 + 9 * level;
}

static uint64_t level_page_size(int level)
{
	return 1ull << level_shift(level);
}

static unsigned int entry_index(uint64_t guest, int level)
{
	return (guest >> level_shift(level)) & (ENTRIES_PER_TABLE - 1);
}

/* The hypervisor identity-maps memory, so a table's physical address is its pointer. */
static uint64_t *table_at(uint64_t physical)
{
	return (uint64_t *)(uintptr_t)physical;
}

/* The page address a leaf at `level` holds: bits below its page size are flags or
 * reserved, not address. */
static uint64_t leaf_address_mask(int level)
{
	return ENTRY_ADDRESS & ~(level_page_size(level) - 1);
}

/* PS means a leaf only in a PDPT or PD entry; in a PML4 entry it is reserved and in
 * a PT entry it is the PAT bit. */
static bool is_leaf(uint64_t entry, int level)
{
	return level == 0 || (level < ROOT_LEVEL && (entry & ENTRY_LARGE));
}

const char *npt_status_string(enum npt_status status)
{
	switch (status) {
	case NPT_OK:
		return "ok";
	case NPT_OUT_OF_MEMORY:
		return "out of memory for page tables";
	case NPT_BAD_MAPPING:
		return "bad mapping";
	case NPT_OVERLAP:
		return "guest range already mapped";
	case NPT_FROZEN:
		return "the tables are in use by a vCPU and cannot change";
	}
	return "unknown status";
}

static uint64_t allocate_table(struct npt *npt)
{
	uint64_t table = npt->pages->allocate_page(npt->pages->context);

	if (table)
		npt->table_pages++;
	return table;
}

enum npt_status npt_init(struct npt *npt, const struct npt_page_source *pages, bool allow_1g_pages)
{
	npt->pages = pages;
	npt->allow_1g_pages = allow_1g_pages;
	npt->table_pages = 0;
	npt->frozen = false;
	npt->root = allocate_table(npt);
	return npt->root ? NPT_OK : NPT_OUT_OF_MEMORY;
}

static bool mapping_is_valid(const struct npt_mapping *mapping)
{
	const uint32_t known = NPT_READ | NPT_WRITE | NPT_EXECUTE;

	if (mapping->size == 0 ||
	    ((mapping->guest_start | mapping->host_start | mapping->size) & (SMALL_PAGE_SIZE - 1)))
		return false;
	if (!(mapping->permissions & NPT_READ) || (mapping->permissions & ~known))
		return false;
	/* Comparing against limit - start cannot wrap, unlike start + size. */
	return mapping->guest_start <= NPT_GUEST_ADDRESS_LIMIT &&
	       mapping->size <= NPT_GUEST_ADDRESS_LIMIT - mapping->guest_start &&
	       mapping->host_start <= NPT_HOST_ADDRESS_LIMIT &&
	       mapping->size <= NPT_HOST_ADDRESS_LIMIT - mapping->host_start;
}

/* The highest level whose page fits at this guest and host address. */
static int choose_leaf_level(const struct npt *npt, uint64_t guest, uint64_t host,
			     uint64_t remaining)
{
	int level;

	for (level = npt->allow_1g_pages ? 2 : 1; level > 0; level--) {
		uint64_t size = level_page_size(level);

		if (((guest | host) & (size - 1)) == 0 && remaining >= size)
			break;
	}
	return level;
}

static uint64_t make_leaf(uint64_t host, uint32_t permissions, int level)
{
	uint64_t entry = host | ENTRY_PRESENT | ENTRY_USER;

	if (permissions & NPT_WRITE)
		entry |= ENTRY_WRITABLE;
	if (!(permissions & NPT_EXECUTE))
		entry |= ENTRY_NO_EXECUTE;
	if (level > 0)
		entry |= ENTRY_LARGE;
	return entry;
}

/* Tables are only ever created for something mapped under them, so finding any
 * present entry where the new leaf goes, or a leaf on the way there, means the guest
 * range is already (partly) mapped. */
static enum npt_status install_leaf(struct npt *npt, uint64_t guest, uint64_t leaf, int leaf_level)
{
	uint64_t *entries = table_at(npt->root);
	uint64_t *entry;
	int level;

	for (level = ROOT_LEVEL; level > leaf_level; level--) {
		entry = &entries[entry_index(guest, level)];
		if (!(*entry & ENTRY_PRESENT)) {
			uint64_t table = allocate_table(npt);

			if (!table)
				return NPT_OUT_OF_MEMORY;
			*entry = table | TABLE_ENTRY_BITS;
		} else if (is_leaf(*entry, level)) {
			return NPT_OVERLAP;
		}
		entries = table_at(*entry & ENTRY_ADDRESS);
	}

	entry = &entries[entry_index(guest, leaf_level)];
	if (*entry & ENTRY_PRESENT)
		return NPT_OVERLAP;
	*entry = leaf;
	return NPT_OK;
}

static enum npt_status map_one(struct npt *npt, const struct npt_mapping *mapping)
{
	uint64_t guest = mapping->guest_start;
	uint64_t host = mapping->host_start;
	uint64_t remaining = mapping->size;

	while (remaining) {
		int level = choose_leaf_level(npt, guest, host, remaining);
		uint64_t size = level_page_size(level);
		enum npt_status status;

		status = install_leaf(npt, guest, make_leaf(host, mapping->permissions, level), level);
		if (status != NPT_OK)
			return status;
		guest += size;
		host += size;
		remaining -= size;
	}
	return NPT_OK;
}

void npt_freeze(struct npt *npt)
{
	__atomic_store_n(&npt->frozen, true, __ATOMIC_RELEASE);
}

enum npt_status npt_map(struct npt *npt, const struct npt_mapping *mappings, size_t count)
{
	enum npt_status status;
	size_t i;

	if (__atomic_load_n(&npt->frozen, __ATOMIC_ACQUIRE))
		return NPT_FROZEN;
	for (i = 0; i < count; i++)
		if (!mapping_is_valid(&mappings[i]))
			return NPT_BAD_MAPPING;
	for (i = 0; i < count; i++) {
		status = map_one(npt, &mappings[i]);
		if (status != NPT_OK)
			return status;
	}
	return NPT_OK;
}

int npt_translate(const struct npt *npt, uint64_t guest, uint64_t *host, uint32_t *permissions,
		  uint64_t *page_size)
{
	const uint64_t *entries = table_at(npt->root);
	bool writable = true, executable = true;
	uint64_t entry, size;
	int level;

	if (guest >= NPT_GUEST_ADDRESS_LIMIT)
		return -1;

	/* Ends at level 0 at the latest: every PT entry is a leaf. */
	for (level = ROOT_LEVEL;; level--) {
		entry = entries[entry_index(guest, level)];
		if (!(entry & ENTRY_PRESENT))
			return -1;
		/* The CPU grants the intersection of all levels' rights. */
		writable = writable && (entry & ENTRY_WRITABLE);
		executable = executable && !(entry & ENTRY_NO_EXECUTE);
		if (is_leaf(entry, level))
			break;
		entries = table_at(entry & ENTRY_ADDRESS);
	}

	size = level_page_size(level);
	if (host)
		*host = (entry & leaf_address_mask(level)) | (guest & (size - 1));
	if (permissions)
		*permissions = NPT_READ | (writable ? NPT_WRITE : 0) | (executable ? NPT_EXECUTE : 0);
	if (page_size)
		*page_size = size;
	return 0;
}

/* --- invariants ------------------------------------------------------------ */

static const char root_not_page_address[] = "root is not a page address";
static const char table_outside_memory[] = "table page outside table memory";
static const char reserved_bit_set[] = "entry has a reserved bit set";
static const char user_bit_clear[] = "entry lacks the U bit";
static const char table_entry_read_only[] = "table entry is not writable";
static const char leaf_write_execute[] = "leaf is writable and executable";
static const char leaf_forbidden_host[] = "leaf maps a forbidden host range";

static bool inside_any(uint64_t start, uint64_t end, const struct npt_range *ranges, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (ranges[i].start <= start && end <= ranges[i].end)
			return true;
	return false;
}

static bool intersects_any(uint64_t start, uint64_t end, const struct npt_range *ranges,
			   size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (ranges[i].start < end && start < ranges[i].end)
			return true;
	return false;
}

/* Every bit outside these is either reserved by the architecture or one that our
 * format keeps zero (memory type, global, software-available bits). Accessed and
 * dirty are allowed because the CPU sets them during nested walks. */
static uint64_t allowed_bits(bool leaf, int level)
{
	if (!leaf)
		return TABLE_ENTRY_BITS | ENTRY_ACCESSED | ENTRY_ADDRESS;
	return ENTRY_PRESENT | ENTRY_WRITABLE | ENTRY_USER | ENTRY_ACCESSED | ENTRY_DIRTY |
	       ENTRY_NO_EXECUTE | (level > 0 ? ENTRY_LARGE : 0) | leaf_address_mask(level);
}

static const char *check_entry_format(const struct npt *npt, uint64_t entry, bool leaf, int level)
{
	if (entry & ~allowed_bits(leaf, level))
		return reserved_bit_set;
	/* Without Page1GB support, PS in a PDPT entry is a reserved bit. */
	if (leaf && level == 2 && !npt->allow_1g_pages)
		return reserved_bit_set;
	if (!(entry & ENTRY_USER))
		return user_bit_clear;
	if (!leaf && !(entry & ENTRY_WRITABLE))
		return table_entry_read_only;
	return NULL;
}

static const char *check_leaf(const struct npt_invariants *invariants, uint64_t entry, int level)
{
	uint64_t host = entry & leaf_address_mask(level);

	if (invariants->forbid_write_execute && (entry & ENTRY_WRITABLE) &&
	    !(entry & ENTRY_NO_EXECUTE))
		return leaf_write_execute;
	if (intersects_any(host, host + level_page_size(level), invariants->forbidden_hosts,
			   invariants->forbidden_count))
		return leaf_forbidden_host;
	return NULL;
}

/* `table` has already been found inside table memory, so reading it is safe. */
static const char *check_table(const struct npt *npt, const struct npt_invariants *invariants,
			       uint64_t table, int level, uint64_t guest_base, uint64_t *where)
{
	const uint64_t *entries = table_at(table);
	unsigned int i;

	for (i = 0; i < ENTRIES_PER_TABLE; i++) {
		uint64_t entry = entries[i];
		uint64_t guest = guest_base + ((uint64_t)i << level_shift(level));
		bool leaf = is_leaf(entry, level);
		const char *broken;
		uint64_t next;

		if (!(entry & ENTRY_PRESENT))
			continue;
		*where = guest;
		broken = check_entry_format(npt, entry, leaf, level);
		if (!broken && leaf)
			broken = check_leaf(invariants, entry, level);
		if (broken)
			return broken;
		if (leaf)
			continue;

		next = entry & ENTRY_ADDRESS;
		if (!inside_any(next, next + TABLE_SIZE, invariants->table_memory,
				invariants->table_memory_count)) {
			*where = next;
			return table_outside_memory;
		}
		broken = check_table(npt, invariants, next, level - 1, guest, where);
		if (broken)
			return broken;
	}
	return NULL;
}

const char *npt_check_invariants(const struct npt *npt, const struct npt_invariants *invariants,
				 uint64_t *where)
{
	/* nCR3's low bits and bits above 51 are not part of the table address. */
	*where = npt->root;
	if ((npt->root & ~ENTRY_ADDRESS) != 0)
		return root_not_page_address;
	if (!inside_any(npt->root, npt->root + TABLE_SIZE, invariants->table_memory,
			invariants->table_memory_count))
		return table_outside_memory;
	return check_table(npt, invariants, npt->root, ROOT_LEVEL, 0, where);
}
