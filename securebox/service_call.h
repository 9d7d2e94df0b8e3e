/* One framed request, as the dispatcher hands it to a service family: the payload
 * the caller sent and room for the payload of the reply. */
#ifndef SBX_SECUREBOX_SERVICE_CALL_H
#define SBX_SECUREBOX_SERVICE_CALL_H

#include <stdint.h>

#include "sbx/hypercall.h"
#include "sbx/service.h"

#define SERVICE_REPLY_MAX (SBX_MESSAGE_MAX - sizeof(struct sbx_service_header))

/* `payload` holds `length` bytes the commodity OS chose, at any alignment: handlers
 * copy out of it and trust nothing in it until checked. A handler returns an enum
 * sbx_service_status; only with SBX_SERVICE_OK has it written `reply_length`
 * (at most SERVICE_REPLY_MAX) bytes to `reply`, and only then are they sent. */
struct service_call {
	const uint8_t *payload;
	uint32_t length;
	uint8_t *reply;
	uint32_t reply_length;
};

#endif
