/* Measures the launch plan's components into the TPM and the event log. */
#ifndef SBX_HV_MEASURED_LAUNCH_H
#define SBX_HV_MEASURED_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include "event_log.h"
#include "sbx/measurement.h"
#include "tpm/tpm.h"

/* The hypervisor's event log, kept for the partitions to read. */
extern struct event_log hypervisor_event_log;

struct measured_component {
	enum sbx_component component;
	const void *data;
	uint64_t size;
};

/* Follows launch_plan: one TPM2_PCR_Event and one log record per event. Stops at
 * the first failure and panics with its cause: a partial measurement must never
 * be mistaken for a complete one. */
void measured_launch(struct tpm *tpm, struct event_log *log,
		     const struct measured_component *components, size_t count);

#endif
