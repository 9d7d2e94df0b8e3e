/* Touching hypervisor and securebox memory from the commodity partition: each
 * access must take a nested page fault, which the hypervisor's violation policy
 * turns into #GP(0) for us. And the securebox's test secret must not be
 * anywhere the commodity can read. */
#include <string.h>

#include "exceptions.h"
#include "probe.h"
#include "report.h"
#include "scenarios.h"
#include "secret_scan.h"

#define PAGE_SIZE     4096
#define WRITTEN_VALUE 0xa5

/* secret.pattern is the one copy of the secret the RAM scan must skip. */
static struct secret_index secret;
static uint64_t page_copy[PAGE_SIZE / sizeof(uint64_t)];

static bool range_reachable(const struct sbx_guest_range *range, const char *name)
{
	if (range->start >= range->end)
		return fail("the %s range [0x%lx, 0x%lx) is empty", name, range->start,
			    range->end);
	if (range->end > ADDRESSABLE_END)
		return fail("the %s range ends at 0x%lx, beyond this guest's 4 GiB identity map",
			    name, range->end);
	return true;
}

static bool is_injected_gp(unsigned result)
{
	return result == VECTOR_GP && last_fault.error_code == 0;
}

/* The first, a middle and the last byte of `range`. */
static bool sampled_bytes_fault(const struct sbx_guest_range *range, const char *name,
				bool write)
{
	uint64_t addresses[] = {
		range->start,
		range->start + (range->end - range->start) / 2,
		range->end - 1,
	};

	if (!range_reachable(range, name))
		return false;
	for (unsigned i = 0; i < sizeof(addresses) / sizeof(addresses[0]); i++) {
		uint8_t value;
		unsigned result = write ? probe_write8(addresses[i], WRITTEN_VALUE)
					: probe_read8(addresses[i], &value);

		if (!expect_fault(result, VECTOR_GP, write ? "write to" : "read of", addresses[i]))
			return false;
	}
	return true;
}

static bool hypervisor_bytes_fault(bool write)
{
	if (!boot_info->hypervisor_count)
		return fail("the boot information lists no hypervisor memory");
	for (uint32_t i = 0; i < boot_info->hypervisor_count; i++)
		if (!sampled_bytes_fault(&boot_info->hypervisor[i], "hypervisor", write))
			return false;
	return true;
}

bool read_hypervisor_memory(void)
{
	return hypervisor_bytes_fault(false);
}

bool write_hypervisor_memory(void)
{
	return hypervisor_bytes_fault(true);
}

/* A securebox page turned out readable: read as much of it as we can and look
 * for the secret there. The copy is wiped so that the RAM scan does not find
 * it again in our own memory. */
static bool readable_page_holds_secret(uint64_t page)
{
	size_t words = 0, offset;
	bool found;

	while (words < PAGE_SIZE / sizeof(uint64_t) &&
	       probe_read64(page + words * sizeof(uint64_t), &page_copy[words]) == PROBE_NO_FAULT)
		words++;
	found = secret_find(&secret, (const uint8_t *)page_copy, words * sizeof(uint64_t),
			    &offset);
	memset(page_copy, 0, sizeof(page_copy));
	return found;
}

/* Scans [start, end) except the pattern itself; *where is a leak's address. */
static bool span_holds_secret(uint64_t start, uint64_t end, uint64_t *where)
{
	uint64_t skip_start = (uint64_t)secret.pattern;
	uint64_t skip_end = skip_start + sizeof(secret.pattern);
	size_t offset;

	if (start < skip_end && skip_start < end)
		return span_holds_secret(start, skip_start, where) ||
		       span_holds_secret(skip_end, end, where);
	if (start >= end ||
	    !secret_find(&secret, (const uint8_t *)start, end - start, &offset))
		return false;
	*where = start + offset;
	return true;
}

static bool own_ram_holds_secret(uint64_t *where)
{
	for (uint32_t i = 0; i < boot_info->ram_count; i++) {
		uint64_t end = boot_info->ram[i].end;

		if (span_holds_secret(boot_info->ram[i].start,
				      end < ADDRESSABLE_END ? end : ADDRESSABLE_END, where))
			return true;
	}
	return false;
}

/* Every page first, so that a readable one is searched for the secret whatever
 * else is wrong; then the middle and last bytes; then our own RAM. */
bool read_securebox_memory(void)
{
	const struct sbx_guest_range *range = &boot_info->securebox;
	uint64_t pages = 0, readable = 0, with_secret = 0, wrong = 0;
	uint64_t first_readable = 0, first_wrong = 0, leak;
	unsigned wrong_vector = 0;

	if (!range_reachable(range, "securebox"))
		return false;
	secret_index_init(&secret, SBX_SECRET_PATTERN_SEED);
	for (uint64_t page = range->start; page < range->end; page += PAGE_SIZE, pages++) {
		uint64_t value;
		unsigned result = probe_read64(page, &value);

		if (is_injected_gp(result))
			continue;
		if (result != PROBE_NO_FAULT) {
			if (!wrong++) {
				first_wrong = page;
				wrong_vector = result;
			}
			continue;
		}
		if (!readable++)
			first_readable = page;
		with_secret += readable_page_holds_secret(page);
	}
	if (readable)
		return fail("%lu of %lu securebox pages readable (the first at 0x%lx), "
			    "%lu of them holding the secret",
			    readable, pages, first_readable, with_secret);
	if (wrong)
		return fail("%lu of %lu securebox page reads raised something other than "
			    "#GP(0), the first vector %u at 0x%lx",
			    wrong, pages, wrong_vector, first_wrong);
	if (!sampled_bytes_fault(range, "securebox", false))
		return false;
	if (own_ram_holds_secret(&leak))
		return fail("the securebox's secret is in our own RAM at 0x%lx", leak);
	return true;
}

bool write_securebox_memory(void)
{
	return sampled_bytes_fault(&boot_info->securebox, "securebox", true);
}
