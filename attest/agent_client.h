/* One request and one response over TCP to the agent (attest/README.md,
 * "Transport"), with a deadline on everything: connecting, sending, and reading a
 * response of at most ATTEST_RESPONSE_SIZE_MAX bytes up to its newline. */
#ifndef SBX_ATTEST_AGENT_CLIENT_H
#define SBX_ATTEST_AGENT_CLIENT_H

#include <stddef.h>

#define AGENT_REASON_SIZE 160

/* `agent` is HOST:PORT (a numeric IPv4 address or a name). On success returns 0 and
 * a malloc'ed, NUL-terminated response line (without its newline) in `*response`.
 * Returns -1 with `reason` for a transport failure (refused, reset, timed out,
 * closed before the newline, too long). */
int agent_exchange(const char *agent, const char *request, unsigned timeout_seconds,
		   char **response, size_t *response_size, char reason[AGENT_REASON_SIZE]);

#endif
