#include <string.h>

#include "launch_plan.h"

const struct launch_event launch_plan[] = {
	{ SBX_PCR_HYPERVISOR, SBX_EV_EVENT_TAG, SBX_COMPONENT_HYPERVISOR },
	{ SBX_PCR_HYPERVISOR, SBX_EV_EVENT_TAG, SBX_COMPONENT_POLICY },
	{ SBX_PCR_SECUREBOX,  SBX_EV_EVENT_TAG, SBX_COMPONENT_SECUREBOX },
	{ SBX_PCR_COMMODITY,  SBX_EV_EVENT_TAG, SBX_COMPONENT_KERNEL },
	{ SBX_PCR_COMMODITY,  SBX_EV_EVENT_TAG, SBX_COMPONENT_INITRD },
	{ SBX_PCR_COMMODITY,  SBX_EV_EVENT_TAG, SBX_COMPONENT_CMDLINE },
	/* Only once the securebox has made its identity key, before any commodity
	 * code runs; absent when the securebox has none (no entropy, no securebox). */
	{ SBX_PCR_SECUREBOX,  SBX_EV_EVENT_TAG, SBX_COMPONENT_SECUREBOX_KEY },
	{ SBX_PCR_HYPERVISOR, SBX_EV_SEPARATOR, 0 },
	{ SBX_PCR_SECUREBOX,  SBX_EV_SEPARATOR, 0 },
	{ SBX_PCR_COMMODITY,  SBX_EV_SEPARATOR, 0 },
};

const size_t launch_plan_length = sizeof(launch_plan) / sizeof(launch_plan[0]);

const char *launch_component_name(enum sbx_component component)
{
	switch (component) {
	case SBX_COMPONENT_HYPERVISOR: return "hypervisor";
	case SBX_COMPONENT_POLICY:     return "policy";
	case SBX_COMPONENT_SECUREBOX:  return "securebox";
	case SBX_COMPONENT_KERNEL:     return "kernel";
	case SBX_COMPONENT_INITRD:     return "initrd";
	case SBX_COMPONENT_CMDLINE:    return "cmdline";
	case SBX_COMPONENT_SECUREBOX_KEY: return "securebox-key";
	}
	return "unknown";
}

void launch_record_build(struct sbx_measurement_record *record, enum sbx_component component,
			 const uint8_t sha256[32], uint64_t size)
{
	const char *name = launch_component_name(component);

	memset(record, 0, sizeof(*record));
	record->tagged_event_id = component;
	record->tagged_event_data_size = sizeof(record->payload);
	memcpy(record->payload.sha256, sha256, sizeof(record->payload.sha256));
	record->payload.size = size;
	memcpy(record->payload.name, name, strlen(name));
}
