#include <string.h>

#include "console.h"
#include "launch_plan.h"
#include "measured_launch.h"
#include "sha256.h"

static const struct measured_component *find_component(
	const struct measured_component *components, size_t count, enum sbx_component wanted)
{
	for (size_t i = 0; i < count; i++)
		if (components[i].component == wanted)
			return &components[i];
	panic("measured launch: no data for component %s", launch_component_name(wanted));
}

static void panic_tpm(const struct tpm_error *error, uint32_t pcr)
{
	if (error->has_response_code)
		panic("TPM: %s for PCR %u failed: %s, response code 0x%08x (%s)",
		      error->command, pcr, error->reason, error->response_code,
		      tpm2_response_code_name(error->response_code));
	panic("TPM: %s for PCR %u failed: %s", error->command, pcr, error->reason);
}

/* The TPM hashed the event data itself; its SHA-256 must be ours, or the log would
 * describe something other than what was extended. */
static void check_tpm_digest(const struct tpm2_digest_list *digests, const void *data,
			     size_t size)
{
	uint8_t expected[SHA256_DIGEST_SIZE];

	if (sha256(data, size, expected))
		panic("measured launch: SHA-256 failed");
	for (uint32_t i = 0; i < digests->count; i++)
		if (digests->digest[i].algorithm == TPM2_ALG_SHA256) {
			if (memcmp(digests->digest[i].bytes, expected, sizeof(expected)))
				panic("TPM: the TPM's SHA-256 of an event differs from ours");
			return;
		}
	panic("TPM: TPM2_PCR_Event returned no SHA-256 digest");
}

static void extend_and_log(struct tpm *tpm, struct event_log *log, uint32_t pcr,
			   uint32_t event_type, const void *data, uint32_t size)
{
	struct tpm2_digest_list digests;
	struct tpm_error error;
	enum event_log_status status;

	if (tpm_pcr_event(tpm, pcr, data, size, &digests, &error))
		panic_tpm(&error, pcr);
	check_tpm_digest(&digests, data, size);
	status = event_log_append(log, pcr, event_type, &digests, data, size);
	if (status != EVENT_LOG_OK)
		panic("event log: %s", event_log_status_string(status));
}

static void measure_component(struct tpm *tpm, struct event_log *log, uint32_t pcr,
			      const struct measured_component *component,
			      uint8_t digest[SHA256_DIGEST_SIZE])
{
	struct sbx_measurement_record record;

	if (sha256(component->data, component->size, digest))
		panic("measured launch: SHA-256 failed");
	if (!tpm)
		return;
	launch_record_build(&record, component->component, digest, component->size);
	extend_and_log(tpm, log, pcr, SBX_EV_EVENT_TAG, &record, sizeof(record));
	printk("sbx: measured pcr%u %s sha256=", pcr, launch_component_name(component->component));
	print_hex(digest, SHA256_DIGEST_SIZE);
	printk(" size=%lu\n", component->size);
}

static size_t key_event_index(void)
{
	for (size_t i = 0; i < launch_plan_length; i++)
		if (launch_plan[i].event_type == SBX_EV_EVENT_TAG &&
		    launch_plan[i].component == SBX_COMPONENT_SECUREBOX_KEY)
			return i;
	panic("measured launch: the plan has no identity key event");
}

void measured_launch_components(struct tpm *tpm, struct event_log *log,
				const struct measured_component *components, size_t count,
				uint8_t digests[][32])
{
	size_t end = key_event_index();

	for (size_t i = 0; i < end; i++) {
		const struct launch_event *event = &launch_plan[i];
		const struct measured_component *component =
			find_component(components, count, event->component);

		measure_component(tpm, log, event->pcr, component,
				  digests[event->component - SBX_COMPONENT_HYPERVISOR]);
	}
}

void measured_launch_close(struct tpm *tpm, struct event_log *log, const void *key,
			   uint64_t key_size)
{
	static const uint8_t separator[SBX_SEPARATOR_SIZE];
	const size_t key_index = key_event_index();
	uint8_t digest[SHA256_DIGEST_SIZE];

	if (key) {
		const struct measured_component identity = { SBX_COMPONENT_SECUREBOX_KEY, key,
							      key_size };

		measure_component(tpm, log, launch_plan[key_index].pcr, &identity, digest);
	}
	for (size_t i = key_index + 1; i < launch_plan_length; i++) {
		const struct launch_event *event = &launch_plan[i];

		if (event->event_type != SBX_EV_SEPARATOR)
			panic("measured launch: only separators may follow the identity key");
		extend_and_log(tpm, log, event->pcr, SBX_EV_SEPARATOR, separator,
			       sizeof(separator));
		printk("sbx: measured pcr%u separator\n", event->pcr);
	}
}
