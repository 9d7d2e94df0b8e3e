/* A client connection's bytes, each direction under one deadline for the whole
 * transfer: the agent serves one client at a time, so a client that sends or reads
 * a byte now and then must not hold it for longer than that. */
#ifndef SBX_AGENT_CONNECTION_H
#define SBX_AGENT_CONNECTION_H

#include <stddef.h>

/* CLOCK_MONOTONIC, in milliseconds. */
long long now_milliseconds(void);

enum request_outcome { REQUEST_LINE, REQUEST_TOO_LONG, REQUEST_TIMED_OUT, REQUEST_CLOSED };

/* Reads from `client` up to the first newline before `deadline` (as
 * now_milliseconds() counts); the line ends up in `line` (`capacity` bytes, the
 * newline included) without its newline, `*length` its size. */
enum request_outcome request_read(int client, char *line, size_t capacity, size_t *length,
				  long long deadline);

/* Sends `length` bytes of `text` to `client`, giving up at `deadline` or on an
 * error (a client that went away costs a failed send, never SIGPIPE). Returns 0
 * once all is sent, or -1. */
int response_send(int client, const char *text, size_t length, long long deadline);

#endif
