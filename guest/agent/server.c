/* The TCP side of the agent: one connection at a time, one request line each, a
 * deadline for the whole request, then one response line and the close. A client
 * can only ever cost the agent its 10 s; nothing it sends ends the loop. */
#define _GNU_SOURCE   /* accept4 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define SEND_SECONDS 10
#define DRAIN_MILLISECONDS 500

static long long now_milliseconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

enum request_outcome { REQUEST_LINE, REQUEST_TOO_LONG, REQUEST_TIMED_OUT, REQUEST_CLOSED };

/* Reads up to the first newline within the deadline; the line ends up in
 * `line` without its newline, *length its size. */
static enum request_outcome read_request(int client, char line[AGENT_REQUEST_MAX],
					 size_t *length)
{
	long long deadline = now_milliseconds() + AGENT_REQUEST_SECONDS * 1000;
	size_t have = 0;

	for (;;) {
		long long left = deadline - now_milliseconds();
		struct pollfd wait = { .fd = client, .events = POLLIN };
		char *newline;
		ssize_t got;

		if (left <= 0)
			return REQUEST_TIMED_OUT;
		if (poll(&wait, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return REQUEST_CLOSED;
		}
		if (!wait.revents)
			continue;
		got = recv(client, line + have, AGENT_REQUEST_MAX - have, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return REQUEST_CLOSED;
		newline = memchr(line + have, '\n', (size_t)got);
		have += (size_t)got;
		if (newline) {
			*length = (size_t)(newline - line);
			return REQUEST_LINE;
		}
		if (have == AGENT_REQUEST_MAX)
			return REQUEST_TOO_LONG;
	}
}

static void send_all(int client, const char *text)
{
	size_t length = strlen(text), sent = 0;

	while (sent < length) {
		ssize_t wrote = send(client, text + sent, length - sent, MSG_NOSIGNAL);

		if (wrote < 0 && errno == EINTR)
			continue;
		if (wrote <= 0)
			return;
		sent += (size_t)wrote;
	}
}

/* Closing with unread input makes the kernel send a reset, which can destroy the
 * response before the client reads it (a too-long request). So: half-close, then
 * read off what the client still sends, briefly, and close. */
static void finish(int client)
{
	long long deadline = now_milliseconds() + DRAIN_MILLISECONDS;
	char sink[1024];

	shutdown(client, SHUT_WR);
	for (long long left; (left = deadline - now_milliseconds()) > 0;) {
		struct pollfd wait = { .fd = client, .events = POLLIN };

		if (poll(&wait, 1, (int)left) <= 0 || recv(client, sink, sizeof(sink), 0) <= 0)
			break;
	}
	close(client);
}

static void serve(struct agent_tpm *tpm, int client)
{
	static char line[AGENT_REQUEST_MAX];
	struct timeval send_timeout = { .tv_sec = SEND_SECONDS };
	char *response = NULL;
	size_t length = 0;

	/* A client that never reads its response must not hold the agent either. */
	setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
	switch (read_request(client, line, &length)) {
	case REQUEST_LINE:
		response = protocol_handle(tpm, line, length);
		break;
	case REQUEST_TOO_LONG:
		response = protocol_error("the request is longer than 4096 bytes");
		break;
	case REQUEST_TIMED_OUT:
		response = protocol_error("no complete request within 10 s");
		break;
	case REQUEST_CLOSED:
		break;
	}
	if (response)
		send_all(client, response);
	free(response);
	finish(client);
}

int server_run(struct agent_tpm *tpm, uint16_t port)
{
	struct sockaddr_in address = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1;
	int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (listener < 0 ||
	    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(listener, (struct sockaddr *)&address, sizeof(address)) ||
	    listen(listener, 8)) {
		fprintf(stderr, "sbx-agent: port %u: %s\n", port, strerror(errno));
		return -1;
	}
	printf("sbx-agent: listening on port %u\n", port);
	fflush(stdout);
	for (;;) {
		int client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);

		if (client < 0) {
			/* ECONNABORTED and the like: a client gone before it was
			 * accepted; EMFILE would clear as connections close. */
			if (errno != EINTR)
				usleep(10000);
			continue;
		}
		serve(tpm, client);
	}
}
