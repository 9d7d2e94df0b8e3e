/* The commodity partition sees guest-physical == host-physical: RAM, the PCI hole,
 * the APICs and TPM locality 0 all where the firmware put them, and nothing of the
 * hypervisor, the securebox or the TPM's other localities. */
#include <string.h>

#include "active_policy.h"
#include "arch/x86/ap_vcpu.h"
#include "arch/x86/cpus.h"
#include "arch/x86/local_apic.h"
#include "arch/x86/msr.h"
#include "arch/x86/vcpu.h"
#include "arch/x86/vmcb_setup.h"
#include "commodity.h"
#include "console.h"
#include "partition.h"
#include "sbx/boot_info.h"
#include "tpm/tis.h"

#define PAGE 4096ull
#define COMMODITY_ASID 1
#define MSR_PERMISSION_MAP_PAGES 2
#define IO_PERMISSION_MAP_PAGES 3

static struct partition *const commodity = &partitions[SBX_PARTITION_COMMODITY];
static struct vcpu *boot_vcpu;

static uint64_t allocate_table_page(void *context)
{
	return arena_allocate(context, 1);
}

static struct npt_page_source table_pages;

uint64_t commodity_boot_info_address(const struct elf_image *image)
{
	return (image->highest + PAGE - 1) & ~(PAGE - 1);
}

/* Two bits per MSR (read, then write) in three 2 KiB blocks of the 8 KiB map. */
static void protect_msr(uint8_t *map, uint32_t msr, bool read, bool write)
{
	uint32_t base, bit;

	if (msr < 0x2000)
		base = 0;
	else if (msr >= 0xc0000000u && msr < 0xc0002000u)
		base = 0x800 * 8, msr -= 0xc0000000u;
	else
		base = 0x1000 * 8, msr -= 0xc0010000u;
	bit = base + 2 * msr;
	if (read)
		map[bit / 8] |= 1u << (bit % 8);
	if (write)
		map[(bit + 1) / 8] |= 1u << ((bit + 1) % 8);
}

/* Every vCPU gets the same controls, and shares the permission maps. */
static const char *setup_vmcbs(struct arena *arena)
{
	uint64_t msr_map = arena_allocate(arena, MSR_PERMISSION_MAP_PAGES);
	uint64_t io_map = arena_allocate(arena, IO_PERMISSION_MAP_PAGES);
	uint8_t *msrs = (uint8_t *)(uintptr_t)msr_map;
	struct vmcb_controls controls = {
		/* NMIs exit so that the hypervisor can kick a vCPU out of its guest
		 * (INIT, a stopped partition); the commodity OS's own are re-injected. */
		.intercept_misc1 = VMCB_INTERCEPT_CPUID | VMCB_INTERCEPT_MSR_PROT |
				   VMCB_INTERCEPT_INVLPGA | VMCB_INTERCEPT_SHUTDOWN |
				   VMCB_INTERCEPT_NMI,
		.intercept_misc2 = VMCB_INTERCEPT_VMRUN | VMCB_INTERCEPT_VMMCALL |
				   VMCB_INTERCEPT_VMLOAD | VMCB_INTERCEPT_VMSAVE |
				   VMCB_INTERCEPT_STGI | VMCB_INTERCEPT_CLGI |
				   VMCB_INTERCEPT_SKINIT,
		.msr_permission_map = msr_map,
		.io_permission_map = io_map,
		.asid = COMMODITY_ASID,
		.nested_cr3 = commodity->npt.root,
		/* The commodity OS owns the devices: their interrupts reach it directly. */
		.virtual_interrupt = 0,
	};

	if (!msr_map || !io_map)
		return "hypervisor arena exhausted";
	protect_msr(msrs, MSR_EFER, false, true);
	protect_msr(msrs, MSR_APIC_BASE, false, true);
	protect_msr(msrs, MSR_PAT, true, true);
	protect_msr(msrs, MSR_VM_CR, true, true);
	protect_msr(msrs, MSR_VM_HSAVE_PA, true, true);
	protect_msr(msrs, MSR_SYSCFG, false, true);
	protect_msr(msrs, MSR_TOP_MEM, false, true);
	protect_msr(msrs, MSR_TOP_MEM2, false, true);
	for (uint32_t i = 0; i < commodity->vcpu_count; i++) {
		struct vcpu *vcpu = &commodity->vcpus[i];

		vcpu->vmcb = (struct vmcb *)(uintptr_t)arena_allocate(arena, 1);
		if (!vcpu->vmcb)
			return "hypervisor arena exhausted";
		vmcb_setup_controls(vcpu->vmcb, &controls);
	}
	return NULL;
}

/* The xAPIC page's two edges cut at most two more pieces. */
#define COMMODITY_MAX_MAPPINGS (LAYOUT_MAX_RANGES + 2 * POLICY_MAX_RANGES + 2)

