/* The measured-launch sequence, in order: which event goes to which PCR. The
 * hypervisor follows it and sbx-measure replays it, from the same table. */
#ifndef SBX_HV_LAUNCH_PLAN_H
#define SBX_HV_LAUNCH_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "sbx/measurement.h"

struct launch_event {
	uint32_t pcr;
	uint32_t event_type;      /* SBX_EV_EVENT_TAG or SBX_EV_SEPARATOR */
	enum sbx_component component;   /* for SBX_EV_EVENT_TAG */
};

extern const struct launch_event launch_plan[];
extern const size_t launch_plan_length;

/* The name stored in a component's record, e.g. "policy". */
const char *launch_component_name(enum sbx_component component);

/* Fills `record` for a component with the given digest and size. */
void launch_record_build(struct sbx_measurement_record *record, enum sbx_component component,
			 const uint8_t sha256[32], uint64_t size);

/* PCRs 17-22 reset to all ones on a platform without dynamic launch: the value a
 * replay of the plan starts from. */
#define LAUNCH_PCR_INITIAL_BYTE 0xff

#endif
