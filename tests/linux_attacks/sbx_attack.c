// SPDX-License-Identifier: GPL-2.0
/*
 * sbx_attack.ko: the bare-metal test guest's attacks (tests/guest/), made by a stock
 * Linux kernel at ring 0 under the sbx hypervisor. Every attack is guarded by an
 * exception-table entry, so the fault the policy injects (#GP for memory and MSRs,
 * #UD for SVM instructions) turns into an error here and Linux carries on.
 *
 *   insmod sbx_attack.ko hidden=0x100000-0x139fff,0xc00000-0xdfffff \
 *                        securebox=0x5000000-0x53fffff [hypercalls=10000] [seed=N]
 *
 * Ranges are inclusive, as the hypervisor's console line and /sys/firmware/memmap
 * give them. Each attack prints one line "sbx-attack: <attack>: ...: contained" or
 * "...: NOT CONTAINED", and the last line is "sbx-attack: N contained, M not
 * contained"; tests/system/test_linux_attacks.py parses them from the console.
 */
#define pr_fmt(fmt) "sbx-attack: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <linux/vmalloc.h>
#include <asm/apic.h>
#include <asm/asm.h>
#include <asm/msr.h>

#include <sbx/hypercall.h>
#include <sbx/service.h>
#include "secret_scan.h"

static char *hidden = "";
module_param(hidden, charp, 0444);
MODULE_PARM_DESC(hidden, "hypervisor ranges to attack: START-END[,START-END...] (inclusive)");
static char *securebox = "";
module_param(securebox, charp, 0444);
MODULE_PARM_DESC(securebox, "securebox ranges to attack, as hidden=");
static unsigned int hypercalls = 10000;
module_param(hypercalls, uint, 0444);
MODULE_PARM_DESC(hypercalls, "random hypercalls to make");
static unsigned long long seed;
module_param(seed, ullong, 0444);
MODULE_PARM_DESC(seed, "seed of the random hypercalls (0: a random one, printed)");
static bool scan_ram = true;
module_param(scan_ram, bool, 0444);
MODULE_PARM_DESC(scan_ram, "also search all of Linux's RAM for the securebox secret");

static unsigned int contained, not_contained;

/* One verdict per attack, in the format the system test parses. */
static void verdict(bool ok, const char *attack, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%s: %pV: %s\n", attack, &vaf, ok ? "contained" : "NOT CONTAINED");
	va_end(args);
	if (ok)
		contained++;
	else
		not_contained++;
}

/* --- guarded accesses ------------------------------------------------------------
 * EX_TYPE_FAULT's fixup puts the trap number in RAX and resumes after the access,
 * so each probe returns the vector it took, or NO_FAULT. The probes are noinline:
 * every access of a scan then comes from one RIP, which the hypervisor's violation
 * log folds into "the last violation repeated N more times". */
#define NO_FAULT (~0UL)
#define VECTOR_UD 6
#define VECTOR_GP 13

static noinline unsigned long probe_read64(const volatile void *addr, u64 *value)
{
	unsigned long trap = NO_FAULT;
	u64 v = 0;

	asm volatile("1: movq (%[addr]), %[v]\n"
		     "2:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : [v] "+r"(v), "+a"(trap)
		     : [addr] "r"(addr)
		     : "memory");
	*value = v;
	return trap;
}

static noinline unsigned long probe_write64(volatile void *addr, u64 value)
{
	unsigned long trap = NO_FAULT;

	asm volatile("1: movq %[v], (%[addr])\n"
		     "2:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : "+a"(trap)
		     : [addr] "r"(addr), [v] "r"(value)
		     : "memory");
	return trap;
}

static noinline unsigned long probe_read8(const volatile void *addr, u8 *value)
{
	unsigned long trap = NO_FAULT;
	u8 v = 0;

	asm volatile("1: movb (%[addr]), %[v]\n"
		     "2:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : [v] "+q"(v), "+a"(trap)
		     : [addr] "r"(addr)
		     : "memory");
	*value = v;
	return trap;
}

static noinline unsigned long probe_write8(volatile void *addr, u8 value)
{
	unsigned long trap = NO_FAULT;

	asm volatile("1: movb %[v], (%[addr])\n"
		     "2:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : "+a"(trap)
		     : [addr] "r"(addr), [v] "q"(value)
		     : "memory");
	return trap;
}

static noinline unsigned long probe_read32(const volatile void *addr, u32 *value)
{
	unsigned long trap = NO_FAULT;
	u32 v = 0;

	asm volatile("1: movl (%[addr]), %[v]\n"
		     "2:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : [v] "+r"(v), "+a"(trap)
		     : [addr] "r"(addr)
		     : "memory");
	*value = v;
	return trap;
}

/* --- ranges ------------------------------------------------------------------------ */
#define MAX_RANGES 16

struct attack_range {
	u64 start;
	u64 end;		/* exclusive */
	const char *kind;	/* "hidden" (hypervisor) or "securebox" */
};

static struct attack_range ranges[MAX_RANGES];
static unsigned int range_count;

static int parse_ranges(const char *text, const char *kind)
{
	char *copy = kstrdup(text, GFP_KERNEL), *cursor = copy, *token;
	int error = 0;

	if (!copy)
		return -ENOMEM;
	while (!error && (token = strsep(&cursor, ","))) {
		char *dash = strchr(token, '-');
		u64 start, last;

		if (!*token)
			continue;
		if (!dash || range_count == MAX_RANGES) {
			error = -EINVAL;
			break;
		}
		*dash = '\0';
		error = kstrtoull(token, 0, &start) ?: kstrtoull(dash + 1, 0, &last);
		if (!error && (last < start || !PAGE_ALIGNED(start) ||
			       !PAGE_ALIGNED(last + 1)))
			error = -EINVAL;
		if (!error)
			ranges[range_count++] = (struct attack_range){ start, last + 1, kind };
	}
	kfree(copy);
	if (error)
		pr_err("bad %s= ranges \"%s\" (want page-aligned START-END,...)\n", kind, text);
	return error;
}

