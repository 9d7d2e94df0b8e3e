/* The TCP side of the agent: one connection at a time, one request line each, a
 * deadline for the whole request and one for the whole response, then the close. A
 * client can only ever cost the agent those seconds; nothing it sends ends the
 * loop. */
#define _GNU_SOURCE   /* accept4 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "connection.h"

#define SEND_SECONDS 10
#define DRAIN_MILLISECONDS 500

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
	char *response = NULL;
	size_t length = 0;

	switch (request_read(client, line, sizeof(line), &length,
			     now_milliseconds() + AGENT_REQUEST_SECONDS * 1000)) {
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
	/* A client that never reads its response must not hold the agent either. */
	if (response)
		response_send(client, response, strlen(response),
			      now_milliseconds() + SEND_SECONDS * 1000);
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
