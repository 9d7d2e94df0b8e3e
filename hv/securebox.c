/* The securebox partition. Its guest-physical space is [0, size), size from the
 * policy, backed by one 2 MiB-aligned block of host memory that no other partition
 * maps:
 *
 *   0 ............ ELF segments (as linked) ......... free RAM
 *   size - 4 pages  boot information
 *   size - 3 pages  PML4, PDPT, PD: an identity map with 2 MiB pages
 *
 * Its nested page tables give each ELF segment the ELF's own permissions and keep
 * every page either writable or executable, never both. */
#include <string.h>

#include "active_policy.h"
#include "arch/x86/boot_layout.h"
#include "arch/x86/vcpu.h"
#include "arch/x86/vmcb_setup.h"
#include "spinlock.h"
#include "console.h"
#include "elf_loader.h"
#include "partition.h"
#include "sbx/boot_info.h"
#include "securebox.h"

#define PAGE 4096ull
#define LARGE_PAGE (2ull << 20)
#define PAGE_TABLE_PAGES 3
#define SECUREBOX_ASID 2
#define MSR_PERMISSION_MAP_PAGES 2
#define IO_PERMISSION_MAP_PAGES 3
#define PHYSICAL_LIMIT (1ull << 52)

static struct partition *const securebox = &partitions[SBX_PARTITION_SECUREBOX];
/* Its one vCPU, run by whichever CPU calls it. */
static struct vcpu *const securebox_vcpu = &partitions[SBX_PARTITION_SECUREBOX].vcpus[0];
/* One call at a time: the vCPU, its message pages and its state are one. */
static struct spinlock call_lock;
static uint64_t memory_size;

static uint64_t page_tables_offset(void)
{
	return memory_size - PAGE_TABLE_PAGES * PAGE;
}

static uint64_t boot_info_offset(void)
{
	return memory_size - (PAGE_TABLE_PAGES + 1) * PAGE;
}

struct table_page_source {
	struct arena *arena;
};

static uint64_t allocate_table_page(void *context)
{
	return arena_allocate(context, 1);
}

static struct npt_page_source table_pages;

static uint64_t align_up(uint64_t value, uint64_t alignment)
{
	return (value + alignment - 1) & ~(alignment - 1);
}

static uint32_t segment_permissions(uint32_t flags)
{
	uint32_t permissions = NPT_READ;

	if (flags & ELF_SEGMENT_WRITE)
		permissions |= NPT_WRITE;
	if (flags & ELF_SEGMENT_EXECUTE)
		permissions |= NPT_EXECUTE;
	return permissions;
}

