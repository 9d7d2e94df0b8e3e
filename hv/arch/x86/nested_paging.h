/* AMD SVM nested page tables (AMD64 APM volume 2, 15.25): the guest-physical to
 * host-physical map of one partition, and the invariants the hypervisor checks on it
 * after every change.
 *
 * The tables use the host's long-mode format: four levels of 512 8-byte entries.
 * The host's EFER.NXE must be set while a partition runs, because nested walks
 * take NXE from the host and every non-executable leaf sets NX. */
#ifndef SBX_HV_X86_NESTED_PAGING_H
#define SBX_HV_X86_NESTED_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NPT_READ    1u
#define NPT_WRITE   2u
#define NPT_EXECUTE 4u

/* Four levels index 48 bits of guest-physical address; host addresses in an entry
 * have 52 bits. */
#define NPT_GUEST_ADDRESS_LIMIT (1ull << 48)
#define NPT_HOST_ADDRESS_LIMIT  (1ull << 52)

/* Guest-physical [guest_start, guest_start + size) -> host [host_start, ...). */
struct npt_mapping {
	uint64_t guest_start;
	uint64_t host_start;
	uint64_t size;
	uint32_t permissions;   /* NPT_READ is required; NPT_WRITE, NPT_EXECUTE optional */
};

struct npt_page_source {
	void *context;
	/* Returns the physical address of a zeroed 4 KiB page, or 0 when out of memory.
	 * The hypervisor identity-maps memory, so a physical address is also a pointer
	 * (unit tests hand out aligned heap pages and use their addresses). */
	uint64_t (*allocate_page)(void *context);
};

struct npt {
	uint64_t root;          /* physical address of the PML4, the VMCB's nCR3 */
	bool allow_1g_pages;    /* CPUID 0x80000001 EDX bit 26 (Page1GB) */
	const struct npt_page_source *pages;
	uint64_t table_pages;   /* count of table pages allocated (stats, tests) */
	/* Set (npt_freeze) before any vCPU first runs on these tables. From then on
	 * any CPU may hold translations from them, and the hypervisor has no TLB
	 * shootdown, so they must never change again: npt_map refuses. */
	bool frozen;
};

enum npt_status {
	NPT_OK = 0,
	NPT_OUT_OF_MEMORY,
	/* Not 4 KiB aligned, zero size, wrapping, no READ, unknown permission bits,
	 * guest end above NPT_GUEST_ADDRESS_LIMIT or host end above
	 * NPT_HOST_ADDRESS_LIMIT. */
	NPT_BAD_MAPPING,
	NPT_OVERLAP,            /* guest range already mapped */
	NPT_FROZEN,             /* a vCPU has run on these tables: they cannot change */
};

const char *npt_status_string(enum npt_status status);

/* Allocates the root table. */
enum npt_status npt_init(struct npt *npt, const struct npt_page_source *pages, bool allow_1g_pages);

/* No change after this: see `frozen`. */
void npt_freeze(struct npt *npt);

/* Maps each range with the largest pages whose guest and host alignment and the
 * remaining size allow (1 GiB if allowed, 2 MiB, else 4 KiB). Mappings may come in
 * any order but must not overlap each other nor anything mapped before: NPT_OVERLAP.
 * Every mapping is validated before any is entered. On error the tables may hold
 * part of the mappings; callers treat the whole npt as unusable. */
enum npt_status npt_map(struct npt *npt, const struct npt_mapping *mappings, size_t count);

/* Walks the tables as the CPU would: 0 and *host, *permissions (the effective ones,
 * combined over all levels) and *page_size if `guest` is mapped, -1 if not. Any of
 * the output pointers may be NULL. */
int npt_translate(const struct npt *npt, uint64_t guest, uint64_t *host, uint32_t *permissions,
		  uint64_t *page_size);

struct npt_range {
	uint64_t start;         /* inclusive */
	uint64_t end;           /* exclusive */
};

/* The invariants the hypervisor re-checks after every change of a partition's
 * tables. The checker walks every present entry rather than trusting bookkeeping. */
struct npt_invariants {
	/* No guest page may map onto any byte of these. They must include the
	 * memory the tables live in: a guest that can write its own nested tables
	 * owns the machine. */
	const struct npt_range *forbidden_hosts;
	size_t forbidden_count;
	/* Every table page, the root included, must lie inside one of these. */
	const struct npt_range *table_memory;
	size_t table_memory_count;
	bool forbid_write_execute;  /* no leaf both writable and executable */
};

/* Returns NULL when all invariants hold, otherwise a static message naming the first
 * one broken, and sets *where to the offending guest address (or table address for
 * a table page outside table memory). Besides the invariants above, every entry must
 * have exactly the format npt_map writes (the U bit at every level, table entries
 * writable and executable so the leaf decides, no reserved or unused bit set, no
 * 1 GiB leaf without allow_1g_pages); only the accessed and dirty bits that the CPU
 * sets may differ. */
const char *npt_check_invariants(const struct npt *npt, const struct npt_invariants *invariants,
				 uint64_t *where);

#endif
