/* Unit tests for the TCP client (attest/agent_client.c) against a test agent on a
 * thread of this process, listening on an ephemeral port of 127.0.0.1: a good round
 * trip, a refused port, an agent that never answers, one that answers too much, one
 * that hangs up early, and one that hangs up on a request it does not read. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent_client.h"
#include "evidence.h"   /* ATTEST_RESPONSE_SIZE_MAX */

#define REQUEST "{\"sbx_attest\":1,\"request\":\"identity\"}\n"
#define RESPONSE "{\"sbx_attest\":1,\"response\":\"error\",\"error\":\"x\"}"

enum behaviour {
	ANSWER,            /* reads the request line, answers RESPONSE "\n" */
	ANSWER_IN_PIECES,  /* the same, a few bytes at a time */
	ANSWER_EXACTLY_THE_CAP,   /* a line of 1 MiB, newline included */
	ANSWER_TOO_MUCH,   /* 1 MiB without a newline */
	SAY_NOTHING,       /* reads the request, then waits for the client to leave */
	CLOSE_EARLY,       /* half a response, then closes */
	CLOSE_AT_ONCE,     /* closes without reading anything */
};

struct agent {
	int listener;
	char address[32];
	enum behaviour behaviour;
	pthread_t thread;
	char request[256];
	size_t request_size;
};

static void send_all(int fd, const char *bytes, size_t size)
{
	while (size > 0) {
		ssize_t sent = send(fd, bytes, size, MSG_NOSIGNAL);

		if (sent <= 0)
			return;   /* the client left: what it saw is the test's business */
		bytes += sent;
		size -= (size_t)sent;
	}
}

static void request_read(struct agent *agent, int fd)
{
	while (agent->request_size < sizeof(agent->request) - 1) {
		ssize_t got = recv(fd, agent->request + agent->request_size, 1, 0);

		if (got <= 0)
			return;
		if (agent->request[agent->request_size++] == '\n')
			return;
	}
}

static void pause_briefly(void)
{
	const struct timespec pause = { 0, 20 * 1000 * 1000 };

	nanosleep(&pause, NULL);
}

/* A line of `size` bytes ending in a newline (or not), malloc'ed. */
static char *filler(size_t size, bool newline)
{
	char *line = malloc(size);

	assert_non_null(line);
	memset(line, 'a', size);
	if (newline)
		line[size - 1] = '\n';
	return line;
}

static void *agent_run(void *argument)
{
	struct agent *agent = argument;
	int fd = accept(agent->listener, NULL, NULL);
	char byte, *line;

	if (fd < 0)
		return NULL;
	if (agent->behaviour != CLOSE_AT_ONCE)
		request_read(agent, fd);
	switch (agent->behaviour) {
	case ANSWER:
		send_all(fd, RESPONSE "\n", strlen(RESPONSE) + 1);
		break;
	case ANSWER_IN_PIECES:
		for (size_t i = 0; i < strlen(RESPONSE) + 1; i += 7) {
			send_all(fd, (RESPONSE "\n") + i,
				 strlen(RESPONSE) + 1 - i < 7 ? strlen(RESPONSE) + 1 - i : 7);
			pause_briefly();
		}
		break;
	case ANSWER_EXACTLY_THE_CAP:
	case ANSWER_TOO_MUCH:
		line = filler(ATTEST_RESPONSE_SIZE_MAX, agent->behaviour == ANSWER_EXACTLY_THE_CAP);
		send_all(fd, line, ATTEST_RESPONSE_SIZE_MAX);
		free(line);
		/* More than the cap: the client must stop reading by itself. */
		send_all(fd, "aaaa\n", 5);
		break;
	case SAY_NOTHING:
		/* Until the client gives up and closes. */
		while (recv(fd, &byte, 1, 0) > 0)
			continue;
		break;
	case CLOSE_EARLY:
		send_all(fd, RESPONSE, 10);
		break;
	case CLOSE_AT_ONCE:
		break;
	}
	close(fd);
	return NULL;
}

