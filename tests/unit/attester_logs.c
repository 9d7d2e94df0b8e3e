/* The software attester's event logs, written with the hypervisor's own writer
 * (hv/event_log.c) and launch plan; each PCR is extended here alongside. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "attester_logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_log.h"
#include "launch_plan.h"

#define EV_POST_CODE 0x00000001
#define FIRMWARE_PCRS 8   /* SeaBIOS measures PCRs 0-7; GRUB's BIOS build none */

void attester_must(int condition)
{
	if (!condition)
		abort();
}

void attester_sha256(const void *data, size_t size, uint8_t digest[32])
{
	attester_must(mbedtls_sha256_ret(data, size, digest, 0) == 0);
}

static void log_add(struct event_log *log, struct attester_output *output, uint32_t pcr,
		    uint32_t event_type, const void *data, uint32_t size)
{
	struct tpm2_digest_list digests = { 1, { { TPM2_ALG_SHA256, 32, { 0 } } } };
	uint8_t concatenation[64];

	attester_sha256(data, size, digests.digest[0].bytes);
	attester_must(event_log_append(log, pcr, event_type, &digests, data, size) == EVENT_LOG_OK);
	memcpy(concatenation, output->pcrs[pcr], 32);
	memcpy(concatenation + 32, digests.digest[0].bytes, 32);
	attester_sha256(concatenation, sizeof(concatenation), output->pcrs[pcr]);
}

void attester_firmware_log(struct attester_output *output)
{
	const struct tpm2_bank_list banks = { 1, { TPM2_ALG_SHA256 } };
	struct event_log log;
	char data[32];

	attester_must(event_log_init(&log, output->firmware_log, sizeof(output->firmware_log), &banks) ==
	     EVENT_LOG_OK);
	for (uint32_t pcr = 0; pcr < FIRMWARE_PCRS; pcr++) {
		snprintf(data, sizeof(data), "seabios pcr %u", pcr);
		log_add(&log, output, pcr, EV_POST_CODE, data, (uint32_t)strlen(data));
	}
	output->firmware_log_size = log.size;
}

static void add_component(struct event_log *log, struct attester_output *output, uint32_t pcr,
			  enum sbx_component component, const void *content, size_t size)
{
	struct sbx_measurement_record record;
	uint8_t digest[32];

	attester_sha256(content, size, digest);
	launch_record_build(&record, component, digest, size);
	log_add(log, output, pcr, SBX_EV_EVENT_TAG, &record, sizeof(record));
}

void attester_hv_log(const struct attester_config *config,
		     const uint8_t identity_key[SBX_PUBLIC_KEY_SIZE], struct attester_output *output)
{
	static const uint8_t separator[SBX_SEPARATOR_SIZE];
	const struct tpm2_bank_list banks = { 1, { TPM2_ALG_SHA256 } };
	struct event_log log;

	for (int pcr = 17; pcr <= 22; pcr++)
		memset(output->pcrs[pcr], LAUNCH_PCR_INITIAL_BYTE, 32);
	attester_must(event_log_init(&log, output->hv_log, sizeof(output->hv_log), &banks) ==
	     EVENT_LOG_OK);
	for (size_t i = 0; i < launch_plan_length; i++) {
		const struct launch_event *planned = &launch_plan[i];
		const char *content;

		if (planned->event_type == SBX_EV_SEPARATOR) {
			log_add(&log, output, planned->pcr, SBX_EV_SEPARATOR, separator,
				sizeof(separator));
		} else if (planned->component == SBX_COMPONENT_SECUREBOX_KEY) {
			add_component(&log, output, planned->pcr, planned->component,
				      identity_key, SBX_PUBLIC_KEY_SIZE);
		} else {
			content = config->components[planned->component - SBX_COMPONENT_HYPERVISOR];
			add_component(&log, output, planned->pcr, planned->component, content,
				      strlen(content));
		}
	}
	if (config->event_after_separator)
		add_component(&log, output, SBX_PCR_COMMODITY, SBX_COMPONENT_KERNEL,
			      config->components[3], strlen(config->components[3]));
	output->hv_log_size = log.size;
}
