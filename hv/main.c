/* The hypervisor's boot path: parse what GRUB handed over, measure everything into
 * the TPM, and (in later stages) start the partitions. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "active_policy.h"
#include "arch/x86/ap_start.h"
#include "arch/x86/ap_vcpu.h"
#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/host_interrupts.h"
#include "arch/x86/local_apic.h"
#include "arch/x86/serial.h"
#include "arch/x86/svm.h"
#include "arch/x86/tsc_time.h"
#include "arch/x86/vcpu.h"
#include "arena.h"
#include "boot_modules.h"
#include "commodity.h"
#include "cpu_topology.h"
#include "elf_loader.h"
#include "entropy.h"
#include "launch.h"
#include "linux_boot.h"
#include "memory_layout.h"
#include "partition.h"
#include "sbx/service.h"
#include "securebox.h"
#include "console.h"
#include "event_log.h"
#include "hv_options.h"
#include "measured_launch.h"
#include "multiboot2.h"
#include "phys_alloc.h"
#include "startup_page.h"
#include "tpm/root_secret.h"
#include "tpm/tpm.h"

#define SBX_VERSION "0.1.0"
#define FIRST_MEGABYTE (1ull << 20)
#define EVENT_LOG_PAGES 16
#define TPM_LOCALITY_HYPERVISOR 2
#define LARGE_PAGE (2ull << 20)
#define ARENA_SIZE LARGE_PAGE
#define PAGE 4096ull

extern const uint8_t __image_start[], __image_end[], __hv_end[];

static struct mb2_info boot_info;
static struct boot_modules modules;
static struct phys_alloc allocator;
static struct tpm tpm;
struct event_log hypervisor_event_log;
static struct arena arena;
struct policy active_policy;
/* What the securebox is handed: seed, root secret, measurements. Wiped once copied. */
static struct sbx_securebox_boot_info securebox_secrets;
static struct phys_range securebox_memory;
static struct memory_layout layout;
static struct svm_capabilities svm;
/* What the kernel module is: the ELF test guest, Linux (a bzImage), or neither (a
 * placeholder: measured, not run). */
static enum { GUEST_NONE, GUEST_ELF, GUEST_LINUX } guest_kind;
static struct elf_image guest_image;
static struct linux_boot linux_guest;
static struct cpu_topology topology;
/* Hypervisor memory for starting the other CPUs: the real-mode startup page and
 * the APs' own pages. Both empty with one CPU. */
static struct phys_range startup_page;
static struct phys_range ap_memory;

static void parse_boot_information(uint32_t magic, uint64_t mbi_address)
{
	struct mb2_error error;
	const char *message;
	int module_index;

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not started by a multiboot2 boot loader (magic 0x%08x)", magic);
	if (mb2_parse((const void *)mbi_address, HYPERVISOR_MAPPED_LIMIT - mbi_address, mbi_address,
		      (uint64_t)__image_start, (uint64_t)__hv_end, &boot_info, &error))
		panic("malformed multiboot2 information at 0x%lx: %s (tag type %u at offset %u)",
		      mbi_address, error.message, error.tag_type, error.offset);
	if (boot_modules_assign(&boot_info, &modules, &message, &module_index)) {
		if (module_index >= 0)
			panic("boot modules: module %d (\"%s\"): %s", module_index,
			      boot_info.modules[module_index].cmdline, message);
		panic("boot modules: %s", message);
	}
	printk("sbx: booted by \"%s\", command line \"%s\"\n", boot_info.bootloader_name,
	       boot_info.cmdline);
	for (int role = 0; role < MODULE_ROLE_COUNT; role++)
		printk("sbx: module %s at 0x%lx, %lu bytes\n",
		       boot_module_role_name(role), modules.module[role].start,
		       modules.module[role].size);
}

