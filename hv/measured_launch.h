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

/* The first part of launch_plan, up to the identity key event: one
 * TPM2_PCR_Event and one log record per component. With no TPM (`tpm` NULL, the
 * tpm=optional case) only the digests are computed. Fills `digests` (indexed by
 * enum sbx_measured_component) either way. Stops at the first failure and panics
 * with its cause: a partial measurement must never be mistaken for a complete
 * one. */
void measured_launch_components(struct tpm *tpm, struct event_log *log,
				const struct measured_component *components, size_t count,
				uint8_t digests[][32]);

/* The rest of launch_plan: the securebox identity key (skipped when `key` is NULL),
 * then the separators that close PCRs 17-19. */
void measured_launch_close(struct tpm *tpm, struct event_log *log, const void *key,
			   uint64_t key_size);

#endif
