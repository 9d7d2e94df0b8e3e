/* The verifier's side of the transport (attest/README.md, "Transport"). The agent
 * runs inside the untrusted commodity OS, so it may stall, flood or hang up at any
 * point: every step is bounded by one deadline and the response by its cap, and a
 * peer that resets the connection cannot kill the verifier with SIGPIPE. */
#define _GNU_SOURCE   /* NI_MAXHOST */
#include "agent_client.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "evidence.h"   /* ATTEST_RESPONSE_SIZE_MAX */

#define READ_CHUNK 65536

struct exchange {
	const char *agent;
	unsigned timeout_seconds;
	struct timespec deadline;   /* CLOCK_MONOTONIC */
	char *reason;
};

static int fail(struct exchange *exchange, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct exchange *exchange, const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(exchange->reason, AGENT_REASON_SIZE, format, arguments);
	va_end(arguments);
	return -1;
}

/* Milliseconds left before the deadline, 0 once it has passed. */
static int milliseconds_left(const struct exchange *exchange)
{
	struct timespec now;
	long long left;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left = (exchange->deadline.tv_sec - now.tv_sec) * 1000LL +
	       (exchange->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return left > 0 ? (int)left : 0;
}

/* Waits for `events` on `fd` until the deadline. Returns 1 when ready, 0 when the
 * deadline passed, -1 with errno on error. */
static int wait_for(const struct exchange *exchange, int fd, short events)
{
	struct pollfd pollfd = { .fd = fd, .events = events };

	for (;;) {
		int ready = poll(&pollfd, 1, milliseconds_left(exchange));

		if (ready < 0 && errno == EINTR)
			continue;
		return ready;
	}
}

/* Splits HOST:PORT at its last colon; "[v6]:port" keeps its brackets off the host. */
static int address_split(struct exchange *exchange, char *host, size_t host_size,
			 const char **port)
{
	const char *colon = strrchr(exchange->agent, ':');
	const char *start = exchange->agent;
	size_t length;

	if (!colon || colon == start || colon[1] == '\0')
		return fail(exchange, "agent address \"%.64s\" is not HOST:PORT", exchange->agent);
	length = (size_t)(colon - start);
	if (start[0] == '[' && colon[-1] == ']') {
		start++;
		length -= 2;
	}
	if (length == 0 || length >= host_size)
		return fail(exchange, "agent address \"%.64s\" is not HOST:PORT", exchange->agent);
	memcpy(host, start, length);
	host[length] = '\0';
	*port = colon + 1;
	return 0;
}

/* A non-blocking connect to one address, waited for until the deadline. Returns
 * the socket, or -1 with errno (ETIMEDOUT when the deadline passed). */
static int address_connect(const struct exchange *exchange, const struct addrinfo *address)
{
	int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			address->ai_protocol);
	int error = 0;
	socklen_t error_size = sizeof(error);

	if (fd < 0)
		return -1;
	if (connect(fd, address->ai_addr, address->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto failed;
	switch (wait_for(exchange, fd, POLLOUT)) {
	case 0:
		errno = ETIMEDOUT;
		goto failed;
	case -1:
		goto failed;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_size) != 0)
		goto failed;
	if (error == 0)
		return fd;
	errno = error;
failed:
	error = errno;
	close(fd);
	errno = error;
	return -1;
}

/* Connects to the first address of the agent that accepts. Returns the socket, or
 * -1 with the reason. getaddrinfo() itself cannot be bounded: use a numeric
 * address where a resolver may hang. */
static int agent_connect(struct exchange *exchange)
{
	const struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *addresses;
	char host[NI_MAXHOST];
	const char *port = NULL;
	int fd = -1, error = 0, status;

	if (address_split(exchange, host, sizeof(host), &port))
		return -1;
	status = getaddrinfo(host, port, &hints, &addresses);
	if (status != 0)
		return fail(exchange, "cannot resolve %.64s: %s", exchange->agent,
			    gai_strerror(status));
	for (const struct addrinfo *address = addresses; address && fd < 0;
	     address = address->ai_next) {
		fd = address_connect(exchange, address);
		if (fd < 0)
			error = errno;
	}
	freeaddrinfo(addresses);
	if (fd >= 0)
		return fd;
	if (error == ECONNREFUSED)
		return fail(exchange, "connection refused by %.64s", exchange->agent);
	if (error == ETIMEDOUT)
		return fail(exchange, "no connection to %.64s within %u s", exchange->agent,
			    exchange->timeout_seconds);
	return fail(exchange, "cannot connect to %.64s: %s", exchange->agent, strerror(error));
}

static int request_send(struct exchange *exchange, int fd, const char *request)
{
	size_t left = strlen(request);

	while (left > 0) {
		ssize_t sent = send(fd, request, left, MSG_NOSIGNAL);

		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int ready = wait_for(exchange, fd, POLLOUT);

			if (ready == 0)
				return fail(exchange, "could not send the request to %.64s within %u s",
					    exchange->agent, exchange->timeout_seconds);
			if (ready < 0)
				return fail(exchange, "cannot wait for %.64s: %s", exchange->agent,
					    strerror(errno));
			continue;
		}
		if (sent < 0)
			return fail(exchange, "cannot send the request to %.64s: %s",
				    exchange->agent, strerror(errno));
		request += sent;
		left -= (size_t)sent;
	}
	return 0;
}