/* --- the securebox secret ------------------------------------------------------- */
static struct secret_index *secret;

/* Byte offsets accessed in every page: the first, middle and last words. */
static const unsigned int sample_offsets[] = { 0, PAGE_SIZE / 2, PAGE_SIZE - 8 };

struct memory_tally {
	u64 accesses, faults, other_vector, succeeded, bytes_read, leaks;
	unsigned long first_other_vector;
	u64 first_success;
};

/* A page read did not fault: read all of it (guarded, word by word) and search it
 * for the secret, as the test guest does with a readable securebox page. */
static void read_whole_page(const void *page, struct memory_tally *tally)
{
	u64 *copy = kzalloc(PAGE_SIZE, GFP_KERNEL);
	size_t offset, at;

	if (!copy)
		return;
	for (offset = 0; offset < PAGE_SIZE; offset += 8)
		if (probe_read64(page + offset, &copy[offset / 8]) == NO_FAULT)
			tally->bytes_read += 8;
	if (secret_find(secret, (const u8 *)copy, PAGE_SIZE, &at))
		tally->leaks++;
	kfree(copy);
}

/* Read (or, with `write`, write) the sampled words of every page of a mapping of
 * the range. ioremap maps it UC, memremap WB: the hypervisor must refuse both, as
 * its nested page tables do not map the memory at all. */
static void attack_mapping(const struct attack_range *range, void *map, bool write,
			   const char *how)
{
	struct memory_tally tally = { 0 };
	char attack[80];
	unsigned int i;
	u64 page;
	bool ok;

	for (page = 0; page < range->end - range->start; page += PAGE_SIZE) {
		u8 *base = (u8 *)map + page;
		bool page_read = false;

		for (i = 0; i < ARRAY_SIZE(sample_offsets); i++) {
			unsigned long trap;
			u64 value;

			tally.accesses++;
			if (write)
				/* A marker that would stand out in a hypervisor dump. */
				trap = probe_write64(base + sample_offsets[i],
						     0x5bad5bad00000000ull | i);
			else
				trap = probe_read64(base + sample_offsets[i], &value);
			if (trap != NO_FAULT) {
				tally.faults++;
				if (trap != VECTOR_GP && !tally.other_vector++)
					tally.first_other_vector = trap;
				continue;
			}
			if (!tally.succeeded++)
				tally.first_success = range->start + page + sample_offsets[i];
			page_read = !write;
		}
		if (page_read)
			read_whole_page(base, &tally);
	}
	/* The policy's answer is #GP; anything else means a path we did not expect. */
	ok = !tally.succeeded && !tally.other_vector && !tally.leaks;
	snprintf(attack, sizeof(attack), "%s %s 0x%llx-0x%llx", write ? "write" : "read",
		 range->kind, range->start, range->end - 1);
	if (tally.succeeded)
		verdict(ok, attack,
			"%s: %llu of %llu accesses succeeded (the first at 0x%llx), %s, "
			"%llu pages holding the securebox secret",
			how, tally.succeeded, tally.accesses, tally.first_success,
			write ? "wrote them" : "read whole pages", tally.leaks);
	else
		verdict(ok, attack, "%s: faulted %llu of %llu accesses (%s), %s 0 bytes",
			how, tally.faults, tally.accesses,
			tally.other_vector ? "not all #GP" : "#GP", write ? "wrote" : "read");
	if (tally.bytes_read)
		pr_info("%s: %s: read %llu bytes\n", attack, how, tally.bytes_read);
	if (tally.other_vector)
		pr_info("%s: %s: %llu faults were not #GP, the first vector %lu\n", attack,
			how, tally.other_vector, tally.first_other_vector);
}

static void attack_memory(const struct attack_range *range)
{
	size_t size = range->end - range->start;
	void __iomem *uc = ioremap(range->start, size);
	void *wb = memremap(range->start, size, MEMREMAP_WB);

	/* Linux itself refusing the mapping would leave the hypervisor untested: that
	 * is a failure of the attack, not containment. */
	if (!wb)
		verdict(false, "map", "memremap of %s 0x%llx-0x%llx refused by Linux",
			range->kind, range->start, range->end - 1);
	else
		attack_mapping(range, wb, false, "memremap");
	if (!uc) {
		verdict(false, "map", "ioremap of %s 0x%llx-0x%llx refused by Linux",
			range->kind, range->start, range->end - 1);
	} else {
		/* The guarded probes read and write it as plain memory. */
		attack_mapping(range, (void __force *)uc, false, "ioremap");
		attack_mapping(range, (void __force *)uc, true, "ioremap");
	}
	if (wb)
		memunmap(wb);
	if (uc)
		iounmap(uc);
}

/* --- all of Linux's RAM ---------------------------------------------------------
 * The secret must not be anywhere the commodity OS can read, not only behind the
 * hidden ranges: search every System RAM page, each with the tail of the one before
 * so that a run across a page boundary is found too. The pattern the index holds
 * is the one copy we made ourselves; its page is skipped. */
#define RAM_TAIL SBX_SECRET_MATCH_LENGTH

struct ram_scan {
	u8 *buffer;	/* RAM_TAIL + PAGE_SIZE */
	unsigned long skip_pfn;
	u64 pages, unreadable, leaks, first_leak;
	unsigned long last_pfn;
};

