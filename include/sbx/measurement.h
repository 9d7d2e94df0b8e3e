/* What the hypervisor measures, where, and in which form: the ABI between the
 * hypervisor, the host tool sbx-measure and the attestation verifier.
 *
 * Each component is one event. Its event data is a TCG_PCClientTaggedEvent
 * (event type EV_EVENT_TAG) whose taggedEventID names the component and whose
 * payload holds the component's SHA-256 and size. The hypervisor hands that record
 * to TPM2_PCR_Event, so the TPM hashes it into every active bank, and the TPM's
 * wire traffic shows exactly which component digest was extended. All integers are
 * little-endian, as in the TCG event log. */
#ifndef SBX_MEASUREMENT_H
#define SBX_MEASUREMENT_H

#include <stdint.h>

#define SBX_PCR_HYPERVISOR 17   /* hypervisor image, policy */
#define SBX_PCR_SECUREBOX  18   /* securebox image, then its identity public key */
#define SBX_PCR_COMMODITY  19   /* commodity kernel, initrd, command line */

/* TCG PC Client event types used by the hypervisor log. */
#define SBX_EV_NO_ACTION 0x00000003
#define SBX_EV_SEPARATOR 0x00000004
#define SBX_EV_EVENT_TAG 0x00000006

/* taggedEventID values: "SBX" followed by the component number. */
enum sbx_component {
	SBX_COMPONENT_HYPERVISOR = 0x53425801,
	SBX_COMPONENT_POLICY     = 0x53425802,
	SBX_COMPONENT_SECUREBOX  = 0x53425803,
	SBX_COMPONENT_KERNEL     = 0x53425804,
	SBX_COMPONENT_INITRD     = 0x53425805,
	SBX_COMPONENT_CMDLINE    = 0x53425806,
	SBX_COMPONENT_SECUREBOX_KEY = 0x53425807,   /* SHA-256 of the identity public key */
};

#define SBX_COMPONENT_NAME_SIZE 16

struct sbx_component_digest {
	uint8_t sha256[32];
	uint64_t size;                         /* bytes measured */
	char name[SBX_COMPONENT_NAME_SIZE];    /* NUL-padded, e.g. "hypervisor" */
} __attribute__((packed));

struct sbx_measurement_record {
	uint32_t tagged_event_id;              /* enum sbx_component */
	uint32_t tagged_event_data_size;       /* sizeof(struct sbx_component_digest) */
	struct sbx_component_digest payload;
} __attribute__((packed));

_Static_assert(sizeof(struct sbx_component_digest) == 56, "component digest layout");
_Static_assert(sizeof(struct sbx_measurement_record) == 64, "measurement record layout");

/* EV_SEPARATOR data: four zero bytes, as the PC Client spec has for a normal
 * (non-error) separator. Nothing may follow it in PCRs 17-19. */
#define SBX_SEPARATOR_SIZE 4

#endif