static void agent_start(struct agent *agent, enum behaviour behaviour)
{
	struct sockaddr_in address = { .sin_family = AF_INET };
	socklen_t size = sizeof(address);

	memset(agent, 0, sizeof(*agent));
	agent->behaviour = behaviour;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	agent->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(agent->listener >= 0);
	assert_int_equal(bind(agent->listener, (struct sockaddr *)&address, sizeof(address)), 0);
	assert_int_equal(listen(agent->listener, 1), 0);
	assert_int_equal(getsockname(agent->listener, (struct sockaddr *)&address, &size), 0);
	snprintf(agent->address, sizeof(agent->address), "127.0.0.1:%u", ntohs(address.sin_port));
	assert_int_equal(pthread_create(&agent->thread, NULL, agent_run, agent), 0);
}

static void agent_stop(struct agent *agent)
{
	assert_int_equal(pthread_join(agent->thread, NULL), 0);
	close(agent->listener);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_round_trip(void **state)
{
	struct agent agent;
	char reason[AGENT_REASON_SIZE] = "";
	char *response;
	size_t size;

	(void)state;
	agent_start(&agent, ANSWER);
	assert_int_equal(agent_exchange(agent.address, REQUEST, 5, &response, &size, reason), 0);
	agent_stop(&agent);
	assert_string_equal(response, RESPONSE);
	assert_int_equal(size, strlen(RESPONSE));
	assert_int_equal(agent.request_size, strlen(REQUEST));
	assert_memory_equal(agent.request, REQUEST, strlen(REQUEST));
	free(response);
}

static void test_response_in_pieces_by_name(void **state)
{
	struct agent agent;
	char reason[AGENT_REASON_SIZE] = "";
	char address[32];
	char *response;
	size_t size;

	(void)state;
	agent_start(&agent, ANSWER_IN_PIECES);
	snprintf(address, sizeof(address), "localhost%s", strchr(agent.address, ':'));
	if (agent_exchange(address, REQUEST, 5, &response, &size, reason) != 0)
		fail_msg("%s", reason);
	agent_stop(&agent);
	assert_string_equal(response, RESPONSE);
	free(response);
}

static void test_response_of_exactly_the_cap(void **state)
{
	struct agent agent;
	char reason[AGENT_REASON_SIZE] = "";
	char *response;
	size_t size;

	(void)state;
	agent_start(&agent, ANSWER_EXACTLY_THE_CAP);
	assert_int_equal(agent_exchange(agent.address, REQUEST, 5, &response, &size, reason), 0);
	agent_stop(&agent);
	assert_int_equal(size, ATTEST_RESPONSE_SIZE_MAX - 1);
	assert_int_equal(strlen(response), size);
	free(response);
}

/* Expects the exchange with an agent of `behaviour` to fail with `expected`. */
static void expect_failure(enum behaviour behaviour, const char *request, unsigned timeout,
			   const char *expected)
{
	struct agent agent;
	char reason[AGENT_REASON_SIZE] = "";
	char *response = (char *)1;
	size_t size = 1;

	agent_start(&agent, behaviour);
	assert_int_equal(agent_exchange(agent.address, request, timeout, &response, &size,
					reason), -1);
	agent_stop(&agent);
	if (!strstr(reason, expected))
		fail_msg("reason \"%s\" does not contain \"%s\"", reason, expected);
	assert_null(response);
	assert_int_equal(size, 0);
}

static void test_response_too_long(void **state)
{
	(void)state;
	expect_failure(ANSWER_TOO_MUCH, REQUEST, 5, "response longer than 1 MiB");
}

static void test_agent_says_nothing(void **state)
{
	struct timespec start;
	double elapsed;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &start);
	expect_failure(SAY_NOTHING, REQUEST, 1, "no response within 1 s");
	elapsed = seconds_since(&start);
	assert_true(elapsed >= 0.9 && elapsed < 3.0);
}

static void test_agent_closes_early(void **state)
{
	(void)state;
	expect_failure(CLOSE_EARLY, REQUEST, 5,
		       "agent closed the connection before a complete response");
}

/* The agent hangs up on a request far larger than a socket buffer: the send fails
 * with EPIPE or a reset, never with SIGPIPE, which would end this test program. */