static int scan_ram_resource(struct resource *resource, void *arg)
{
	struct ram_scan *scan = arg;
	unsigned long pfn;

	for (pfn = PFN_UP(resource->start); pfn < PFN_DOWN(resource->end + 1); pfn++) {
		bool contiguous = scan->last_pfn + 1 == pfn;
		size_t at;

		scan->last_pfn = pfn;
		if (pfn == scan->skip_pfn) {
			scan->last_pfn = ~0UL - 1;
			continue;
		}
		scan->pages++;
		memmove(scan->buffer, scan->buffer + PAGE_SIZE, RAM_TAIL);
		/* The direct map may have holes (KFENCE guard pages, pages unmapped
		 * for other reasons): a guarded copy skips them instead of oopsing. */
		if (copy_from_kernel_nofault(scan->buffer + RAM_TAIL, pfn_to_kaddr(pfn),
					     PAGE_SIZE)) {
			scan->unreadable++;
			scan->last_pfn = ~0UL - 1;
			continue;
		}
		if (contiguous ?
			    secret_find(secret, scan->buffer, RAM_TAIL + PAGE_SIZE, &at) :
			    secret_find(secret, scan->buffer + RAM_TAIL, PAGE_SIZE, &at)) {
			if (!scan->leaks++)
				scan->first_leak = PFN_PHYS(pfn);
		}
		if (!(pfn & 1023))
			cond_resched();
	}
	return 0;
}

static void attack_scan_ram(void)
{
	struct ram_scan scan = { 0 };

	size_t at;

	/* A scanner that cannot find the secret would pass any RAM. */
	if (!secret_find(secret, secret->pattern + 100, 64, &at)) {
		verdict(false, "scan-ram", "the scanner misses the secret in its own copy");
		return;
	}
	scan.buffer = kzalloc(RAM_TAIL + PAGE_SIZE, GFP_KERNEL);
	if (!scan.buffer) {
		verdict(false, "scan-ram", "no memory for the scan");
		return;
	}
	/* The index is vmalloc'ed and its pattern is its first page-sized member,
	 * so the pattern fills exactly one page: skip it. */
	scan.skip_pfn = vmalloc_to_pfn(secret->pattern);
	scan.last_pfn = ~0UL - 1;
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, -1,
			    &scan, scan_ram_resource);
	kfree(scan.buffer);
	verdict(!scan.leaks, "scan-ram",
		"searched %llu pages of Linux RAM for the securebox secret (%llu unreadable), "
		"%llu with it", scan.pages, scan.unreadable, scan.leaks);
	if (scan.leaks)
		pr_info("scan-ram: the first page with the secret is at 0x%llx\n",
			scan.first_leak);
}

/* --- TPM ----------------------------------------------------------------------------
 * The TIS register pages of localities 1-4 are absent from the commodity's nested
 * page tables (policy: tpm-localities 0), so every access faults. Locality 0 is the
 * kernel TPM driver's; it is attacked through that driver instead. */
#define TPM_TIS_BASE	0xfed40000ul
#define TPM_ACCESS	0x00
#define TPM_STS		0x18
#define TPM_DATA_FIFO	0x24
#define TPM_DID_VID	0xf00
#define TPM_ACCESS_REQUEST_USE	0x02
#define TPM_ACCESS_ACTIVE_LOCALITY	0x20
#define TPM_STS_GO		0x20
#define PCR_ATTACKED	17

/* TPM2_PCR_Extend(PCR 17, sha256 = 0x5b...), with an empty password session. */
static const u8 pcr17_extend[] = {
	0x80, 0x02, 0x00, 0x00, 0x00, 0x41, 0x00, 0x00, 0x01, 0x82,	/* header */
	0x00, 0x00, 0x00, PCR_ATTACKED,					/* pcrHandle */
	0x00, 0x00, 0x00, 0x09, 0x40, 0x00, 0x00, 0x09,			/* TPM_RS_PW */
	0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x0b,				/* 1 x sha256 */
	0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b,
	0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b,
	0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b, 0x5b,
};

static void attack_tpm_locality(unsigned int locality)
{
	void __iomem *map = ioremap(TPM_TIS_BASE + locality * 0x1000ul, 0x1000);
	u8 *regs = (u8 __force *)map;
	unsigned int accesses = 0, faults = 0, other = 0, i;
	unsigned long trap;
	char attack[32];
	u32 value32;
	u8 value8;

	snprintf(attack, sizeof(attack), "tpm-locality-%u", locality);
	if (!map) {
		verdict(false, attack, "ioremap refused by Linux");
		return;
	}
#define COUNT(probe) do {					\
		trap = (probe);					\
		accesses++;					\
		if (trap != NO_FAULT) {				\
			faults++;				\
			other += trap != VECTOR_GP;		\
		}						\
	} while (0)
	COUNT(probe_read8(regs + TPM_ACCESS, &value8));
	COUNT(probe_read32(regs + TPM_STS, &value32));
	COUNT(probe_read32(regs + TPM_DID_VID, &value32));
	COUNT(probe_write8(regs + TPM_ACCESS, TPM_ACCESS_REQUEST_USE));
	/* Under a policy that grants the locality the request reached the TPM: give
	 * it back, or the kernel's driver could never use locality 0 again. */
	if (trap == NO_FAULT)
		probe_write8(regs + TPM_ACCESS, TPM_ACCESS_ACTIVE_LOCALITY);
	/* At locality 2 (the hypervisor's), go as far as sending an extend of PCR 17:
	 * were any of it to reach the TPM, the measured launch would be forgeable. */
	if (locality == 2) {
		for (i = 0; i < sizeof(pcr17_extend); i++)
			COUNT(probe_write8(regs + TPM_DATA_FIFO, pcr17_extend[i]));
		COUNT(probe_write8(regs + TPM_STS, TPM_STS_GO));
	}
