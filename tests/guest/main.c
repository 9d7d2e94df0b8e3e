/* The sbx test guest: booted by the hypervisor in Linux's place, it attacks the
 * hypervisor from the commodity partition and checks the hypercall ABI, one
 * scenario at a time, reporting each on COM1 for the system test. The role
 * Jailhouse's inmates and Hafnium's test VMs play. */
#include <stddef.h>
#include <stdint.h>

#include <sbx/boot_info.h>

#include "arch/x86/tsc_time.h"
#include "bench.h"
#include "cmdline.h"
#include "console.h"
#include "cpu_tables.h"
#include "report.h"
#include "probes.h"
#include "scenarios.h"

struct scenario {
	const char *name;
	bool (*run)(void);
};

/* In this order: exit-stats counts the faults the attacks before it caused. */
static const struct scenario scenarios[] = {
	{ "null-hypercall", null_hypercall },
	{ "securebox-echo", securebox_echo },
	{ "read-hypervisor-memory", read_hypervisor_memory },
	{ "write-hypervisor-memory", write_hypervisor_memory },
	{ "read-securebox-memory", read_securebox_memory },
	{ "write-securebox-memory", write_securebox_memory },
	{ "tpm-localities", tpm_localities },
	{ "vmrun", vmrun },
	{ "clear-efer-svme", clear_efer_svme },
	{ "write-vm-hsave-pa", write_vm_hsave_pa },
	{ "hidden-state-survives-world-switch", hidden_state_survives_world_switch },
	{ "hypercall-buffer-hypervisor", hypercall_buffer_hypervisor },
	{ "hypercall-buffer-securebox", hypercall_buffer_securebox },
	{ "hypercall-buffer-end-of-ram", hypercall_buffer_end_of_ram },
	{ "hypercall-buffer-overflow", hypercall_buffer_overflow },
	{ "hypercall-buffer-oversized", hypercall_buffer_oversized },
	{ "hypercall-buffer-unaligned", hypercall_buffer_unaligned },
	{ "hypercall-response-hypervisor", hypercall_response_hypervisor },
	{ "securebox-still-answers", securebox_still_answers },
	{ "securebox-report", securebox_report },
	{ "key-create-sign", key_create_sign },
	{ "key-wrong-usage", key_wrong_usage },
	{ "key-bad-handle", key_bad_handle },
	{ "key-not-readable", key_not_readable },
	/* After every other scenario that makes a key: it fills the vault. */
	{ "key-slots-exhausted", key_slots_exhausted },
	{ "seal-unseal", seal_unseal },
	{ "seal-tamper", seal_tamper },
	{ "securebox-malformed-corpus", securebox_malformed_corpus },
	{ "cpl3-hypercall", cpl3_hypercall },
	{ "unknown-hypercall", unknown_hypercall },
	{ "securebox-only-hypercall", securebox_only_hypercall },
	{ "event-log-read", event_log_read },
	{ "exit-stats", exit_stats },
	{ "lvt-init-refused", lvt_init_refused },
	{ "apic-base-locked", apic_base_locked },
	/* Last: the self-IPI stays pending, masked by the TPR, for good. */
	{ "init-startup-refused", init_startup_refused },
	{ "self-ipi-arrives", self_ipi_arrives },
};

/* Instead of the list above when the command line has the word "smp"
 * (tests/system/test_smp_guest.py). In this order: the first starts the vCPU the
 * second then finds running. */
static const struct scenario smp_scenarios[] = {
	{ "startup-inside-partition", startup_inside_partition },
	{ "startup-running-restarts", startup_running_restarts },
	{ "startup-unowned-refused", startup_unowned_refused },
	{ "startup-shorthand-refused", startup_shorthand_refused },
	/* Last: a hypervisor that let it through would reset us. */
	{ "startup-self-refused", startup_self_refused },
};

#define ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))

const struct sbx_guest_boot_info *boot_info;

static bool ranges_valid(const struct sbx_guest_range *ranges, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		if (ranges[i].start >= ranges[i].end)
			return false;
	return true;
}

/* Only the magic in EAX is checked before the structure is read: with the
 * wrong magic, EBX may point anywhere. */
static const char *boot_problem(uint32_t magic, const struct sbx_guest_boot_info *info)
{
	if (magic != SBX_GUEST_BOOT_MAGIC)
		return "EAX does not hold SBX_GUEST_BOOT_MAGIC";
	if (info->magic != SBX_GUEST_BOOT_MAGIC || info->version != SBX_GUEST_BOOT_INFO_VERSION)
		return "the boot information has the wrong magic or version";
	if (!info->ram_count || info->ram_count > SBX_GUEST_MAX_RANGES ||
	    info->hypervisor_count > SBX_GUEST_MAX_RANGES)
		return "the boot information has range counts out of bounds";
	if (!ranges_valid(info->ram, info->ram_count) ||
	    !ranges_valid(info->hypervisor, info->hypervisor_count))
		return "the boot information has an empty or inverted range";
	return NULL;
}

void guest_main(uint32_t magic, uint32_t boot_info_address);

void guest_main(uint32_t magic, uint32_t boot_info_address)
{
	const struct scenario *list = scenarios;
	unsigned count = ARRAY_LENGTH(scenarios);
	const char *problem;

	console_init();
	cpu_tables_init();
	print("sbx-test: started, boot information at 0x%x\n", boot_info_address);
	boot_info = (const struct sbx_guest_boot_info *)(uintptr_t)boot_info_address;
	problem = boot_problem(magic, boot_info);
	if (problem) {
		report_begin("boot");
		report_abort("%s", problem);
	}
	/* The TPM driver's timeouts count microseconds. */
	if (tsc_time_init())
		print("sbx-test: the PIT did not count; TPM timeouts assume a 1 GHz TSC\n");

	if (cmdline_has_word(boot_info->cmdline, sizeof(boot_info->cmdline), "bench"))
		bench_run();
	if (probes_requested(boot_info->cmdline, sizeof(boot_info->cmdline)))
		probes_run(boot_info->cmdline, sizeof(boot_info->cmdline));

	if (cmdline_has_word(boot_info->cmdline, sizeof(boot_info->cmdline), "smp")) {
		list = smp_scenarios;
		count = ARRAY_LENGTH(smp_scenarios);
	}
	for (unsigned i = 0; i < count; i++) {
		report_begin(list[i].name);
		report_end(list[i].run());
	}
	report_measurement_pcrs();
	report_end_run();
}