/* Reads up to the first newline. Anything after it is not read: the agent sends
 * one line and closes. Returns 0 with the line in `*response`, or -1. */
static int response_receive(struct exchange *exchange, int fd, char **response,
			    size_t *response_size)
{
	/* The newline counts towards the cap; the extra byte holds a NUL. */
	char *buffer = malloc(ATTEST_RESPONSE_SIZE_MAX + 1);
	size_t size = 0;

	if (!buffer)
		return fail(exchange, "out of memory");
	for (;;) {
		size_t want = ATTEST_RESPONSE_SIZE_MAX - size;
		ssize_t got;
		char *newline;

		if (want == 0) {
			free(buffer);
			return fail(exchange, "response longer than 1 MiB");
		}
		got = recv(fd, buffer + size, want < READ_CHUNK ? want : READ_CHUNK, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int ready = wait_for(exchange, fd, POLLIN);

			if (ready == 0) {
				free(buffer);
				return fail(exchange, "no response within %u s",
					    exchange->timeout_seconds);
			}
			if (ready < 0) {
				free(buffer);
				return fail(exchange, "cannot wait for %.64s: %s", exchange->agent,
					    strerror(errno));
			}
			continue;
		}
		if (got < 0) {
			free(buffer);
			return fail(exchange, "cannot read from %.64s: %s", exchange->agent,
				    strerror(errno));
		}
		if (got == 0) {
			free(buffer);
			return fail(exchange,
				    "agent closed the connection before a complete response");
		}
		newline = memchr(buffer + size, '\n', (size_t)got);
		size += (size_t)got;
		if (newline) {
			*newline = '\0';
			*response = buffer;
			*response_size = (size_t)(newline - buffer);
			return 0;
		}
	}
}

int agent_exchange(const char *agent, const char *request, unsigned timeout_seconds,
		   char **response, size_t *response_size, char reason[AGENT_REASON_SIZE])
{
	struct exchange exchange = { agent, timeout_seconds, { 0, 0 }, reason };
	int fd, status;

	*response = NULL;
	*response_size = 0;
	clock_gettime(CLOCK_MONOTONIC, &exchange.deadline);
	exchange.deadline.tv_sec += timeout_seconds;
	fd = agent_connect(&exchange);
	if (fd < 0)
		return -1;
	status = request_send(&exchange, fd, request) ||
		 response_receive(&exchange, fd, response, response_size) ? -1 : 0;
	close(fd);
	return status;
}