#undef COUNT
	iounmap(map);
	verdict(faults == accesses && !other, attack,
		"0x%lx: faulted %u of %u accesses (%s)%s", TPM_TIS_BASE + locality * 0x1000ul,
		faults, accesses, other ? "not all #GP" : faults ? "#GP" : "no fault",
		locality == 2 ? ", PCR 17 extend among them" : "");
}

/* PCR 17 at locality 0, through the kernel's own driver: the TPM must refuse it
 * (TPM_RC_LOCALITY), and the PCR must not change. */
static void attack_tpm_driver(void)
{
	struct tpm_chip *chip = tpm_default_chip();
	struct tpm_digest before = { .alg_id = TPM_ALG_SHA256 };
	struct tpm_digest after = { .alg_id = TPM_ALG_SHA256 };
	struct tpm_digest *digests;
	int rc, read_before, read_after;
	unsigned int i;

	if (!chip) {
		verdict(false, "tpm-pcr17-locality-0", "no TPM chip in Linux");
		return;
	}
	digests = kcalloc(chip->nr_allocated_banks, sizeof(*digests), GFP_KERNEL);
	if (!digests) {
		put_device(&chip->dev);
		return;
	}
	for (i = 0; i < chip->nr_allocated_banks; i++) {
		digests[i].alg_id = chip->allocated_banks[i].alg_id;
		memset(digests[i].digest, 0x5b, sizeof(digests[i].digest));
	}
	read_before = tpm_pcr_read(chip, PCR_ATTACKED, &before);
	rc = tpm_pcr_extend(chip, PCR_ATTACKED, digests);
	read_after = tpm_pcr_read(chip, PCR_ATTACKED, &after);
	kfree(digests);
	put_device(&chip->dev);
	verdict(rc != 0 && !read_before && !read_after &&
		!memcmp(before.digest, after.digest, SHA256_DIGEST_SIZE),
		"tpm-pcr17-locality-0",
		"TPM2_PCR_Extend through the kernel driver returned %d (0x%x), PCR 17 %s",
		rc, rc > 0 ? rc : 0,
		read_before || read_after ? "unreadable" :
		memcmp(before.digest, after.digest, SHA256_DIGEST_SIZE) ? "CHANGED" :
									  "unchanged");
}

/* --- MSRs --------------------------------------------------------------------------- */
#define MSR_EFER_NUMBER		0xc0000080u
#define EFER_SVME_BIT		(1ull << 12)

static void attack_efer(void)
{
	u64 efer = 0, after = 0;
	int read, write, reread;

	read = rdmsrl_safe(MSR_EFER_NUMBER, &efer);
	/* Without SVME the hypervisor's next VMRUN of this partition would fail: the
	 * guest would have turned the hypervisor off under itself. */
	write = wrmsrl_safe(MSR_EFER_NUMBER, efer & ~EFER_SVME_BIT);
	reread = rdmsrl_safe(MSR_EFER_NUMBER, &after);
	verdict(!read && write && !reread && (after & EFER_SVME_BIT), "clear-efer-svme",
		"EFER 0x%llx, wrmsr without SVME returned %d, EFER after 0x%llx", efer, write,
		after);
}

static const struct {
	u32 msr;
	const char *name;
	u64 value;	/* what a write tries: each would undo or blind the hypervisor */
	bool read_denied;	/* SVM's own MSRs: not even readable (SECURITY.md) */
} protected_msrs[] = {
	{ 0xc0010117, "VM_HSAVE_PA", 0, true },
	{ 0xc0010114, "VM_CR", 1ull << 4, true },	/* SVMDIS */
	{ 0xc0010010, "SYSCFG", 0, false },
	{ 0xc001001a, "TOP_MEM", 0x100000, false },
	{ 0xc001001d, "TOP_MEM2", 0, false },
};

static void attack_protected_msrs(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protected_msrs); i++) {
		char attack[40];
		u64 value;
		int read = rdmsrl_safe(protected_msrs[i].msr, &value);
		int write = wrmsrl_safe(protected_msrs[i].msr, protected_msrs[i].value);

		snprintf(attack, sizeof(attack), "msr-%s", protected_msrs[i].name);
		verdict((read || !protected_msrs[i].read_denied) && write, attack, "0x%x: rdmsr returned %d, wrmsr returned %d",
			protected_msrs[i].msr, read, write);
	}
}

/* --- SVM instructions ------------------------------------------------------------
 * RAX holds a page-aligned physical address (VMRUN, VMLOAD, VMSAVE, SKINIT,
 * INVLPGA use it); the fixup replaces it by the vector, which is below 32. */
#define SVM_ATTEMPT(name, insn)						\
static noinline unsigned long try_##name(unsigned long rax)		\
{									\
	asm volatile("1: " insn "\n"					\
		     "2:\n"						\
		     _ASM_EXTABLE_FAULT(1b, 2b)				\
		     : "+a"(rax) : "c"(0) : "memory");			\
	return rax < 32 ? rax : NO_FAULT;				\
}
SVM_ATTEMPT(vmrun, "vmrun")
SVM_ATTEMPT(vmload, "vmload")
SVM_ATTEMPT(vmsave, "vmsave")
SVM_ATTEMPT(stgi, "stgi")
SVM_ATTEMPT(clgi, "clgi")
SVM_ATTEMPT(invlpga, "invlpga")
SVM_ATTEMPT(skinit, "skinit")