static void test_agent_hangs_up_on_the_request(void **state)
{
	char *request = filler(8u << 20, true);
	struct agent agent;
	char reason[AGENT_REASON_SIZE] = "";
	char *response;
	size_t size;

	(void)state;
	request[(8u << 20) - 1] = '\0';
	agent_start(&agent, CLOSE_AT_ONCE);
	assert_int_equal(agent_exchange(agent.address, request, 5, &response, &size, reason), -1);
	agent_stop(&agent);
	assert_true(strstr(reason, "cannot send the request") ||
		    strstr(reason, "closed the connection") || strstr(reason, "cannot read"));
	free(request);
}

static void test_refused_port(void **state)
{
	struct sockaddr_in address = { .sin_family = AF_INET };
	socklen_t size = sizeof(address);
	char agent[32], expected[64], reason[AGENT_REASON_SIZE] = "";
	char *response;
	size_t response_size;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	/* A port just bound and released: nothing listens there. */
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&address, sizeof(address)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&address, &size), 0);
	close(fd);
	snprintf(agent, sizeof(agent), "127.0.0.1:%u", ntohs(address.sin_port));
	assert_int_equal(agent_exchange(agent, REQUEST, 2, &response, &response_size, reason), -1);
	snprintf(expected, sizeof(expected), "connection refused by %s", agent);
	assert_string_equal(reason, expected);
}

/* A listener whose backlog is full drops further connection attempts, so a connect
 * to it hangs like one to an unreachable host: the deadline must end it. */
static void test_connect_timeout(void **state)
{
	struct sockaddr_in address = { .sin_family = AF_INET };
	socklen_t size = sizeof(address);
	char agent[32], expected[64], reason[AGENT_REASON_SIZE] = "";
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int fillers[8];
	struct timespec start;
	char *response;
	size_t response_size;
	double elapsed;

	(void)state;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(listener, (struct sockaddr *)&address, sizeof(address)), 0);
	assert_int_equal(listen(listener, 0), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&address, &size), 0);
	for (size_t i = 0; i < 8; i++) {
		fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fillers[i], (struct sockaddr *)&address, sizeof(address));
	}
	pause_briefly();
	snprintf(agent, sizeof(agent), "127.0.0.1:%u", ntohs(address.sin_port));
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(agent_exchange(agent, REQUEST, 1, &response, &response_size, reason), -1);
	elapsed = seconds_since(&start);
	snprintf(expected, sizeof(expected), "no connection to %s within 1 s", agent);
	/* Some kernels complete the handshake into a full queue instead: then the
	 * client waits for a response that never comes. Both end at the deadline. */
	if (strcmp(reason, expected) != 0)
		assert_string_equal(reason, "no response within 1 s");
	assert_true(elapsed >= 0.9 && elapsed < 3.0);
	for (size_t i = 0; i < 8; i++)
		close(fillers[i]);
	close(listener);
}

static void test_bad_addresses(void **state)
{
	static const char *const addresses[] = { "127.0.0.1", "127.0.0.1:", ":7780", "[]:7780" };
	char reason[AGENT_REASON_SIZE];
	char *response;
	size_t size;

	(void)state;
	for (size_t i = 0; i < sizeof(addresses) / sizeof(addresses[0]); i++) {
		assert_int_equal(agent_exchange(addresses[i], REQUEST, 1, &response, &size, reason),
				 -1);
		assert_non_null(strstr(reason, "is not HOST:PORT"));
	}
	assert_int_equal(agent_exchange("127.0.0.1:notaport", REQUEST, 1, &response, &size,
					reason), -1);
	assert_non_null(strstr(reason, "cannot resolve 127.0.0.1:notaport"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_response_in_pieces_by_name),
		cmocka_unit_test(test_response_of_exactly_the_cap),
		cmocka_unit_test(test_response_too_long),
		cmocka_unit_test(test_agent_says_nothing),
		cmocka_unit_test(test_agent_closes_early),
		cmocka_unit_test(test_agent_hangs_up_on_the_request),
		cmocka_unit_test(test_refused_port),
		cmocka_unit_test(test_connect_timeout),
		cmocka_unit_test(test_bad_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