/* Reads firmware tables through the hypervisor's identity map. */
static int read_physical(uint64_t address, void *buffer, size_t size, void *context)
{
	(void)context;
	if (size > HYPERVISOR_MAPPED_LIMIT || address > HYPERVISOR_MAPPED_LIMIT - size)
		return -1;
	memcpy(buffer, (const void *)address, size);
	return 0;
}

_Static_assert(POLICY_CPUS_MAX <= CPU_TOPOLOGY_MAX, "cpus beyond the per-CPU arrays");

/* Every CPU the firmware lists is started and owned by the hypervisor; one it
 * cannot list (no ACPI) could not be kept from the commodity OS either. */
static void discover_cpus(void)
{
	struct cpu_topology_error error;
	uint32_t boot_apic_id = local_apic_current_id();

	if (!boot_info.rsdp_size)
		panic("no ACPI RSDP from the boot loader: the CPUs cannot be found");
	if (cpu_topology_discover(boot_info.rsdp, boot_info.rsdp_size, boot_apic_id,
				  read_physical, NULL, &topology, &error))
		panic("ACPI %s at 0x%lx: %s", error.table, error.address, error.message);
	/* The commodity's nested page tables trap writes to the default xAPIC page
	 * only (commodity.c): an APIC elsewhere would take INIT and STARTUP raw. */
	if (topology.local_apic_address != LOCAL_APIC_DEFAULT_BASE)
		panic("ACPI MADT: the local APIC is at 0x%lx, not 0x%llx: its INIT and STARTUP "
		      "IPIs could not be contained", topology.local_apic_address,
		      LOCAL_APIC_DEFAULT_BASE);
	printk("sbx: %u CPUs in the ACPI MADT, booted on cpu %u (apic id %u)\n", topology.count,
	       topology.boot_index, boot_apic_id);
}

/* A guest is copied to where it runs: an ELF guest to its link address, Linux to
 * where linux_boot_plan puts it, clear of everything already `reserved`. That
 * memory must hold no module and must not be handed to the hypervisor's own
 * allocations, so its ranges join `reserved`. */
static void plan_guest(struct phys_range *reserved, size_t *count)
{
	const struct boot_module *kernel = &modules.module[MODULE_KERNEL];
	const struct boot_module *initrd = &modules.module[MODULE_INITRD];
	struct phys_range destination;
	const char *error;

	if (elf_has_magic((const uint8_t *)kernel->start, kernel->size)) {
		guest_kind = GUEST_ELF;
	} else if (linux_has_magic((const uint8_t *)kernel->start, kernel->size)) {
		guest_kind = GUEST_LINUX;
		error = linux_boot_plan(&linux_guest, &boot_info, reserved, *count,
					(const void *)kernel->start, kernel->size, initrd->size);
		if (error)
			panic("kernel module: Linux: %s", error);
		reserved[(*count)++] = linux_guest.placement.kernel;
		reserved[(*count)++] = linux_guest.placement.initrd;
		reserved[(*count)++] = linux_guest.placement.boot_area;
		return;
	} else {
		return;
	}
	error = elf_read((const uint8_t *)kernel->start, kernel->size, &guest_image);
	if (error)
		panic("kernel module: ELF guest: %s", error);
	destination = (struct phys_range){ guest_image.lowest,
					   commodity_boot_info_address(&guest_image) + PAGE };
	for (uint32_t i = 0; i < boot_info.module_count; i++)
		if (destination.start < boot_info.modules[i].end &&
		    boot_info.modules[i].start < destination.end)
			panic("kernel module: the ELF guest's load address 0x%lx overlaps module %u",
			      destination.start, i);
	reserved[(*count)++] = destination;
}