static void attack_svm_instructions(void)
{
	/* STGI before CLGI: were CLGI to run, the next STGI would undo it. */
	static const struct {
		const char *name;
		unsigned long (*attempt)(unsigned long rax);
	} instructions[] = {
		{ "vmrun", try_vmrun }, { "vmload", try_vmload }, { "vmsave", try_vmsave },
		{ "stgi", try_stgi }, { "clgi", try_clgi }, { "invlpga", try_invlpga },
		{ "skinit", try_skinit },
	};
	/* The hypervisor's own first page: a VMCB or save area there would be its. */
	unsigned long address = range_count ? ranges[0].start : 0x100000;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(instructions); i++) {
		unsigned long trap = instructions[i].attempt(address);

		verdict(trap == VECTOR_UD, instructions[i].name,
			"%s with rax 0x%lx: %s%lu", instructions[i].name, address,
			trap == NO_FAULT ? "executed, no fault " : "vector ",
			trap == NO_FAULT ? 0 : trap);
	}
}

/* --- INIT and STARTUP IPIs --------------------------------------------------------
 * A CPU that takes INIT then STARTUP runs real-mode code at the vector's page, outside
 * SVM and nested paging unless the hypervisor starts it inside the partition; an INIT
 * alone resets a running CPU. Our own trampoline, on a page below the hypervisor's
 * (hidden) startup page, counts every CPU that runs it. The CPUs Linux runs on are
 * left out: INIT and STARTUP restart such a CPU inside the partition, as a machine
 * would, taking it from Linux (test_smp.py takes one offline and back that way). */
#define TRAMPOLINE_MARKER	0x800
#define TRAMPOLINE_LOW		0x8000
#define TRAMPOLINE_HIGH		0x10000
#define APIC_IDS_ATTACKED	8

static const u8 trampoline[] = {
	0xf0, 0x2e, 0x66, 0xff, 0x06,			/* lock incl %cs:MARKER */
	TRAMPOLINE_MARKER & 0xff, TRAMPOLINE_MARKER >> 8,
	0xfa,						/* cli */
	0xf4,						/* 1: hlt */
	0xeb, 0xfd,					/* jmp 1b */
};

/* A page Linux calls System RAM and the hypervisor leaves visible: a trampoline on
 * a hidden page could not be written, and its marker would prove nothing. */
static u64 trampoline_page(void)
{
	u64 page;
	unsigned int i;

	for (page = TRAMPOLINE_LOW; page < TRAMPOLINE_HIGH; page += PAGE_SIZE) {
		bool hidden_page = false;

		if (region_intersects(page, PAGE_SIZE, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_INTERSECTS)
			continue;
		for (i = 0; i < range_count; i++)
			hidden_page |= page < ranges[i].end && ranges[i].start < page + PAGE_SIZE;
		if (!hidden_page)
			return page;
	}
	return 0;
}

static bool write_trampoline(u8 *map)
{
	unsigned int i;

	for (i = 0; i < sizeof(trampoline); i++)
		if (probe_write8(map + i, trampoline[i]) != NO_FAULT)
			return false;
	return probe_write64(map + TRAMPOLINE_MARKER, 0) == NO_FAULT &&
	       !memcmp(map, trampoline, sizeof(trampoline));
}

static void send_ipi(u32 icr_low, u32 apic_id, unsigned int *sent)
{
	apic->icr_write(icr_low, apic_id);
	apic->safe_wait_icr_idle();
	(*sent)++;
}

/* Linux's own sequence for starting a CPU (wakeup_secondary_cpu_via_init), with
 * its delays, so that a CPU the IPIs did reach would have run the trampoline. */
static void send_init_startup(u32 apic_id, u8 vector, unsigned int *sent)
{
	send_ipi(APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT, apic_id, sent);
	send_ipi(APIC_INT_LEVELTRIG | APIC_DM_INIT, apic_id, sent);
	mdelay(10);
	send_ipi(APIC_DM_STARTUP | vector, apic_id, sent);
	udelay(200);
	send_ipi(APIC_DM_STARTUP | vector, apic_id, sent);
}

static void count_answer(void *answered)
{
	atomic_inc(answered);
}

static void attack_startup_ipis(void)
{
	unsigned int online = num_online_cpus(), online_after, sent = 0, cpu;
	atomic_t answered = ATOMIC_INIT(0);
	u64 page = trampoline_page();
	u8 vector = page >> PAGE_SHIFT;
	u32 marker = 0, self, id, linux_cpus = 0;
	void *map;
	bool read;

	if (!page) {
		verdict(false, "startup-ipis", "no visible System RAM page in 0x%x-0x%x for "
			"the trampoline", TRAMPOLINE_LOW, TRAMPOLINE_HIGH - 1);
		return;
	}
	map = memremap(page, PAGE_SIZE, MEMREMAP_WB);
	if (!map || !write_trampoline(map)) {
		verdict(false, "startup-ipis", "could not write the trampoline at 0x%llx",
			page);
		if (map)
			memunmap(map);
		return;
	}

	/* Our own APIC ID must stay ours while the IPIs go out. */
	preempt_disable();
	self = read_apic_id();
	for_each_online_cpu(cpu)
		if (cpu_physical_id(cpu) < APIC_IDS_ATTACKED)
			linux_cpus |= 1u << cpu_physical_id(cpu);
	/* A real INIT to ourselves would reset this CPU under Linux. */
	send_ipi(APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT, self, &sent);
	send_ipi(APIC_DEST_ALLBUT | APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT, 0,
		 &sent);
	send_ipi(APIC_DEST_ALLBUT | APIC_DM_STARTUP | vector, 0, &sent);
	for (id = 0; id < APIC_IDS_ATTACKED; id++)
		if (!(linux_cpus & 1u << id))
			send_init_startup(id, vector, &sent);
	preempt_enable();

	msleep(1000);
	read = probe_read32(map + TRAMPOLINE_MARKER, &marker) == NO_FAULT;
	memunmap(map);
	online_after = num_online_cpus();
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, count_answer, &answered, 1);
	verdict(read && !marker && online_after == online &&
		atomic_read(&answered) == online_after, "startup-ipis",
		"from apic id %u (%s apic), trampoline at 0x%llx: %u INIT/STARTUP IPIs to apic "
		"ids 0-%u but Linux's (mask 0x%x), all but self and self; after 1 s the "
		"trampoline %s %u times, %u of %u CPUs online, %d answered a call", self,
		apic->name, page, sent, APIC_IDS_ATTACKED - 1, linux_cpus,
		read ? "ran" : "(unreadable) ran", marker, online_after, online,
		atomic_read(&answered));
}

