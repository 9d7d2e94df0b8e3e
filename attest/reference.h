/* build/reference.json (attest/README.md, "Reference values"), parsed strictly with
 * json-c: every component and platform PCR present with at least one value, every
 * value 64 hex digits, hv_events equal to the launch plan this verifier was built
 * with (hv/launch_plan.c), nothing unknown. */
#ifndef SBX_ATTEST_REFERENCE_H
#define SBX_ATTEST_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include "report_verify.h"   /* struct allowed_digests, SBX_MEASURED_COUNT */

#define REFERENCE_PLATFORM_PCRS 10   /* PCRs 0-9 */
#define REFERENCE_VALUES_MAX 64      /* per component or PCR */
#define REFERENCE_REASON_SIZE 160

struct reference {
	/* Indexed by enum sbx_measured_component. */
	uint8_t component_values[SBX_MEASURED_COUNT][REFERENCE_VALUES_MAX][SBX_DIGEST_SIZE];
	struct allowed_digests components[SBX_MEASURED_COUNT];
	uint8_t platform_values[REFERENCE_PLATFORM_PCRS][REFERENCE_VALUES_MAX][SBX_DIGEST_SIZE];
	struct allowed_digests platform_pcrs[REFERENCE_PLATFORM_PCRS];
};

/* Returns 0, or -1 with `reason`. */
int reference_parse(const char *text, size_t size, struct reference *reference,
		    char reason[REFERENCE_REASON_SIZE]);
int reference_load(const char *path, struct reference *reference,
		   char reason[REFERENCE_REASON_SIZE]);

#endif
