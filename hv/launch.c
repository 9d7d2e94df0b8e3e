#include <stddef.h>
#include <string.h>

#include "console.h"
#include "launch.h"
#include "measured_launch.h"
#include "sbx/measurement.h"

struct launch_state launch;

/* PCRs 0-7 are the firmware's and 8-9 GRUB's (commands and files, UEFI boots only):
 * shown beside ours so that a user can see whether the chain below the hypervisor
 * was measured, and so that a calibration boot (mk/calibrate-platform.sh) gives the
 * reference machine's platform PCRs. One read per PCR: this runs once per boot. */
static void report_pcrs(void)
{
	static const uint32_t reported[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, SBX_PCR_HYPERVISOR,
					     SBX_PCR_SECUREBOX, SBX_PCR_COMMODITY };

	for (size_t i = 0; i < sizeof(reported) / sizeof(reported[0]); i++) {
		uint32_t pcr = reported[i];
		struct tpm2_digest value;
		struct tpm_error error;

		if (tpm_pcr_read(launch.tpm, TPM2_ALG_SHA256, pcr, &value, &error))
			panic("TPM: reading back PCR %u: %s%s", pcr, error.reason,
			      error.has_response_code ? " (see response code above)" : "");
		printk("sbx: pcr%u sha256 ", pcr);
		print_hex(value.bytes, value.size);
		printk("\n");
		if (pcr >= SBX_PCR_HYPERVISOR && value.size == sizeof(launch.pcrs[0]))
			memcpy(launch.pcrs[pcr - SBX_PCR_HYPERVISOR], value.bytes, value.size);
	}
}

/* The log goes out on the console so that tests and users can check it with
 * tpm2_eventlog; the commodity OS reads it with SBX_HC_EVENT_LOG_READ. */
static void dump_event_log(void)
{
	const size_t bytes_per_line = 32;

	printk("sbx: event-log begin %lu bytes\n", launch.log->size);
	for (size_t offset = 0; offset < launch.log->size; offset += bytes_per_line) {
		size_t length = launch.log->size - offset;

		printk("sbx: event-log ");
		print_hex(launch.log->buffer + offset, length < bytes_per_line ? length
									    : bytes_per_line);
		printk("\n");
	}
	printk("sbx: event-log end\n");
}

void launch_close(const void *identity_key, uint64_t key_size)
{
	if (launch.closed)
		panic("measured launch closed twice");
	launch.closed = true;
	if (!launch.tpm)
		return;
	measured_launch_close(launch.tpm, launch.log, identity_key, key_size);
	report_pcrs();
	dump_event_log();
	tpm_close(launch.tpm);
	/* From here the TPM is the commodity OS's, at locality 0: no hypervisor code,
	 * on any CPU, can reach it at locality 2 again. All locality-2 work was the
	 * boot CPU's, before any other CPU ran a guest. */
	launch.tpm = NULL;
}