/* --- hypercalls --------------------------------------------------------------------- */
struct hypercall_outcome {
	long status;
	u64 out0, out1;
	unsigned long trap;
	bool clobbered;
};

static noinline struct hypercall_outcome hypercall(u64 number, u64 a0, u64 a1, u64 a2,
						    u64 a3)
{
	register u64 r10 asm("r10") = a3;
	u64 rax = number, rdi = a0, rsi = a1, rdx = a2;
	u64 trap = NO_FAULT;

	/* VMMCALL at CPL 0 must not fault, but if the hypervisor injected one, the
	 * fixup puts the vector in RAX and resumes at 2:, which clears `trap`. */
	asm volatile("1: vmmcall\n"
		     "   jmp 3f\n"
		     "2: xorq %[trap], %[trap]\n"
		     "3:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), [trap] "+r"(trap)
		     :
		     : "memory");
	return (struct hypercall_outcome){
		.status = (long)rax, .out0 = rdi, .out1 = rsi,
		.trap = trap == NO_FAULT ? NO_FAULT : rax,
		.clobbered = rdx != a2 || r10 != a3,
	};
}

#define FUZZ_BUFFER_ORDER 2	/* 16 KiB: offsets below 8 KiB, sizes up to 4 KiB */
#define FUZZ_BUFFER_SIZE (PAGE_SIZE << FUZZ_BUFFER_ORDER)

struct fuzz {
	struct rnd_state rnd;
	u8 *buffer;
	u64 buffer_phys;
};

static u32 fuzz_u32(struct fuzz *fuzz)
{
	return prandom_u32_state(&fuzz->rnd);
}

static u64 fuzz_u64(struct fuzz *fuzz)
{
	return (u64)fuzz_u32(fuzz) << 32 | fuzz_u32(fuzz);
}

/* A guest-physical address: our own buffer (a valid one, or misaligned), the
 * hidden ranges and their edges, or garbage. Never other Linux RAM: a hypervisor
 * that wrongly accepted one would then write our kernel, and the test could not
 * tell a hypervisor bug from the damage. Values above 4 GiB are all outside RAM
 * (the machine has 1 GiB). */
static u64 fuzz_address(struct fuzz *fuzz)
{
	const struct attack_range *range;

	switch (fuzz_u32(fuzz) % 8) {
	case 0: case 1: case 2:
		return fuzz->buffer_phys + (fuzz_u32(fuzz) % (FUZZ_BUFFER_SIZE / 2) & ~7u);
	case 3:
		return fuzz->buffer_phys + fuzz_u32(fuzz) % (FUZZ_BUFFER_SIZE / 2);
	case 4:
		if (!range_count)
			return fuzz_u64(fuzz);
		range = &ranges[fuzz_u32(fuzz) % range_count];
		/* Not below the start: that is Linux RAM, which a hypervisor may
		 * rightly write for a small enough size. */
		switch (fuzz_u32(fuzz) % 3) {
		case 0: return range->start;
		case 1: return range->end - 8;		/* straddles out of it */
		default: return range->start + (fuzz_u64(fuzz) % (range->end - range->start) & ~7ull);
		}
	case 5:
		return 0x100000000ull - (fuzz_u32(fuzz) % 8192);	/* wraps the 4 GiB line */
	case 6:
		return fuzz_u64(fuzz) | 0x100000000ull;
	default:
		return ~0ull - (fuzz_u32(fuzz) % 8192);
	}
}

static u64 fuzz_size(struct fuzz *fuzz)
{
	switch (fuzz_u32(fuzz) % 8) {
	case 0: return 0;
	case 1: return 1 + fuzz_u32(fuzz) % SBX_MESSAGE_MAX;
	case 2: return SBX_MESSAGE_MAX;
	case 3: return SBX_MESSAGE_MAX + 1;
	case 4: return fuzz_u32(fuzz);
	case 5: return fuzz_u64(fuzz);
	case 6: return ~0ull;
	default: return sizeof(struct sbx_service_header) + fuzz_u32(fuzz) % 128;
	}
}

static bool in_buffer(const struct fuzz *fuzz, u64 address, u64 size)
{
	return address >= fuzz->buffer_phys && size <= FUZZ_BUFFER_SIZE &&
	       address - fuzz->buffer_phys <= FUZZ_BUFFER_SIZE - size;
}

/* Random request bytes, half of them behind a plausible header, so that the
 * securebox's decoder sees both garbage and near-misses. */