/* The first address after `address` where a read-only range or the xAPIC page
 * starts or ends, or `end`. */
static uint64_t next_boundary(uint64_t address, uint64_t end)
{
	uint64_t next = end;
	const uint64_t apic_edges[2] = { LOCAL_APIC_DEFAULT_BASE, LOCAL_APIC_DEFAULT_BASE + PAGE };

	for (int e = 0; e < 2; e++)
		if (apic_edges[e] > address && apic_edges[e] < next)
			next = apic_edges[e];

	for (uint32_t i = 0; i < active_policy.range_count; i++) {
		const struct policy_range *range = &active_policy.ranges[i];
		uint64_t edges[2] = { range->start, range->start + range->size };

		if (range->kind != POLICY_RANGE_READ_ONLY)
			continue;
		for (int e = 0; e < 2; e++)
			if (edges[e] > address && edges[e] < next)
				next = edges[e];
	}
	return next;
}

static bool is_read_only(uint64_t page)
{
	for (uint32_t i = 0; i < active_policy.range_count; i++) {
		const struct policy_range *range = &active_policy.ranges[i];

		if (range->kind == POLICY_RANGE_READ_ONLY && page >= range->start &&
		    page - range->start < range->size)
			return true;
	}
	return false;
}

/* Every write to the xAPIC page must exit, for apic_write.c to refuse INIT and
 * STARTUP IPIs: under TCG they would start a CPU outside SVM. */
static uint32_t permissions_of(uint64_t page)
{
	if (page == LOCAL_APIC_DEFAULT_BASE)
		return NPT_READ;
	if (is_read_only(page))
		return NPT_READ | NPT_EXECUTE;
	return NPT_READ | NPT_WRITE | NPT_EXECUTE;
}

/* Appends [start, end) cut at read-only and xAPIC page boundaries, each piece with
 * its own permissions: between two boundaries they cannot change. */
static int add_mappings(struct npt_mapping *mappings, size_t *count, uint64_t start,
			uint64_t end)
{
	while (start < end) {
		uint64_t piece = next_boundary(start, end);

		if (*count == COMMODITY_MAX_MAPPINGS)
			return -1;
		mappings[(*count)++] = (struct npt_mapping){
			start, start, piece - start, permissions_of(start) };
		start = piece;
	}
	return 0;
}

/* The invariants the policy and the xAPIC add: no page of a read-only range, nor the
 * xAPIC page, is writable. */
static const char *check_read_only(const struct npt *npt)
{
	uint32_t apic_permissions;

	if (npt_translate(npt, LOCAL_APIC_DEFAULT_BASE, NULL, &apic_permissions, NULL) == 0 &&
	    (apic_permissions & NPT_WRITE))
		return "the xAPIC page is writable";
	for (uint32_t i = 0; i < active_policy.range_count; i++) {
		const struct policy_range *range = &active_policy.ranges[i];

		if (range->kind != POLICY_RANGE_READ_ONLY)
			continue;
		for (uint64_t page = range->start; page - range->start < range->size;
		     page += PAGE) {
			uint32_t permissions;

			if (npt_translate(npt, page, NULL, &permissions, NULL) == 0 &&
			    (permissions & NPT_WRITE)) {
				printk("sbx: commodity: read-only page 0x%lx is writable\n", page);
				return "a read-only range is writable";
			}
		}
	}
	return NULL;
}

static const char *build_nested_tables(struct arena *arena, const struct memory_layout *layout,
				       bool allow_1g_pages)
{
	static struct npt_mapping mappings[COMMODITY_MAX_MAPPINGS];
	const struct npt_range tables[] = { { arena->start, arena->end } };
	struct npt_range forbidden[LAYOUT_MAX_HIDDEN];
	struct npt_invariants invariants = {
		.forbidden_hosts = forbidden, .forbidden_count = layout->hidden_count,
		.table_memory = tables, .table_memory_count = 1,
	};
	enum npt_status status;
	const char *broken;
	size_t count = 0;
	uint64_t where;

	for (uint32_t i = 0; i < layout->visible_count; i++)
		if (add_mappings(mappings, &count, layout->visible[i].start, layout->visible[i].end))
			return "too many nested page table mappings";
	for (uint32_t i = 0; i < layout->hidden_count; i++)
		forbidden[i] = (struct npt_range){ layout->hidden[i].start, layout->hidden[i].end };

	table_pages = (struct npt_page_source){ arena, allocate_table_page };
	status = npt_init(&commodity->npt, &table_pages, allow_1g_pages);
	if (status == NPT_OK)
		status = npt_map(&commodity->npt, mappings, count);
	if (status != NPT_OK)
		return npt_status_string(status);
	broken = npt_check_invariants(&commodity->npt, &invariants, &where);
	if (broken) {
		printk("sbx: commodity: nested page table invariant broken at 0x%lx\n", where);
		return broken;
	}
	return check_read_only(&commodity->npt);
}

