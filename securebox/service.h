/* The securebox's service dispatcher: one request in, one response out. It makes no
 * hypercall and keeps no state of its own: what the services remember lives in the
 * context passed in, so host unit tests and the fuzzer run it as the securebox does. */
#ifndef SBX_SECUREBOX_SERVICE_H
#define SBX_SECUREBOX_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "sbx/hypercall.h"

/* Validates the `request_size` bytes at `request` and writes the response into
 * `response`, which must hold SBX_MESSAGE_MAX bytes; returns the response size.
 * Every request, however malformed, gets a well-formed response: a header, with a
 * payload only when the status is SBX_SERVICE_OK. No response is larger than
 * SBX_MESSAGE_MAX, and a request larger than that is answered as malformed. */
size_t service_handle(struct service_context *context, const uint8_t *request,
		      size_t request_size, uint8_t response[SBX_MESSAGE_MAX]);

#endif