static void init_allocator(uint64_t mbi_address)
{
	/* The first MiB, the image, the modules, the block, and up to three guest
	 * ranges. */
	struct phys_range reserved[3 + MB2_MAX_MODULES + 3];
	size_t count = 0;

	reserved[count++] = (struct phys_range){ (uint64_t)__image_start, (uint64_t)__hv_end };
	for (uint32_t i = 0; i < boot_info.module_count; i++)
		reserved[count++] = (struct phys_range){ boot_info.modules[i].start,
							 boot_info.modules[i].end };
	/* The block's own size was validated by mb2_parse; its first word holds it. */
	reserved[count++] = (struct phys_range){ mbi_address,
						 mbi_address + *(const uint32_t *)mbi_address };
	plan_guest(reserved, &count);
	/* The startup page comes from the first MiB, which the allocator never hands
	 * out: chosen clear of everything above, before the MiB is reserved whole. */
	if (topology.count > 1) {
		startup_page.start = startup_page_find(&boot_info, reserved, count);
		startup_page.end = startup_page.start + PAGE;
		if (!startup_page.start)
			panic("SMP: no free RAM page below 0xa0000 to start the other CPUs from");
	}
	reserved[count++] = (struct phys_range){ 0, FIRST_MEGABYTE };
	if (phys_alloc_init(&allocator, &boot_info, reserved, count, HYPERVISOR_MAPPED_LIMIT))
		panic("memory map too fragmented for the allocator");

	/* One 2 MiB block for every hypervisor structure, one for the securebox:
	 * the commodity's nested page tables then need splitting only at their
	 * edges. */
	arena_init(&arena, phys_alloc_pages(&allocator, ARENA_SIZE / PAGE, LARGE_PAGE),
		   ARENA_SIZE);
	if (!arena.start)
		panic("not enough memory for the hypervisor arena");
	/* The APs' pages get a 2 MiB block of their own, for the same reason. */
	if (topology.count > 1) {
		uint64_t size = ((topology.count - 1) * AP_PAGES * PAGE + LARGE_PAGE - 1) &
				~(LARGE_PAGE - 1);

		ap_memory.start = phys_alloc_pages(&allocator, size / PAGE, LARGE_PAGE);
		ap_memory.end = ap_memory.start + size;
		if (!ap_memory.start)
			panic("not enough memory for the stacks of %u application processors",
			      topology.count - 1);
	}
}

/* The rejected policy's bytes are in PCR 17 already: close the launch, so that the
 * PCRs and the log are final and show which policy was refused, then stop. */
static _Noreturn void reject_policy(const struct policy_error *error)
{
	launch_close(NULL, 0);
	panic("policy:%u:%u: %s; the partitions are not started", error->location.line,
	      error->location.column, error->message);
}

/* The policy was measured with everything else; a policy that does not parse, or
 * asks for more than this hypervisor gives, stops the launch here, so attestation
 * shows exactly which bytes were rejected. */
static void load_policy(void)
{
	const struct boot_module *module = &modules.module[MODULE_POLICY];
	struct policy_error error;

	if (policy_parse((const char *)module->start, module->size, &active_policy, &error))
		reject_policy(&error);
	if (active_policy.cpus > topology.count) {
		error.location = active_policy.cpus_location;
		error.message = "cpus: more CPUs than the machine has";
		reject_policy(&error);
	}

	securebox_memory.start = phys_alloc_pages(&allocator,
						  active_policy.securebox_memory / PAGE,
						  LARGE_PAGE);
	securebox_memory.end = securebox_memory.start + active_policy.securebox_memory;
	if (!securebox_memory.start)
		panic("not enough memory for %lu KiB of securebox",
		      active_policy.securebox_memory >> 10);
	const uint64_t protected[][2] = {
		{ (uint64_t)__image_start, (uint64_t)__hv_end },
		{ arena.start, arena.end },
		{ securebox_memory.start, securebox_memory.end },
		{ startup_page.start, startup_page.end },
		{ ap_memory.start, ap_memory.end },
	};
	if (policy_check_ranges(&active_policy, protected, topology.count > 1 ? 5 : 3, &error))
		reject_policy(&error);
	partitions[SBX_PARTITION_COMMODITY].violation_response =
		active_policy.commodity_violation == POLICY_VIOLATION_FAULT ?
		VIOLATION_INJECT_FAULT : VIOLATION_STOP;
	partitions[SBX_PARTITION_SECUREBOX].violation_response = VIOLATION_STOP;
	printk("sbx: policy accepted: securebox %lu KiB, %u extra ranges, commodity "
	       "violations %s, user hypercalls %s, %u of %u CPUs for the commodity OS\n",
	       active_policy.securebox_memory >> 10, active_policy.range_count,
	       policy_violation_name(active_policy.commodity_violation),
	       active_policy.user_hypercalls ? "allowed" : "denied", active_policy.cpus,
	       topology.count);
}