static const char *write_boot_info(const struct elf_image *image,
				   const struct memory_layout *layout, const char *cmdline,
				   const struct phys_range *hypervisor, size_t hypervisor_count,
				   const struct phys_range *securebox_memory)
{
	uint64_t address = commodity_boot_info_address(image);
	struct sbx_guest_boot_info *info;

	if (!ranges_contain(layout->ram, layout->ram_count, address, sizeof(*info)))
		return "no RAM for the boot information after the image";
	if (layout->ram_count > SBX_GUEST_MAX_RANGES || hypervisor_count > SBX_GUEST_MAX_RANGES ||
	    strlen(cmdline) >= sizeof(info->cmdline))
		return "boot information does not fit";
	info = (struct sbx_guest_boot_info *)(uintptr_t)address;
	memset(info, 0, sizeof(*info));
	info->magic = SBX_GUEST_BOOT_MAGIC;
	info->version = SBX_GUEST_BOOT_INFO_VERSION;
	for (uint32_t i = 0; i < layout->ram_count; i++)
		info->ram[i] = (struct sbx_guest_range){ layout->ram[i].start, layout->ram[i].end };
	info->ram_count = layout->ram_count;
	for (size_t i = 0; i < hypervisor_count; i++)
		info->hypervisor[i] = (struct sbx_guest_range){ hypervisor[i].start,
							       hypervisor[i].end };
	info->hypervisor_count = hypervisor_count;
	info->securebox = (struct sbx_guest_range){ securebox_memory->start,
						    securebox_memory->end };
	info->tpm_base = TIS_BASE_ADDRESS;
	memcpy(info->cmdline, cmdline, strlen(cmdline));
	boot_vcpu->registers.rbx = address;
	return NULL;
}

/* The RAM hypercall buffers may use: the hypervisor writes responses there with its
 * own mappings, so a read-only range must not be offered (the hypervisor would
 * write it for the guest), nor memory the hypervisor does not map. */
static void set_buffer_ram(const struct memory_layout *layout)
{
	commodity->ram_count = 0;
	for (uint32_t i = 0; i < layout->ram_count; i++) {
		uint64_t start = layout->ram[i].start, end = layout->ram[i].end;

		if (end > HYPERVISOR_MAPPED_LIMIT)
			end = HYPERVISOR_MAPPED_LIMIT;
		while (start < end && commodity->ram_count < LAYOUT_MAX_RANGES) {
			uint64_t piece = next_boundary(start, end);

			if (!is_read_only(start))
				commodity->ram[commodity->ram_count++] =
					(struct phys_range){ start, piece };
			start = piece;
		}
	}
}

const char *commodity_create(struct arena *arena, const struct memory_layout *layout,
			     bool allow_1g_pages, uint32_t boot_cpu)
{
	const char *error;

	boot_vcpu = &commodity->vcpus[boot_cpu];
	error = build_nested_tables(arena, layout, allow_1g_pages);
	if (!error)
		error = setup_vmcbs(arena);
	if (error)
		return error;
	set_buffer_ram(layout);
	commodity->readable_ram = layout->ram;
	commodity->readable_ram_count = layout->ram_count;
	commodity->host_base = 0;
	return NULL;
}

const char *commodity_load_elf(const struct memory_layout *layout, const struct elf_image *image,
			       const void *file, const char *cmdline,
			       const struct phys_range *hypervisor, size_t hypervisor_count,
			       const struct phys_range *securebox_memory)
{
	const char *error;

	if (image->entry > UINT32_MAX || image->highest > UINT32_MAX)
		return "a 32-bit entry needs the guest below 4 GiB";
	for (uint32_t i = 0; i < image->segment_count; i++) {
		const struct elf_segment *segment = &image->segments[i];

		if (!ranges_contain(layout->ram, layout->ram_count, segment->address,
				    segment->memory_size))
			return "a segment lies outside the commodity's RAM";
	}
	for (uint32_t i = 0; i < image->segment_count; i++) {
		const struct elf_segment *segment = &image->segments[i];
		uint8_t *destination = (uint8_t *)(uintptr_t)segment->address;

		memmove(destination, (const uint8_t *)file + segment->file_offset,
			segment->file_size);
		memset(destination + segment->file_size, 0,
		       segment->memory_size - segment->file_size);
	}
	error = write_boot_info(image, layout, cmdline, hypervisor, hypervisor_count,
				securebox_memory);
	if (error)
		return error;
	vmcb_setup_protected_mode(boot_vcpu->vmcb, image->entry);
	boot_vcpu->vmcb->state.rax = SBX_GUEST_BOOT_MAGIC;
	commodity->state = PARTITION_RUNNABLE;
	return NULL;
}

struct vcpu *commodity_boot_vcpu(void)
{
	return boot_vcpu;
}

void commodity_run(struct cpu *cpu)
{
	ap_vcpu_serve(cpu, true);
}