static void fuzz_request(struct fuzz *fuzz, u64 address, u64 size)
{
	struct sbx_service_header header;
	u8 *request;
	u64 i;

	if (!in_buffer(fuzz, address, size ? size : 1))
		return;
	request = fuzz->buffer + (address - fuzz->buffer_phys);
	for (i = 0; i < size; i++)
		request[i] = fuzz_u32(fuzz);
	if (size < sizeof(header) || fuzz_u32(fuzz) % 2)
		return;
	header = (struct sbx_service_header){
		.version = fuzz_u32(fuzz) % 4 ? SBX_SERVICE_PROTOCOL_VERSION : fuzz_u32(fuzz),
		.service = fuzz_u32(fuzz) % 10,
		.length = fuzz_u32(fuzz) % 2 ? size - sizeof(header) : fuzz_u32(fuzz) % 256,
		.status = fuzz_u32(fuzz) % 4 ? 0 : fuzz_u32(fuzz),
	};
	/* Keep to the cheap services: key creation and signing under emulation take
	 * long enough that thousands would time the test out. */
	if (header.service == SBX_SERVICE_KEY_CREATE || header.service == SBX_SERVICE_KEY_SIGN ||
	    header.service == SBX_SERVICE_REPORT)
		header.service = SBX_SERVICE_ECHO;
	memcpy(request, &header, sizeof(header));
}

static u64 fuzz_number(struct fuzz *fuzz)
{
	static const u64 known[] = {
		SBX_HC_VERSION, SBX_HC_SECUREBOX_CALL, SBX_HC_EVENT_LOG_READ, SBX_HC_EXIT_STATS,
		SBX_HC_SECUREBOX_READY, SBX_HC_SECUREBOX_REPLY_WAIT, SBX_HC_SECUREBOX_LOG,
		SBX_HC_SECUREBOX_IDENTITY,
	};

	switch (fuzz_u32(fuzz) % 10) {
	case 0: return fuzz_u64(fuzz);
	case 1: return fuzz_u32(fuzz) % 0x200;
	case 2: return known[fuzz_u32(fuzz) % ARRAY_SIZE(known)] | (u64)fuzz_u32(fuzz) << 32;
	case 3: case 4: return known[4 + fuzz_u32(fuzz) % 4];	/* securebox-only */
	default: return known[fuzz_u32(fuzz) % 4];		/* the commodity's own */
	}
}

#define STATUS_KINDS 9	/* SBX_OK down to SBX_E_RESPONSE_TOO_LARGE */

static void attack_hypercalls(void)
{
	static const char *const names[STATUS_KINDS] = {
		"ok", "unknown-call", "invalid-argument", "bad-address", "too-large",
		"unaligned", "denied", "unavailable", "response-too-large",
	};
	u64 counts[STATUS_KINDS] = { 0 }, returned = 0, faulted = 0, odd = 0;
	u64 clobbered = 0, accepted_bad = 0, wrong_status = 0;
	struct fuzz fuzz;
	struct page *pages;
	unsigned int i;
	char summary[400];
	int length = 0;

	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, FUZZ_BUFFER_ORDER);
	if (!pages) {
		verdict(false, "hypercalls", "no memory for the buffers");
		return;
	}
	fuzz.buffer = page_address(pages);
	fuzz.buffer_phys = page_to_phys(pages);
	if (!seed)
		seed = get_random_u64();
	prandom_seed_state(&fuzz.rnd, seed);
	pr_info("hypercalls: %u with seed %llu (buffer at 0x%llx)\n", hypercalls, seed,
		fuzz.buffer_phys);

	for (i = 0; i < hypercalls; i++) {
		u64 number = fuzz_number(&fuzz);
		u64 a[4] = { fuzz_u64(&fuzz), fuzz_u64(&fuzz), fuzz_u64(&fuzz),
			     fuzz_u64(&fuzz) };
		bool bad_buffer = false;
		struct hypercall_outcome out;

		/* Arguments by the role the ABI gives them, for the calls that have
		 * one; the rest get whatever fuzz_u64 gave. */
		switch (number) {
		case SBX_HC_SECUREBOX_CALL:
			a[0] = fuzz_address(&fuzz);
			a[1] = fuzz_size(&fuzz);
			a[2] = fuzz_address(&fuzz);
			a[3] = fuzz_size(&fuzz);
			fuzz_request(&fuzz, a[0], a[1]);
			bad_buffer = !in_buffer(&fuzz, a[0], a[1]) ||
				     !in_buffer(&fuzz, a[2], a[3]) || (a[0] | a[2]) & 7;
			break;
		case SBX_HC_EVENT_LOG_READ:
			a[0] = fuzz_address(&fuzz);
			a[1] = fuzz_size(&fuzz);
			a[2] = fuzz_u32(&fuzz) % 2 ? fuzz_u32(&fuzz) % 8192 : fuzz_u64(&fuzz);
			bad_buffer = !in_buffer(&fuzz, a[0], a[1]) || a[0] & 7;
			break;
		case SBX_HC_EXIT_STATS:
			a[0] = fuzz_address(&fuzz);
			a[1] = fuzz_u32(&fuzz) % 2 ? sizeof(struct sbx_exit_stats) + fuzz_u32(&fuzz) % 64 :
						     fuzz_size(&fuzz);
			/* The capacity is a lower bound (>= the struct, which is all that
			 * is written), so only the struct's bytes must be ours. */
			bad_buffer = !in_buffer(&fuzz, a[0], sizeof(struct sbx_exit_stats)) ||
				     a[1] < sizeof(struct sbx_exit_stats) || a[0] & 7;
			break;
		case SBX_HC_SECUREBOX_READY:
		case SBX_HC_SECUREBOX_REPLY_WAIT:
		case SBX_HC_SECUREBOX_LOG:
		case SBX_HC_SECUREBOX_IDENTITY:
			a[0] = fuzz_address(&fuzz);
			a[1] = fuzz_u32(&fuzz) % 2 ? fuzz_address(&fuzz) : fuzz_size(&fuzz);
			break;
		}
		out = hypercall(number, a[0], a[1], a[2], a[3]);
		if (out.trap != NO_FAULT) {
			faulted++;
			continue;
		}
		returned++;
		clobbered += out.clobbered;
		if (out.status > 0 || out.status < -(STATUS_KINDS - 1)) {
			odd++;
			continue;
		}
		counts[-out.status]++;
		/* What the ABI says each call must answer. */
		switch (number) {
		case SBX_HC_VERSION:
			wrong_status += out.status != SBX_OK;
			break;
		case SBX_HC_SECUREBOX_CALL:
		case SBX_HC_EVENT_LOG_READ:
		case SBX_HC_EXIT_STATS:
			/* A buffer outside what we own must never be used. */
			if (bad_buffer && out.status == SBX_OK && !accepted_bad++)
				pr_info("hypercalls: call %u: 0x%llx(0x%llx, 0x%llx, 0x%llx, 0x%llx) "
					"used a buffer that is not ours\n", i, number, a[0], a[1],
					a[2], a[3]);
			wrong_status += out.status == SBX_E_UNAVAILABLE;
			break;
		case SBX_HC_SECUREBOX_READY:
		case SBX_HC_SECUREBOX_REPLY_WAIT:
		case SBX_HC_SECUREBOX_LOG:
		case SBX_HC_SECUREBOX_IDENTITY:
			wrong_status += out.status != SBX_E_DENIED;
			break;
		default:
			wrong_status += out.status != SBX_E_UNKNOWN_CALL;
			break;
		}
	}
	__free_pages(pages, FUZZ_BUFFER_ORDER);

	for (i = 0; i < STATUS_KINDS; i++)
		length += scnprintf(summary + length, sizeof(summary) - length, " %s %llu",
				    names[i], counts[i]);
	verdict(returned == hypercalls && !odd && !clobbered && !accepted_bad && !wrong_status,
		"hypercalls",
		"%llu of %u returned (%llu faulted), %llu odd statuses, %llu clobbered RDX/R10, "
		"%llu bad buffers accepted, %llu wrong statuses; statuses:%s",
		returned, hypercalls, faulted, odd, clobbered, accepted_bad, wrong_status,
		summary);
}

