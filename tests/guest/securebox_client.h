/* The commodity side of the securebox services (<sbx/service.h>): messages, the
 * SBX_HC_SECUREBOX_CALL round trip, and the checks scenarios share. */
#ifndef SBX_TEST_GUEST_SECUREBOX_CLIENT_H
#define SBX_TEST_GUEST_SECUREBOX_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sbx/hypercall.h>
#include <sbx/service.h>

#include "hypercall.h"

struct securebox_message {
	struct sbx_service_header header;
	uint8_t payload[SBX_MESSAGE_MAX - sizeof(struct sbx_service_header)];
} __attribute__((aligned(SBX_BUFFER_ALIGNMENT)));

/* Fills in a request header, and for ECHO a recognisable payload. */
void securebox_request(struct securebox_message *request, uint32_t service,
		       uint32_t payload_size);

/* The request's size comes from its header; the response capacity is a whole
 * message. Returns the raw hypercall result (RDI = response size). */
struct hypercall_result securebox_call(const struct securebox_message *request,
				       struct securebox_message *response);

/* Scenario checks (they report through fail()): the VERSION service answers
 * with the versions of <sbx/service.h>; ECHO returns `payload_size` bytes
 * unchanged. */
bool check_securebox_version(void);
bool check_securebox_echo(uint32_t payload_size);

#endif