static const void *module_data(enum boot_module_role role)
{
	return (const void *)modules.module[role].start;
}

/* With a TPM the components are measured into it and logged; without one (only
 * with tpm=optional) their digests are still computed, for the securebox's reports
 * to state, flagged as unmeasured. */
static void measure(bool have_tpm)
{
	const char *cmdline = modules.module[MODULE_KERNEL].arguments;
	const struct measured_component components[] = {
		{ SBX_COMPONENT_HYPERVISOR, __image_start, (uint64_t)(__image_end - __image_start) },
		{ SBX_COMPONENT_POLICY, module_data(MODULE_POLICY),
		  modules.module[MODULE_POLICY].size },
		{ SBX_COMPONENT_SECUREBOX, module_data(MODULE_SECUREBOX),
		  modules.module[MODULE_SECUREBOX].size },
		{ SBX_COMPONENT_KERNEL, module_data(MODULE_KERNEL),
		  modules.module[MODULE_KERNEL].size },
		{ SBX_COMPONENT_INITRD, module_data(MODULE_INITRD),
		  modules.module[MODULE_INITRD].size },
		{ SBX_COMPONENT_CMDLINE, cmdline, strlen(cmdline) },
	};
	struct sbx_securebox_measurements *measurements = &securebox_secrets.measurements;

	launch.log = &hypervisor_event_log;
	if (have_tpm) {
		uint64_t log_address = arena_allocate(&arena, EVENT_LOG_PAGES);
		enum event_log_status status;

		if (!log_address)
			panic("no memory for the event log");
		status = event_log_init(&hypervisor_event_log, (uint8_t *)log_address,
					EVENT_LOG_PAGES * PAGE_SIZE, &tpm.banks);
		if (status != EVENT_LOG_OK)
			panic("event log: %s", event_log_status_string(status));
		launch.tpm = &tpm;
	} else {
		measurements->flags |= SBX_REPORT_FLAG_UNMEASURED;
	}
	measured_launch_components(launch.tpm, &hypervisor_event_log, components,
				   sizeof(components) / sizeof(components[0]),
				   measurements->component_digests);
	if (have_tpm)
		printk("sbx: measured\n");
}

/* The sealing root secret: from the TPM, bound to PCRs 17-18 and locality 2, so
 * that it survives reboots and only this measured hypervisor, policy and
 * securebox get it; failing that, random for this boot only, said loudly. */
static void derive_root_secret(struct sbx_securebox_boot_info *secrets)
{
	struct tpm_error error;

	if (launch.tpm && !tpm_derive_root_secret(launch.tpm, secrets->root_secret, &error)) {
		secrets->root_secret_kind = SBX_ROOT_SECRET_TPM;
		printk("sbx: sealing root secret derived by the TPM (bound to PCR 17, 18)\n");
		return;
	}
	if (launch.tpm)
		printk("sbx: WARNING: TPM root secret: %s failed: %s, response code 0x%08x (%s)\n",
		       error.command, error.reason,
		       error.has_response_code ? error.response_code : 0,
		       error.has_response_code ? tpm2_response_code_name(error.response_code)
					       : "none");
	if (entropy_gather(launch.tpm, secrets->root_secret, sizeof(secrets->root_secret))) {
		secrets->root_secret_kind = SBX_ROOT_SECRET_PER_BOOT;
		printk("sbx: WARNING: sealing root secret is random for this boot: sealed data "
		       "will not survive a reboot\n");
	}
}