/* After everything: the securebox must still answer a well-formed request. */
static void check_securebox_answers(void)
{
	struct page *pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	struct sbx_service_header *request, *response;
	struct sbx_version_response *version;
	struct hypercall_outcome out;

	if (!pages) {
		verdict(false, "securebox-answers", "no memory");
		return;
	}
	request = page_address(pages);
	response = (void *)request + PAGE_SIZE;
	*request = (struct sbx_service_header){
		.version = SBX_SERVICE_PROTOCOL_VERSION, .service = SBX_SERVICE_VERSION,
	};
	out = hypercall(SBX_HC_SECUREBOX_CALL, page_to_phys(pages), sizeof(*request),
			page_to_phys(pages) + PAGE_SIZE, PAGE_SIZE);
	version = (void *)(response + 1);
	verdict(out.trap == NO_FAULT && out.status == SBX_OK &&
		out.out0 == sizeof(*response) + sizeof(*version) &&
		response->status == SBX_SERVICE_OK &&
		version->protocol_version == SBX_SERVICE_PROTOCOL_VERSION,
		"securebox-answers",
		"VERSION request: hypercall status %ld, %llu bytes, service status %d, "
		"securebox version 0x%06x", out.status, out.out0, response->status,
		version->securebox_version);
	__free_pages(pages, 1);
}

static int __init sbx_attack_init(void)
{
	unsigned int i, locality;
	int error;

	error = parse_ranges(hidden, "hidden") ?: parse_ranges(securebox, "securebox");
	if (error)
		return error;
	secret = vmalloc(sizeof(*secret));
	if (!secret)
		return -ENOMEM;
	/* The pattern is computed here, never stored in this module's image: finding it
	 * anywhere can then only mean it leaked out of the securebox. */
	secret_index_init(secret, SBX_SECRET_PATTERN_SEED);

	pr_info("start: %u ranges, %u hypercalls\n", range_count, hypercalls);
	for (i = 0; i < range_count; i++)
		pr_info("range %s 0x%llx-0x%llx\n", ranges[i].kind, ranges[i].start,
			ranges[i].end - 1);
	if (!range_count)
		verdict(false, "ranges", "no ranges given: memory attacks not made");

	for (i = 0; i < range_count; i++)
		attack_memory(&ranges[i]);
	for (locality = 1; locality <= 4; locality++)
		attack_tpm_locality(locality);
	attack_tpm_driver();
	attack_efer();
	attack_protected_msrs();
	attack_svm_instructions();
	attack_startup_ipis();
	attack_hypercalls();
	if (scan_ram)
		attack_scan_ram();
	check_securebox_answers();

	memset(secret->pattern, 0, sizeof(secret->pattern));
	vfree(secret);
	pr_info("%u contained, %u not contained\n", contained, not_contained);
	return 0;
}

static void __exit sbx_attack_exit(void)
{
}

module_init(sbx_attack_init);
module_exit(sbx_attack_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sbx: attacks on the hypervisor from the commodity OS's kernel (test only)");
