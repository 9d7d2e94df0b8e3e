/* The commodity OS's local APIC: its nested page tables map the xAPIC page
 * read-only, and the hypervisor performs each write for it except INIT and STARTUP
 * IPIs and local vector table entries that would INIT this CPU; APIC_BASE cannot
 * move the page or switch to x2APIC. Under QEMU TCG an INIT would reset a parked CPU
 * and start it natively, outside SVM, at code of our choosing; with -smp 1 there is
 * no other CPU and the first scenario checks only that the refusal does not break
 * us. */
#include <stdint.h>

#include "cycle_counter.h"
#include "exceptions.h"
#include "probe.h"
#include "report.h"
#include "scenarios.h"

#define APIC_BASE        0xfee00000ull
#define APIC_TPR         0x080
#define APIC_LVT_LINT0   0x350
#define LVT_INIT         0x00000500u
#define LVT_MASKED       0x00010000u
#define MSR_APIC_BASE    0x1bu
#define APIC_BASE_ADDRESS 0x000ffffffffff000ull
#define APIC_BASE_X2APIC (1ull << 10)
#define OTHER_BASE       0xfed00000ull
#define APIC_IRR         0x200
#define APIC_ICR_LOW     0x300
#define APIC_ICR_HIGH    0x310
#define ICR_INIT_ASSERT  0x0000c500u
#define ICR_INIT_DEASSERT 0x00008500u
#define ICR_STARTUP      0x00000600u
#define ICR_FIXED_SELF   0x00040000u
#define ICR_PENDING      0x00001000u
/* The second CPU in QEMU's MADT. */
#define TARGET_APIC_ID   1
/* A TPR whose class masks every vector: the self-IPI stays pending in the IRR, where
 * we can see it, and is never dispatched (we have no handler for it). */
#define TPR_MASK_ALL     0xf0
#define SELF_IPI_VECTOR  0xef
/* Long enough, under TCG, for a started CPU to run a dozen instructions many times
 * over. */
#define WAIT_CYCLES      500000000ull
#define MARKER_OFFSET    0x100
#define MARKER           0x1234
#define LOW_PAGE_START   0x10000ull
#define LOW_PAGE_LIMIT   0x9f000ull
#define PAGE             0x1000ull

/* Real mode at CS = page >> 4, IP = 0: mov word cs:[0x100], 0x1234; cli; hlt; jmp $-1. */
static const uint8_t trampoline[] = {
	0x2e, 0xc7, 0x06, MARKER_OFFSET & 0xff, MARKER_OFFSET >> 8, MARKER & 0xff, MARKER >> 8,
	0xfa, 0xf4, 0xeb, 0xfd,
};

static volatile uint32_t *apic_register(uint32_t offset)
{
	return (volatile uint32_t *)(uintptr_t)(APIC_BASE + offset);
}

static void send_ipi(uint32_t destination, uint32_t command)
{
	*apic_register(APIC_ICR_HIGH) = destination << 24;
	*apic_register(APIC_ICR_LOW) = command;
}

/* A page of our RAM below 640 KiB, where a STARTUP IPI can point. */
static uint64_t low_page(void)
{
	for (uint32_t i = 0; i < boot_info->ram_count; i++) {
		uint64_t start = (boot_info->ram[i].start + PAGE - 1) & ~(PAGE - 1);

		if (start < LOW_PAGE_START)
			start = LOW_PAGE_START;
		if (start + PAGE <= boot_info->ram[i].end && start + PAGE <= LOW_PAGE_LIMIT)
			return start;
	}
	return 0;
}

