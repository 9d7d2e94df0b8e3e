/* Unit tests for the agent's connection deadlines (guest/agent/connection.c): a
 * client that trickles its request, or reads its response a byte at a time, costs
 * the agent its deadline and no more; one that went away costs a failed send, not
 * SIGPIPE. Each peer is the other end of a socket pair, driven by a thread. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "connection.h"

#define TRICKLE_MILLISECONDS 50
#define DEADLINE_MILLISECONDS 500
/* Past the deadline by this much is still the deadline: one poll's slack. */
#define SLACK_MILLISECONDS 400

struct trickle {
	int fd;
	bool writes;             /* else reads */
	volatile bool stop;
};

/* Sends or reads one byte every TRICKLE_MILLISECONDS until told to stop. */
static void *trickle_run(void *argument)
{
	struct trickle *trickle = argument;
	char byte = 'x';

	while (!trickle->stop) {
		ssize_t moved = trickle->writes ? send(trickle->fd, &byte, 1, MSG_NOSIGNAL) :
						  recv(trickle->fd, &byte, 1, MSG_DONTWAIT);

		if (moved == 0 || (moved < 0 && trickle->writes))
			break;
		usleep(TRICKLE_MILLISECONDS * 1000);
	}
	return NULL;
}

/* The call under test began at `start` and has returned: at its deadline. */
static void trickle_end(struct trickle *trickle, pthread_t thread, long long start,
			const int fds[2])
{
	long long elapsed = now_milliseconds() - start;

	assert_true(elapsed >= DEADLINE_MILLISECONDS);
	assert_true(elapsed < DEADLINE_MILLISECONDS + SLACK_MILLISECONDS);
	trickle->stop = true;
	pthread_join(thread, NULL);
	close(fds[0]);
	close(fds[1]);
}

static void socket_pair(int fds[2])
{
	int small = 4096;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	/* Small buffers, so that a large response cannot vanish into them. */
	assert_int_equal(setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	assert_int_equal(setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
}

static void test_trickled_request_ends_at_the_deadline(void **state)
{
	struct trickle trickle = { .writes = true };
	char line[4096];
	size_t length = 0;
	pthread_t thread;
	long long start;
	int fds[2];

	(void)state;
	socket_pair(fds);
	trickle.fd = fds[1];
	assert_int_equal(pthread_create(&thread, NULL, trickle_run, &trickle), 0);
	start = now_milliseconds();
	assert_int_equal(request_read(fds[0], line, sizeof(line), &length,
				      start + DEADLINE_MILLISECONDS),
			 REQUEST_TIMED_OUT);
	trickle_end(&trickle, thread, start, fds);
}

/* Before the fix, a send timeout bounded each send only: a reader taking a byte
 * now and then held the agent until the whole response had gone. */
static void test_trickling_reader_ends_at_the_deadline(void **state)
{
	const size_t size = 1u << 20;
	struct trickle trickle = { .writes = false };
	char *response = malloc(size);
	pthread_t thread;
	long long start;
	int fds[2];

	(void)state;
	assert_non_null(response);
	memset(response, 'r', size);
	socket_pair(fds);
	trickle.fd = fds[1];
	assert_int_equal(pthread_create(&thread, NULL, trickle_run, &trickle), 0);
	start = now_milliseconds();
	assert_int_equal(response_send(fds[0], response, size, start + DEADLINE_MILLISECONDS), -1);
	trickle_end(&trickle, thread, start, fds);
	free(response);
}

static void test_request_lines(void **state)
{
	static const char two_lines[] = "{\"a\":1}\n{\"b\":2}\n";
	char line[16], long_line[sizeof(line)];
	size_t length = 0;
	int fds[2];

	(void)state;
	socket_pair(fds);
	assert_int_equal(send(fds[1], two_lines, sizeof(two_lines) - 1, 0),
			 (ssize_t)sizeof(two_lines) - 1);
	assert_int_equal(request_read(fds[0], line, sizeof(line), &length,
				      now_milliseconds() + DEADLINE_MILLISECONDS),
			 REQUEST_LINE);
	assert_int_equal(length, 7);
	assert_memory_equal(line, "{\"a\":1}", 7);
	close(fds[0]);
	close(fds[1]);

	socket_pair(fds);
	memset(long_line, 'x', sizeof(long_line));
	assert_int_equal(send(fds[1], long_line, sizeof(long_line), 0), (ssize_t)sizeof(long_line));
	assert_int_equal(request_read(fds[0], line, sizeof(line), &length,
				      now_milliseconds() + DEADLINE_MILLISECONDS),
			 REQUEST_TOO_LONG);
	close(fds[1]);
	assert_int_equal(request_read(fds[0], line, sizeof(line), &length,
				      now_milliseconds() + DEADLINE_MILLISECONDS),
			 REQUEST_CLOSED);
	close(fds[0]);
}

/* SIGPIPE's default action would end the test, as it would the agent. */
static void test_send_to_a_closed_peer_fails(void **state)
{
	int fds[2];

	(void)state;
	socket_pair(fds);
	close(fds[1]);
	assert_int_equal(response_send(fds[0], "{}\n", 3, now_milliseconds() + 100), -1);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trickled_request_ends_at_the_deadline),
		cmocka_unit_test(test_trickling_reader_ends_at_the_deadline),
		cmocka_unit_test(test_request_lines),
		cmocka_unit_test(test_send_to_a_closed_peer_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
