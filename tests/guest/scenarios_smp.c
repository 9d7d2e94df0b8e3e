/* INIT and STARTUP IPIs from the commodity OS, run instead of the usual scenarios
 * when the command line has the word "smp". tests/system/test_smp_guest.py boots
 * us under QEMU -smp 3 with the policy's "cpus 2": APIC ID 1 is a vCPU of ours
 * that waits for INIT and STARTUP, APIC ID 2 is not the partition's. The
 * hypervisor must start the first inside the partition, under its nested page
 * tables, restart it there on a second INIT and STARTUP, and refuse every other
 * INIT or STARTUP: under QEMU TCG a real one would reset the target CPU and start
 * it outside SVM. Each scenario uses a fresh
 * trampoline page (smp_trampoline.S), so a marker always belongs to one attempt. */
#include <stdint.h>

#include "arch/x86/tsc_time.h"
#include "console.h"
#include "cycle_counter.h"
#include "hypercall.h"
#include "report.h"
#include "scenarios.h"

#define APIC_BASE         0xfee00000ull
#define APIC_ID           0x020
#define APIC_ICR_LOW      0x300
#define APIC_ICR_HIGH     0x310
#define ICR_INIT_ASSERT   0x0000c500u
#define ICR_INIT_DEASSERT 0x00008500u
#define ICR_STARTUP       0x00000600u
#define ICR_ALL_BUT_SELF  0x000c0000u
#define APIC_ID_SHIFT     24
/* QEMU numbers APIC IDs 0..n-1 in MADT order; "cpus 2" gives us the first two. */
#define OWNED_APIC_ID     1
#define UNOWNED_APIC_ID   2
/* What smp_trampoline.S writes into a report word it reached. */
#define REACHED           0x1234
#define PAGE              0x1000ull
/* Where a STARTUP vector can point: below the EBDA, above the IVT and BIOS data. */
#define LOW_PAGE_START    0x10000ull
#define LOW_PAGE_LIMIT    0x9f000ull
#define REAL_MODE_LIMIT   0x100000ull
#define IVT_END           0x400ull
/* A started vCPU reports well within a second under TCG; one that must not start
 * gets the time it would take to run its trampoline many times over. */
#define START_TIMEOUT_US  10000000ull
#define REFUSED_WAIT_US   2000000ull
/* The hypervisor's startup page in boot_info->hypervisor[] when the machine has
 * more than one CPU. */
#define STARTUP_PAGE_RANGE 2

extern const char smp_trampoline[], smp_trampoline_end[];
extern const char smp_trampoline_ran[], smp_trampoline_faulted[], smp_trampoline_read[];
extern const char smp_trampoline_read_value[], smp_trampoline_target_segment[];

/* A MOV r/m32 store (opcode 89), as Linux writes the xAPIC, whatever encoding the
 * compiler would pick for a constant address. */
static void apic_write(uint32_t offset, uint32_t value)
{
	__asm__ volatile("movl %1, (%0)" : : "r"(APIC_BASE + offset), "r"(value) : "memory");
}

static uint32_t apic_read(uint32_t offset)
{
	return *(volatile uint32_t *)(uintptr_t)(APIC_BASE + offset);
}

static void send_ipi(uint32_t destination, uint32_t command)
{
	apic_write(APIC_ICR_HIGH, destination << APIC_ID_SHIFT);
	apic_write(APIC_ICR_LOW, command);
}

/* The MultiProcessor Specification's sequence, as Linux sends it. */
static void send_startup_sequence(uint32_t destination, uint32_t shorthand, uint64_t page)
{
	send_ipi(destination, shorthand | ICR_INIT_ASSERT);
	send_ipi(destination, shorthand | ICR_INIT_DEASSERT);
	send_ipi(destination, shorthand | ICR_STARTUP | (uint32_t)(page >> 12));
	send_ipi(destination, shorthand | ICR_STARTUP | (uint32_t)(page >> 12));
}

static bool ours(uint64_t start, uint64_t end)
{
	for (uint32_t i = 0; i < boot_info->ram_count; i++)
		if (boot_info->ram[i].start <= start && end <= boot_info->ram[i].end)
			return true;
	return false;
}

/* The index-th whole page of our RAM where a STARTUP vector can point, or 0. */
static uint64_t low_page(unsigned index)
{
	for (uint64_t page = LOW_PAGE_START; page + PAGE <= LOW_PAGE_LIMIT; page += PAGE)
		if (ours(page, page + PAGE) && index-- == 0)
			return page;
	return 0;
}

static volatile uint16_t *trampoline_word(uint64_t page, const char *label)
{
	return (volatile uint16_t *)(uintptr_t)(page + (uint64_t)(label - smp_trampoline));
}

/* A fresh copy of the trampoline on the index-th low page, its reports cleared;
 * returns the page, or 0 after reporting why there is none. */