/* Seed and root secret for the securebox, and this boot's identifier. */
static void gather_secrets(void)
{
	struct sbx_securebox_boot_info *secrets = &securebox_secrets;

	secrets->seed_size = entropy_gather(launch.tpm, secrets->seed, sizeof(secrets->seed));
	if (!secrets->seed_size) {
		printk("sbx: WARNING: no entropy (no TPM, no RDRAND): the securebox will refuse "
		       "to make keys and seal\n");
		return;
	}
	entropy_gather(launch.tpm, secrets->measurements.boot_id,
		       sizeof(secrets->measurements.boot_id));
	derive_root_secret(secrets);
}

static bool open_tpm(const struct hv_options *options)
{
	struct tpm_error error;

	if (!tpm_open(&tpm, TPM_LOCALITY_HYPERVISOR, &error))
		return true;
	if (!options->tpm_optional) {
		if (error.has_response_code)
			panic("TPM: %s failed: %s, response code 0x%08x (%s)", error.command,
			      error.reason, error.response_code,
			      tpm2_response_code_name(error.response_code));
		panic("TPM: %s at 0x%lx, locality %u: %s; the launch cannot be measured "
		      "(the hypervisor option tpm=optional boots on unmeasured)",
		      error.command, TIS_BASE_ADDRESS, TPM_LOCALITY_HYPERVISOR, error.reason);
	}
	printk("sbx: WARNING: TPM: %s: %s\n", error.command, error.reason);
	printk("sbx: WARNING: tpm=optional: NOTHING WAS MEASURED. This boot cannot be attested.\n");
	return false;
}

/* Hidden from the commodity OS: the hypervisor (with the APs' startup page and
 * pages), the securebox, the TPM localities the policy does not give it, and the
 * policy's own "hide" ranges. */
static void build_layout(void)
{
	struct phys_range hidden[LAYOUT_MAX_HIDDEN];
	size_t count = 0, before_localities;
	const char *error;

	hidden[count++] = (struct phys_range){ (uint64_t)__image_start, (uint64_t)__hv_end };
	hidden[count++] = (struct phys_range){ arena.start, arena.end };
	hidden[count++] = securebox_memory;
	if (topology.count > 1) {
		hidden[count++] = startup_page;
		hidden[count++] = ap_memory;
	}
	before_localities = count;
	for (unsigned locality = 0; locality < TIS_LOCALITY_COUNT; locality++) {
		uint64_t page = TIS_BASE_ADDRESS + locality * TIS_LOCALITY_SIZE;

		if (active_policy.tpm_localities & (1u << locality))
			continue;
		if (count > before_localities && hidden[count - 1].end == page)
			hidden[count - 1].end += TIS_LOCALITY_SIZE;
		else
			hidden[count++] = (struct phys_range){ page, page + TIS_LOCALITY_SIZE };
	}
	for (uint32_t i = 0; i < active_policy.range_count; i++) {
		const struct policy_range *range = &active_policy.ranges[i];

		if (range->kind == POLICY_RANGE_HIDDEN)
			hidden[count++] = (struct phys_range){ range->start,
							       range->start + range->size };
	}
	error = memory_layout_build(&layout, &boot_info, hidden, count);
	if (error)
		panic("memory layout: %s", error);
}

static void start_svm(void)
{
	struct cpu *cpu = &cpus[topology.boot_index];
	const char *error;

	cpu->index = topology.boot_index;
	cpu->apic_id = topology.apic_id[topology.boot_index];
	cpu->host_save_area = arena_allocate(&arena, 1);
	cpu->host_state = arena_allocate(&arena, 1);
	if (!cpu->host_save_area || !cpu->host_state)
		panic("hypervisor arena exhausted");
	error = svm_check(&svm);
	if (error)
		panic("SVM: %s", error);
	svm_enable_host_mode(cpu->host_save_area, cpu->host_state);
	host_interrupts_init();
	cpu->svm = svm;
	cpu->state = CPU_ONLINE;
	vcpu_setup(&svm);
	printk("sbx: SVM with nested paging, %u ASIDs, %u physical address bits%s%s\n",
	       svm.asid_count, svm.physical_address_bits,
	       svm.page_1g ? ", 1 GiB pages" : "",
	       svm.next_rip_save ? "" : ", no next-RIP save");
}

