/* Deadlines by poll(): a socket timeout (SO_RCVTIMEO, SO_SNDTIMEO) bounds each call,
 * not the transfer, and a client trickling bytes would renew it for ever. */
#include "connection.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

long long now_milliseconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Waits until `client` is ready for `events` or the deadline passes. Returns 1 when
 * ready, 0 at the deadline, -1 on an error. */
static int wait_until(int client, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_milliseconds();
		struct pollfd wait = { .fd = client, .events = events };
		int ready;

		if (left <= 0)
			return 0;
		ready = poll(&wait, 1, left > 60000 ? 60000 : (int)left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return -1;
		if (ready > 0)
			return 1;
	}
}

enum request_outcome request_read(int client, char *line, size_t capacity, size_t *length,
				  long long deadline)
{
	size_t have = 0;

	for (;;) {
		char *newline;
		ssize_t got;
		int ready = wait_until(client, POLLIN, deadline);

		if (ready == 0)
			return REQUEST_TIMED_OUT;
		if (ready < 0)
			return REQUEST_CLOSED;
		got = recv(client, line + have, capacity - have, MSG_DONTWAIT);
		if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (got <= 0)
			return REQUEST_CLOSED;
		newline = memchr(line + have, '\n', (size_t)got);
		have += (size_t)got;
		if (newline) {
			*length = (size_t)(newline - line);
			return REQUEST_LINE;
		}
		if (have == capacity)
			return REQUEST_TOO_LONG;
	}
}

int response_send(int client, const char *text, size_t length, long long deadline)
{
	size_t sent = 0;

	while (sent < length) {
		ssize_t wrote;

		if (wait_until(client, POLLOUT, deadline) != 1)
			return -1;
		wrote = send(client, text + sent, length - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (wrote < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (wrote <= 0)
			return -1;
		sent += (size_t)wrote;
	}
	return 0;
}