bool init_startup_refused(void)
{
	uint64_t page = low_page();
	volatile uint16_t *marker;
	uint64_t start;

	if (!page)
		return fail("no RAM page of ours below 0x%llx for a trampoline", LOW_PAGE_LIMIT);
	for (unsigned i = 0; i < sizeof(trampoline); i++)
		((volatile uint8_t *)(uintptr_t)page)[i] = trampoline[i];
	marker = (volatile uint16_t *)(uintptr_t)(page + MARKER_OFFSET);
	*marker = 0;
	/* The MultiProcessor Specification's sequence, as Linux sends it. */
	send_ipi(TARGET_APIC_ID, ICR_INIT_ASSERT);
	send_ipi(TARGET_APIC_ID, ICR_INIT_DEASSERT);
	send_ipi(TARGET_APIC_ID, ICR_STARTUP | (uint32_t)(page >> 12));
	send_ipi(TARGET_APIC_ID, ICR_STARTUP | (uint32_t)(page >> 12));
	start = ordered_rdtsc();
	while (ordered_rdtsc() - start < WAIT_CYCLES)
		if (*marker != 0)
			return fail("CPU %u ran our trampoline at 0x%lx (marker 0x%x)",
				    TARGET_APIC_ID, page, *marker);
	return true;
}

/* LINT0 and LINT1 may deliver INIT on silicon, and the commodity OS drives LINT0
 * through the 8259: such an entry would reset the CPU under the hypervisor. It is a
 * violation, masked or not, and the entry keeps what it held. */
bool lvt_init_refused(void)
{
	uint32_t before = *apic_register(APIC_LVT_LINT0);

	if (!expect_fault(probe_write32(APIC_BASE + APIC_LVT_LINT0, LVT_MASKED | LVT_INIT),
			  VECTOR_GP, "xAPIC LINT0 write of a masked INIT entry at",
			  APIC_BASE + APIC_LVT_LINT0))
		return false;
	if (*apic_register(APIC_LVT_LINT0) != before)
		return fail("LINT0 reads 0x%x after the refused write, 0x%x before",
			    *apic_register(APIC_LVT_LINT0), before);
	return true;
}

/* Moving the xAPIC page would take the ICR out of the read-only page, and x2APIC
 * mode would take it out of memory: either would let INIT and STARTUP through. */
bool apic_base_locked(void)
{
	uint64_t base, after;

	if (probe_rdmsr(MSR_APIC_BASE, &base) != PROBE_NO_FAULT)
		return fail("RDMSR of APIC_BASE faulted");
	if (!expect_fault(probe_wrmsr(MSR_APIC_BASE, (base & ~APIC_BASE_ADDRESS) | OTHER_BASE),
			  VECTOR_GP, "WRMSR of APIC_BASE moving the xAPIC to", OTHER_BASE) ||
	    !expect_fault(probe_wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC), VECTOR_GP,
			  "WRMSR of APIC_BASE enabling x2APIC, value", base | APIC_BASE_X2APIC))
		return false;
	/* The same value again is an ordinary write, performed. */
	if (probe_wrmsr(MSR_APIC_BASE, base) != PROBE_NO_FAULT)
		return fail("rewriting APIC_BASE with its own value 0x%lx faulted", base);
	if (probe_rdmsr(MSR_APIC_BASE, &after) != PROBE_NO_FAULT || after != base)
		return fail("APIC_BASE reads 0x%lx after the refused writes, 0x%lx before",
			    after, base);
	return true;
}

bool self_ipi_arrives(void)
{
	volatile uint32_t *irr = apic_register(APIC_IRR + (SELF_IPI_VECTOR / 32) * 0x10);
	uint32_t bit = 1u << (SELF_IPI_VECTOR % 32);
	uint32_t tpr;

	/* An ordinary register write, performed for us, reads back. */
	*apic_register(APIC_TPR) = TPR_MASK_ALL;
	tpr = *apic_register(APIC_TPR) & 0xff;
	if (tpr != TPR_MASK_ALL)
		return fail("TPR reads 0x%x after writing 0x%x", tpr, TPR_MASK_ALL);
	if (*irr & bit)
		return fail("vector 0x%x pending before the self-IPI", SELF_IPI_VECTOR);
	send_ipi(0, ICR_FIXED_SELF | SELF_IPI_VECTOR);
	for (uint64_t start = ordered_rdtsc(); !(*irr & bit);)
		if (ordered_rdtsc() - start > WAIT_CYCLES)
			return fail("the fixed self-IPI (vector 0x%x) never arrived, ICR 0x%x",
				    SELF_IPI_VECTOR, *apic_register(APIC_ICR_LOW));
	return true;
}