/* A VERSION request from the hypervisor itself: proves the securebox answers
 * before any commodity code runs, and again after the commodity is gone. */
static bool securebox_answers(void)
{
	struct sbx_service_header request = {
		.version = SBX_SERVICE_PROTOCOL_VERSION, .service = SBX_SERVICE_VERSION,
	};
	struct {
		struct sbx_service_header header;
		struct sbx_version_response version;
	} response;
	uint64_t size = 0;

	return securebox_call(&cpus[topology.boot_index], &request, sizeof(request), &response,
			      sizeof(response), &size) == SBX_OK &&
	       size == sizeof(response) && response.header.status == SBX_SERVICE_OK &&
	       response.version.protocol_version == SBX_SERVICE_PROTOCOL_VERSION;
}

static void start_securebox(void)
{
	const struct boot_module *module = &modules.module[MODULE_SECUREBOX];
	const char *error;

	if (!elf_has_magic((const uint8_t *)module->start, module->size)) {
		printk("sbx: securebox not run: its module is not an ELF image\n");
		return;
	}
	error = securebox_create(&arena, securebox_memory.start, active_policy.securebox_memory,
				 (void *)module->start, module->size, &securebox_secrets,
				 svm.page_1g);
	memset(&securebox_secrets, 0, sizeof(securebox_secrets));
	if (error)
		panic("securebox: %s", error);
	error = securebox_start(&cpus[topology.boot_index]);
	if (error)
		panic("securebox: stopped before it was ready: %s", error);
	if (!securebox_answers())
		panic("securebox: does not answer a VERSION request");
	printk("sbx: securebox ready at 0x%lx (%lu KiB), answering requests\n",
	       securebox_memory.start, active_policy.securebox_memory >> 10);
}

static void run_commodity(void)
{
	struct partition *commodity = &partitions[SBX_PARTITION_COMMODITY];
	const struct boot_module *kernel = &modules.module[MODULE_KERNEL];
	const struct boot_module *initrd = &modules.module[MODULE_INITRD];
	/* The test guest probes each of these and must fault on every one. */
	const struct phys_range hypervisor[] = {
		{ (uint64_t)__image_start, (uint64_t)__hv_end },
		{ arena.start, arena.end },
		startup_page,
		ap_memory,
	};
	const char *error;

	if (guest_kind == GUEST_NONE) {
		printk("sbx: kernel not run yet: the kernel module is neither an ELF test guest "
		       "nor a Linux bzImage\n");
		return;
	}
	error = commodity_create(&arena, &layout, svm.page_1g, topology.boot_index);
	if (!error && guest_kind == GUEST_ELF)
		error = commodity_load_elf(&layout, &guest_image, (const void *)kernel->start,
					   kernel->arguments, hypervisor, topology.count > 1 ? 4 : 2,
					   &securebox_memory);
	else if (!error)
		error = linux_boot_load(&linux_guest, &boot_info, &layout,
					(const void *)kernel->start, (const void *)initrd->start,
					initrd->size, kernel->arguments);
	if (error)
		panic("commodity: %s", error);
	printk("sbx: commodity: hidden hypervisor 0x%lx-0x%lx, arena 0x%lx-0x%lx, securebox "
	       "0x%lx-0x%lx\n", hypervisor[0].start, hypervisor[0].end - 1, hypervisor[1].start,
	       hypervisor[1].end - 1, securebox_memory.start, securebox_memory.end - 1);
	if (guest_kind == GUEST_ELF)
		printk("sbx: starting the commodity partition (ELF guest at 0x%lx)\n",
		       guest_image.entry);
	else
		printk("sbx: starting the commodity partition (Linux at 0x%lx, initrd at 0x%lx, "
		       "boot area at 0x%lx)\n", linux_guest.placement.kernel.start,
		       linux_guest.placement.initrd.start, linux_guest.placement.boot_area.start);
	commodity_run(&cpus[topology.boot_index]);
	printk("sbx: commodity partition stopped: %s\n", commodity->stop_reason);
}