/* Sorted segments with the gaps between them as writable, non-executable RAM. */
static const char *build_nested_tables(const struct elf_image *image, uint64_t memory,
				       bool allow_1g_pages, struct arena *arena)
{
	struct npt_mapping mappings[2 * ELF_MAX_SEGMENTS + 1];
	const struct elf_segment *sorted[ELF_MAX_SEGMENTS];
	size_t count = 0;
	uint64_t cursor = 0;
	enum npt_status status;

	for (uint32_t i = 0; i < image->segment_count; i++) {
		uint32_t j = i;

		for (; j > 0 && sorted[j - 1]->address > image->segments[i].address; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = &image->segments[i];
	}
	for (uint32_t i = 0; i < image->segment_count; i++) {
		uint64_t start = sorted[i]->address;
		uint64_t end = align_up(start + sorted[i]->memory_size, PAGE);

		if (start < cursor)
			return "two segments share a page";
		if (start > cursor)
			mappings[count++] = (struct npt_mapping){ cursor, memory + cursor,
								  start - cursor,
								  NPT_READ | NPT_WRITE };
		mappings[count++] = (struct npt_mapping){ start, memory + start, end - start,
							  segment_permissions(sorted[i]->flags) };
		cursor = end;
	}
	mappings[count++] = (struct npt_mapping){ cursor, memory + cursor,
						  memory_size - cursor,
						  NPT_READ | NPT_WRITE };

	table_pages = (struct npt_page_source){ arena, allocate_table_page };
	status = npt_init(&securebox->npt, &table_pages, allow_1g_pages);
	if (status == NPT_OK)
		status = npt_map(&securebox->npt, mappings, count);
	if (status != NPT_OK)
		return npt_status_string(status);
	return NULL;
}

static const char *check_nested_tables(uint64_t memory, const struct arena *arena)
{
	const struct npt_range forbidden[] = { { 0, memory },
					       { memory + memory_size, PHYSICAL_LIMIT } };
	const struct npt_range tables[] = { { arena->start, arena->end } };
	const struct npt_invariants invariants = {
		.forbidden_hosts = forbidden, .forbidden_count = 2,
		.table_memory = tables, .table_memory_count = 1,
		.forbid_write_execute = true,
	};
	uint64_t where;
	const char *broken = npt_check_invariants(&securebox->npt, &invariants, &where);

	if (broken)
		printk("sbx: securebox: nested page table invariant broken at 0x%lx\n", where);
	return broken;
}

static void build_page_tables(uint8_t *base)
{
	uint64_t *pml4 = (uint64_t *)(base + page_tables_offset());
	uint64_t *pdpt = pml4 + 512;
	uint64_t *pd = pdpt + 512;

	pml4[0] = (page_tables_offset() + PAGE) | PTE_PRESENT | PTE_WRITABLE;
	pdpt[0] = (page_tables_offset() + 2 * PAGE) | PTE_PRESENT | PTE_WRITABLE;
	for (uint64_t i = 0; i < memory_size / LARGE_PAGE; i++)
		pd[i] = (i * LARGE_PAGE) | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;
}

static void setup_vmcb(uint64_t entry, struct arena *arena)
{
	uint64_t msr_map = arena_allocate(arena, MSR_PERMISSION_MAP_PAGES);
	uint64_t io_map = arena_allocate(arena, IO_PERMISSION_MAP_PAGES);
	struct vmcb_controls controls = {
		/* Every exception stops the securebox: it has no IDT of its own. */
		.intercept_exceptions = 0xffffffffu,
		.intercept_misc1 = VMCB_INTERCEPT_CPUID | VMCB_INTERCEPT_HLT |
				   VMCB_INTERCEPT_INVD | VMCB_INTERCEPT_INVLPGA |
				   VMCB_INTERCEPT_IOIO_PROT | VMCB_INTERCEPT_MSR_PROT |
				   VMCB_INTERCEPT_TASK_SWITCH | VMCB_INTERCEPT_SHUTDOWN |
				   VMCB_INTERCEPT_INIT | VMCB_INTERCEPT_NMI,
		.intercept_misc2 = VMCB_INTERCEPT_VMRUN | VMCB_INTERCEPT_VMMCALL |
				   VMCB_INTERCEPT_VMLOAD | VMCB_INTERCEPT_VMSAVE |
				   VMCB_INTERCEPT_STGI | VMCB_INTERCEPT_CLGI |
				   VMCB_INTERCEPT_SKINIT | VMCB_INTERCEPT_ICEBP |
				   VMCB_INTERCEPT_WBINVD | VMCB_INTERCEPT_MONITOR |
				   VMCB_INTERCEPT_MWAIT | VMCB_INTERCEPT_XSETBV,
		.msr_permission_map = msr_map,
		.io_permission_map = io_map,
		.asid = SECUREBOX_ASID,
		.nested_cr3 = securebox->npt.root,
		/* Physical interrupts stay pending for the commodity OS while the
		 * securebox runs (the host runs with interrupts masked). */
		.virtual_interrupt = VMCB_V_INTR_MASKING,
	};

	/* No MSR and no port: the securebox touches no device. */
	memset((void *)(uintptr_t)msr_map, 0xff, MSR_PERMISSION_MAP_PAGES * PAGE);
	memset((void *)(uintptr_t)io_map, 0xff, IO_PERMISSION_MAP_PAGES * PAGE);
	vmcb_setup_controls(securebox_vcpu->vmcb, &controls);
	vmcb_setup_long_mode(securebox_vcpu->vmcb, entry, page_tables_offset());
}

const char *securebox_create(struct arena *arena, uint64_t memory, uint64_t size,
			     void *module, uint64_t module_size,
			     const struct sbx_securebox_boot_info *secrets, bool allow_1g_pages)
{
	uint8_t *base = (uint8_t *)(uintptr_t)memory;
	struct sbx_securebox_boot_info *boot_info;
	struct elf_image image;
	const char *error = elf_read(module, module_size, &image);

	if (error)
		return error;
	memory_size = size;
	if (image.highest > boot_info_offset())
		return "the image does not fit below the boot information page";
	securebox_vcpu->vmcb = (struct vmcb *)(uintptr_t)arena_allocate(arena, 1);
	if (!securebox_vcpu->vmcb)
		return "hypervisor arena exhausted";
	securebox->vcpu_count = 1;

	memset(base, 0, memory_size);
	for (uint32_t i = 0; i < image.segment_count; i++) {
		const struct elf_segment *segment = &image.segments[i];

		memcpy(base + segment->address, (const uint8_t *)module + segment->file_offset,
		       segment->file_size);
	}
	build_page_tables(base);
	boot_info = (struct sbx_securebox_boot_info *)(base + boot_info_offset());
	boot_info->magic = SBX_SECUREBOX_BOOT_MAGIC;
	boot_info->version = SBX_SECUREBOX_BOOT_INFO_VERSION;
	boot_info->memory_size = memory_size;
	boot_info->image_end = align_up(image.highest, PAGE);
	boot_info->page_tables_start = boot_info_offset();
	boot_info->seed_size = secrets->seed_size;
	memcpy(boot_info->seed, secrets->seed, sizeof(boot_info->seed));
	boot_info->root_secret_kind = secrets->root_secret_kind;
	memcpy(boot_info->root_secret, secrets->root_secret, sizeof(boot_info->root_secret));
	boot_info->measurements = secrets->measurements;
	boot_info->log_level = active_policy.securebox_log == POLICY_LOG_INFO ? SBX_LOG_INFO :
			       active_policy.securebox_log == POLICY_LOG_ERRORS ? SBX_LOG_ERRORS :
			       SBX_LOG_NONE;

	error = build_nested_tables(&image, memory, allow_1g_pages, arena);
	if (!error)
		error = check_nested_tables(memory, arena);
	if (error)
		return error;
	setup_vmcb(image.entry, arena);
	securebox_vcpu->registers.rdi = boot_info_offset();
	securebox->host_base = memory;
	securebox->ram[0] = (struct phys_range){ 0, boot_info_offset() };
	securebox->ram_count = 1;
	securebox->state = PARTITION_RUNNABLE;

	/* The module's memory goes to the commodity OS: leave nothing of it behind. */
	memset(module, 0, module_size);
	return NULL;
}

void securebox_record_pcrs(const uint8_t pcrs[3][32])
{
	struct sbx_securebox_boot_info *boot_info = partition_pointer(securebox,
								      boot_info_offset());

	memcpy(boot_info->measurements.pcrs, pcrs, sizeof(boot_info->measurements.pcrs));
}

static enum run_outcome run_until_waiting(struct cpu *cpu)
{
	enum run_outcome outcome;

	do
		outcome = vcpu_run_once(securebox_vcpu, cpu);
	while (outcome == RUN_CONTINUE);
	return outcome;
}

const char *securebox_start(struct cpu *cpu)
{
	if (run_until_waiting(cpu) != RUN_SECUREBOX_WAITING)
		return securebox->stop_reason;
	return NULL;
}

static enum sbx_status call_locked(struct cpu *cpu, const void *request,
				   uint64_t request_size, void *response, uint64_t capacity,
				   uint64_t *response_size)
{
	if (securebox->state != PARTITION_WAITING)
		return SBX_E_UNAVAILABLE;
	memcpy(partition_pointer(securebox, securebox->request_buffer), request, request_size);
	securebox_vcpu->vmcb->state.rax = SBX_OK;
	securebox_vcpu->registers.rdi = request_size;
	securebox->state = PARTITION_RUNNABLE;
	if (run_until_waiting(cpu) != RUN_SECUREBOX_WAITING)
		return SBX_E_UNAVAILABLE;
	if (securebox->reply_size > capacity)
		return SBX_E_RESPONSE_TOO_LARGE;
	memcpy(response, partition_pointer(securebox, securebox->response_buffer),
	       securebox->reply_size);
	*response_size = securebox->reply_size;
	return SBX_OK;
}

enum sbx_status securebox_call(struct cpu *cpu, const void *request, uint64_t request_size,
			       void *response, uint64_t capacity, uint64_t *response_size)
{
	enum sbx_status status;

	spin_lock(&call_lock);
	status = call_locked(cpu, request, request_size, response, capacity, response_size);
	spin_unlock(&call_lock);
	return status;
}
