/* The hypervisor's boot path: parse what GRUB handed over, measure everything into
 * the TPM, and (in later stages) start the partitions. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/serial.h"
#include "arch/x86/tsc_time.h"
#include "boot_modules.h"
#include "console.h"
#include "event_log.h"
#include "hv_options.h"
#include "measured_launch.h"
#include "multiboot2.h"
#include "phys_alloc.h"
#include "tpm/tpm.h"

#define SBX_VERSION "0.1.0"
#define IDENTITY_MAP_LIMIT (4ull << 30)   /* what entry.S maps */
#define FIRST_MEGABYTE (1ull << 20)
#define EVENT_LOG_PAGES 16
#define TPM_LOCALITY_HYPERVISOR 2

extern const uint8_t __image_start[], __image_end[], __hv_end[];

static struct mb2_info boot_info;
static struct boot_modules modules;
static struct phys_alloc allocator;
static struct tpm tpm;
static struct event_log event_log;

static void parse_boot_information(uint32_t magic, uint64_t mbi_address)
{
	struct mb2_error error;
	const char *message;
	int module_index;

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not started by a multiboot2 boot loader (magic 0x%08x)", magic);
	if (mb2_parse((const void *)mbi_address, IDENTITY_MAP_LIMIT - mbi_address, mbi_address,
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

static void init_allocator(uint64_t mbi_address)
{
	struct phys_range reserved[2 + MB2_MAX_MODULES + 1];
	size_t count = 0;

	reserved[count++] = (struct phys_range){ 0, FIRST_MEGABYTE };
	reserved[count++] = (struct phys_range){ (uint64_t)__image_start, (uint64_t)__hv_end };
	for (uint32_t i = 0; i < boot_info.module_count; i++)
		reserved[count++] = (struct phys_range){ boot_info.modules[i].start,
							 boot_info.modules[i].end };
	/* The block's own size was validated by mb2_parse; its first word holds it. */
	reserved[count++] = (struct phys_range){ mbi_address,
						 mbi_address + *(const uint32_t *)mbi_address };
	if (phys_alloc_init(&allocator, &boot_info, reserved, count, IDENTITY_MAP_LIMIT))
		panic("memory map too fragmented for the allocator");
}

static const void *module_data(enum boot_module_role role)
{
	return (const void *)modules.module[role].start;
}

static void measure(void)
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
	uint64_t log_address = phys_alloc_pages(&allocator, EVENT_LOG_PAGES, PAGE_SIZE);
	enum event_log_status status;

	if (!log_address)
		panic("no memory for the event log");
	status = event_log_init(&event_log, (uint8_t *)log_address, EVENT_LOG_PAGES * PAGE_SIZE,
				&tpm.banks);
	if (status != EVENT_LOG_OK)
		panic("event log: %s", event_log_status_string(status));
	measured_launch(&tpm, &event_log, components,
			sizeof(components) / sizeof(components[0]));
	printk("sbx: measured\n");
}

/* PCR 8 and 9 are GRUB's (commands and files, UEFI boots only): shown beside ours so
 * that a user can see whether the chain below the hypervisor was measured. */
static void report_pcrs(void)
{
	static const uint32_t reported[] = { 8, 9, SBX_PCR_HYPERVISOR, SBX_PCR_SECUREBOX,
					     SBX_PCR_COMMODITY };

	for (size_t i = 0; i < sizeof(reported) / sizeof(reported[0]); i++) {
		uint32_t pcr = reported[i];
		struct tpm2_digest value;
		struct tpm_error error;

		if (tpm_pcr_read(&tpm, TPM2_ALG_SHA256, pcr, &value, &error))
			panic("TPM: reading back PCR %u: %s%s", pcr, error.reason,
			      error.has_response_code ? " (see response code above)" : "");
		printk("sbx: pcr%u sha256 ", pcr);
		print_hex(value.bytes, value.size);
		printk("\n");
	}
}

/* The log goes out on the console so that tests and users can check it with
 * tpm2_eventlog; a later stage also hands it to the commodity OS. */
static void dump_event_log(void)
{
	const size_t bytes_per_line = 32;

	printk("sbx: event-log begin %lu bytes\n", event_log.size);
	for (size_t offset = 0; offset < event_log.size; offset += bytes_per_line) {
		size_t length = event_log.size - offset;

		printk("sbx: event-log ");
		print_hex(event_log.buffer + offset, length < bytes_per_line ? length
									    : bytes_per_line);
		printk("\n");
	}
	printk("sbx: event-log end\n");
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

void hv_main(uint32_t magic, uint64_t mbi_address);

void hv_main(uint32_t magic, uint64_t mbi_address)
{
	struct hv_options options;
	const char *bad_option;

	serial_init();
	exceptions_init();
	printk("\nsbx: hypervisor %s starting\n", SBX_VERSION);
	if (tsc_time_init())
		printk("sbx: warning: PIT calibration failed, TPM timeouts assume a 1 GHz TSC\n");

	parse_boot_information(magic, mbi_address);
	if (hv_options_parse(boot_info.cmdline, &options, &bad_option))
		panic("unknown hypervisor option at \"%s\"", bad_option);
	init_allocator(mbi_address);

	if (open_tpm(&options)) {
		printk("sbx: TPM at locality %u, %u active PCR banks\n", TPM_LOCALITY_HYPERVISOR,
		       tpm.banks.count);
		measure();
		report_pcrs();
		dump_event_log();
		tpm_close(&tpm);
	}

	printk("sbx: securebox not run yet: the securebox partition is not implemented\n");
	printk("sbx: kernel not run yet: the commodity partition is not implemented\n");
	printk("sbx: launch finished, halting\n");
	cpu_halt_forever();
}