static void report_exits(void)
{
	for (int p = 0; p < SBX_PARTITION_COUNT; p++) {
		const struct partition *partition = &partitions[p];

		printk("sbx: exits %s: cpuid %lu msr %lu vmmcall %lu npf %lu shutdown %lu "
		       "svm %lu exception %lu io %lu hlt %lu interrupt %lu other %lu\n",
		       partition->name, partition->exits[SBX_EXIT_CPUID],
		       partition->exits[SBX_EXIT_MSR], partition->exits[SBX_EXIT_VMMCALL],
		       partition->exits[SBX_EXIT_NESTED_PAGE_FAULT],
		       partition->exits[SBX_EXIT_SHUTDOWN],
		       partition->exits[SBX_EXIT_SVM_INSTRUCTION],
		       partition->exits[SBX_EXIT_EXCEPTION], partition->exits[SBX_EXIT_IO],
		       partition->exits[SBX_EXIT_HLT], partition->exits[SBX_EXIT_INTERRUPT],
		       partition->exits[SBX_EXIT_OTHER]);
	}
}

void hv_main(uint32_t magic, uint64_t mbi_address);

void hv_main(uint32_t magic, uint64_t mbi_address)
{
	struct hv_options options;
	const char *bad_option, *error;

	serial_init();
	exceptions_init();
	printk("\nsbx: hypervisor %s starting\n", SBX_VERSION);
	if (tsc_time_init())
		printk("sbx: warning: PIT calibration failed, TPM timeouts assume a 1 GHz TSC\n");

	parse_boot_information(magic, mbi_address);
	discover_cpus();
	if (hv_options_parse(boot_info.cmdline, &options, &bad_option))
		panic("unknown hypervisor option at \"%s\"", bad_option);
	init_allocator(mbi_address);
	partitions_init();

	/* All of the hypervisor's TPM work happens here, before any partition runs:
	 * afterwards the TPM belongs to the commodity OS at locality 0. */
	if (open_tpm(&options)) {
		printk("sbx: TPM at locality %u, %u active PCR banks\n", TPM_LOCALITY_HYPERVISOR,
		       tpm.banks.count);
		measure(true);
	} else {
		measure(false);
	}
	gather_secrets();
	load_policy();

	build_layout();
	error = ap_vcpu_assign(&topology, active_policy.cpus);
	if (error)
		panic("SMP: %s", error);
	start_svm();
	/* Every CPU is the hypervisor's, in SVM host mode, before any guest runs. */
	if (topology.count > 1) {
		ap_start_all(&topology, startup_page.start, ap_memory.start, &svm);
		printk("sbx: all %u CPUs in SVM host mode (started from page 0x%lx, their pages "
		       "at 0x%lx-0x%lx); the application processors are parked\n", topology.count,
		       startup_page.start, ap_memory.start, ap_memory.end - 1);
	}
	start_securebox();
	/* A securebox without an identity key (or no securebox) leaves the launch
	 * open: close it before any commodity code runs. */
	if (!launch.closed)
		launch_close(NULL, 0);
	run_commodity();

	if (partitions[SBX_PARTITION_COMMODITY].state == PARTITION_STOPPED &&
	    partitions[SBX_PARTITION_SECUREBOX].state == PARTITION_WAITING)
		printk("sbx: securebox %s\n", securebox_answers() ?
		       "still answers after the commodity partition" :
		       "DOES NOT ANSWER after the commodity partition");
	report_exits();
	printk("sbx: launch finished, halting\n");
	cpu_halt_forever();
}
