/* The securebox's only output: one line per request through SBX_HC_SECUREBOX_LOG,
 * as much as the policy's "log securebox" level (in the boot information) asks. */
#ifndef SBX_SECUREBOX_LOG_H
#define SBX_SECUREBOX_LOG_H

#include <stddef.h>
#include <stdint.h>

/* Logs a handled request: every one at SBX_LOG_INFO, only rejected ones at
 * SBX_LOG_ERRORS, none at SBX_LOG_NONE. */
void log_request(uint32_t level, const uint8_t *request, size_t request_size,
		 const uint8_t *response);

#endif
