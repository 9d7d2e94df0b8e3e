/* A deterministic corpus of malformed securebox requests: for every service ID
 * 0-12, requests shorter than a header, payloads cut short at every length below
 * the service's request size, length fields that claim more than was sent or are
 * one off, payloads too large, wrong protocol versions, a non-zero status, UNSEAL
 * blobs whose data_size disagrees with their length, and random bytes from a
 * fixed-seed xorshift with one framing defect forced in. Each case is built on
 * its own from its index, so any one can be rebuilt to report it. Pure code,
 * unit tested. */
#ifndef SBX_TEST_GUEST_MALFORMED_CORPUS_H
#define SBX_TEST_GUEST_MALFORMED_CORPUS_H

#include <stdint.h>

#include <sbx/hypercall.h>

#define CORPUS_SERVICE_IDS 13   /* 0 and 9-12 name no service */

struct corpus_case {
	const char *defect;      /* the family, e.g. "truncated payload" */
	uint32_t service;        /* the service ID the request is for */
	uint32_t size;           /* request bytes, 1..SBX_MESSAGE_MAX */
	/* The errors the securebox may answer, as SERVICE_STATUS_BIT()s: the one
	 * <sbx/service.h> gives for the defect, or each that fits where a request
	 * has two (a framing defect in a request for no service). */
	uint32_t refusals;
	/* What the hypervisor may answer instead, before the securebox sees the
	 * request: SBX_E_INVALID_ARGUMENT for no whole header, SBX_E_DENIED for a
	 * service ID no policy can allow; SBX_OK where it must pass it on. */
	int64_t hypervisor_refusal;
	uint8_t bytes[SBX_MESSAGE_MAX] __attribute__((aligned(SBX_BUFFER_ALIGNMENT)));
};

/* How many cases there are (well over a thousand). */
uint32_t corpus_size(void);

/* Builds case `index` (below corpus_size()) into `request`. */
void corpus_case(uint32_t index, struct corpus_case *request);

#endif