static uint64_t install_trampoline(unsigned index, uint64_t target)
{
	uint64_t page = low_page(index);

	if (!page) {
		fail("no page %u of our RAM in [0x%llx, 0x%llx) for a trampoline", index,
		     LOW_PAGE_START, LOW_PAGE_LIMIT);
		return 0;
	}
	for (long i = 0; i < smp_trampoline_end - smp_trampoline; i++)
		((volatile char *)(uintptr_t)page)[i] = smp_trampoline[i];
	*trampoline_word(page, smp_trampoline_target_segment) = (uint16_t)(target >> 4);
	return page;
}

static bool reached(uint64_t page, const char *label)
{
	return *trampoline_word(page, label) == REACHED;
}

static uint64_t deadline(uint64_t microseconds)
{
	return ordered_rdtsc() + microseconds * tsc_ticks_per_microsecond();
}

/* PASS if the trampoline on `page` never starts running within the wait. */
static bool never_runs(uint64_t page, const char *attempt)
{
	for (uint64_t end = deadline(REFUSED_WAIT_US); ordered_rdtsc() < end;)
		if (reached(page, smp_trampoline_ran))
			return fail("%s ran our trampoline at 0x%lx", attempt, page);
	return true;
}

bool startup_inside_partition(void)
{
	const struct sbx_guest_range *startup_page = &boot_info->hypervisor[STARTUP_PAGE_RANGE];
	uint64_t page, end;

	if (boot_info->hypervisor_count <= STARTUP_PAGE_RANGE)
		return fail("the boot information lists no startup page (%u hypervisor ranges)",
			    boot_info->hypervisor_count);
	/* Its segment must reach it, and its first word must not be ours. */
	if (startup_page->start & 0xf || startup_page->start >= REAL_MODE_LIMIT ||
	    ours(startup_page->start, startup_page->start + 2))
		return fail("the startup page 0x%lx-0x%lx is not hidden real-mode memory",
			    startup_page->start, startup_page->end);
	if (!ours(0, IVT_END))
		return fail("the real-mode IVT at 0 is not our RAM: the #GP has nowhere to go");
	page = install_trampoline(0, startup_page->start);
	if (!page)
		return false;
	print("sbx-test: smp: trampoline at 0x%lx reads the startup page at 0x%lx\n", page,
	      startup_page->start);
	send_startup_sequence(OWNED_APIC_ID, 0, page);
	for (end = deadline(START_TIMEOUT_US); ordered_rdtsc() < end;)
		if (reached(page, smp_trampoline_faulted) || reached(page, smp_trampoline_read))
			break;
	if (reached(page, smp_trampoline_read))
		return fail("vCPU %u read 0x%x from the hypervisor's startup page at 0x%lx",
			    OWNED_APIC_ID, *trampoline_word(page, smp_trampoline_read_value),
			    startup_page->start);
	if (!reached(page, smp_trampoline_ran))
		return fail("APIC ID %u never ran our trampoline at 0x%lx", OWNED_APIC_ID, page);
	if (!reached(page, smp_trampoline_faulted))
		return fail("APIC ID %u ran our trampoline at 0x%lx, but its read of 0x%lx "
			    "neither completed nor faulted", OWNED_APIC_ID, page,
			    startup_page->start);
	return true;
}

/* INIT and STARTUP to our running vCPU restart it, as they would a CPU: inside the
 * partition again, at the new trampoline (the hypervisor stops it first). */
bool startup_running_restarts(void)
{
	uint64_t page = install_trampoline(1, 0);

	if (!page)
		return false;
	send_startup_sequence(OWNED_APIC_ID, 0, page);
	for (uint64_t end = deadline(START_TIMEOUT_US); ordered_rdtsc() < end;)
		if (reached(page, smp_trampoline_ran))
			return true;
	return fail("APIC ID %u, running, never ran our new trampoline at 0x%lx after INIT "
		    "and STARTUP", OWNED_APIC_ID, page);
}

bool startup_unowned_refused(void)
{
	uint64_t page = install_trampoline(2, 0);

	if (!page)
		return false;
	send_startup_sequence(UNOWNED_APIC_ID, 0, page);
	return never_runs(page, "APIC ID 2, not the partition's,");
}

/* "All excluding self" would reach both the running vCPU and the CPU that is not
 * ours. */
bool startup_shorthand_refused(void)
{
	uint64_t page = install_trampoline(3, 0);

	if (!page)
		return false;
	send_startup_sequence(0, ICR_ALL_BUT_SELF, page);
	return never_runs(page, "a CPU reached by the all-but-self shorthand");
}

/* A real INIT would reset this CPU: nothing after it would run. */
bool startup_self_refused(void)
{
	uint32_t self = apic_read(APIC_ID) >> APIC_ID_SHIFT;
	struct hypercall_result result;

	send_ipi(self, ICR_INIT_ASSERT);
	result = hypercall(SBX_HC_VERSION, 0, 0, 0, 0);
	if (result.status != SBX_OK)
		return fail("SBX_HC_VERSION after an INIT to ourselves (APIC ID %u) returned %ld",
			    self, result.status);
	return true;
}
