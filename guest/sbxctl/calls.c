/* sbxctl calls: securebox ECHO round trips from several CPUs at once, one thread
 * pinned to each, every reply checked byte for byte against a payload unique to its
 * call. It shows that the commodity partition's vCPUs may call the securebox
 * concurrently and still each get their own answer, and how many calls a second
 * they make together. */
#define _GNU_SOURCE   /* sched_getcpu, pthread_attr_setaffinity_np */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "sbx_device.h"
#include "sbx_ioctl.h"
#include "sbxctl.h"

#define CALLS_MAX     10000000u
#define PAYLOAD_WORDS 8
#define PAYLOAD_SIZE  (PAYLOAD_WORDS * 8u)
#define HEADER_SIZE   ((uint32_t)sizeof(struct sbx_service_header))

struct caller {
	pthread_t thread;
	int cpu;
	uint32_t index;   /* which thread: part of every payload */
	uint32_t calls;
	uint32_t ok, failed;
};

/* Drawn once a run, so that no reply can be one left over from another run. */
static uint64_t run_random;

/* The first failure of any thread, named on stderr once all have finished. */
static pthread_mutex_t failure_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_failure[SBX_DEVICE_ERROR_SIZE + 64];

static void record_failure(const struct caller *caller, uint32_t call, const char *what)
{
	pthread_mutex_lock(&failure_lock);
	if (!first_failure[0])
		snprintf(first_failure, sizeof(first_failure), "cpu %d, call %u: %s", caller->cpu,
			 call, what);
	pthread_mutex_unlock(&failure_lock);
}

/* splitmix64's finalizer: a bijection, so distinct inputs give distinct words. */
static uint64_t mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Every word distinct for each (thread, call, word) of a run: thread < 2^10 and
 * call < 2^24, so the counter below never wraps into another's. */
static void make_payload(uint32_t thread, uint32_t call, uint64_t payload[PAYLOAD_WORDS])
{
	uint64_t counter = ((uint64_t)thread << 32 | call) * PAYLOAD_WORDS;

	for (uint32_t word = 0; word < PAYLOAD_WORDS; word++)
		payload[word] = mix(run_random + counter + word);
}

/* One ECHO of `payload` through `fd`: 0, or -1 with `error` naming what failed.
 * Not sbx_device_service(): its buffers are static, shared by every thread. */
static int echo(int fd, const uint64_t payload[PAYLOAD_WORDS],
		char error[SBX_DEVICE_ERROR_SIZE])
{
	uint64_t request[(HEADER_SIZE + PAYLOAD_SIZE) / 8], reply[SBX_MESSAGE_MAX / 8];
	struct sbx_service_header header = {
		.version = SBX_SERVICE_PROTOCOL_VERSION,
		.service = SBX_SERVICE_ECHO,
		.length = PAYLOAD_SIZE,
	};
	struct sbx_ioc_call call = {
		.request = (uintptr_t)request,
		.response = (uintptr_t)reply,
		.request_size = sizeof(request),
		/* All a reply may be, so that a wrong one is seen here, not refused. */
		.response_capacity = sizeof(reply),
	};

	memcpy(request, &header, HEADER_SIZE);
	memcpy((uint8_t *)request + HEADER_SIZE, payload, PAYLOAD_SIZE);
	if (ioctl(fd, SBX_IOC_SECUREBOX_CALL, &call) < 0) {
		snprintf(error, SBX_DEVICE_ERROR_SIZE, "SBX_HC_SECUREBOX_CALL: ioctl: %m");
		return -1;
	}
	if (call.status != SBX_OK) {
		snprintf(error, SBX_DEVICE_ERROR_SIZE, "SBX_HC_SECUREBOX_CALL: hypercall failed: "
			 "%s (%d)", sbx_status_name(call.status), call.status);
		return -1;
	}
	if (call.response_size >= HEADER_SIZE && call.response_size <= sizeof(reply)) {
		memcpy(&header, reply, HEADER_SIZE);
		if (header.status != SBX_SERVICE_OK) {
			snprintf(error, SBX_DEVICE_ERROR_SIZE, "the securebox refused: %s (%d)",
				 sbx_service_status_name(header.status), header.status);
			return -1;
		}
		if (header.service == SBX_SERVICE_ECHO && header.length == PAYLOAD_SIZE &&
		    call.response_size == HEADER_SIZE + PAYLOAD_SIZE &&
		    !memcmp((uint8_t *)reply + HEADER_SIZE, payload, PAYLOAD_SIZE))
			return 0;
	}
	snprintf(error, SBX_DEVICE_ERROR_SIZE, "reply differs");
	return -1;
}

static void *caller_run(void *argument)
{
	struct caller *caller = argument;
	char error[SBX_DEVICE_ERROR_SIZE];
	/* One descriptor for all of the thread's calls, unlike sbx_device_ioctl()'s
	 * one a call: the calls are what is measured, not open and close. */
	int fd = caller->calls ? open(SBX_DEVICE, O_RDWR | O_CLOEXEC) : -1;

	if (caller->calls && fd < 0) {
		snprintf(error, sizeof(error), "%s: %m (is sbx.ko loaded?)", SBX_DEVICE);
		record_failure(caller, 0, error);
		caller->failed = caller->calls;
		return NULL;
	}
	for (uint32_t call = 0; call < caller->calls; call++) {
		uint64_t payload[PAYLOAD_WORDS];
		int failed, cpu;

		make_payload(caller->index, call, payload);
		failed = echo(fd, payload, error);
		/* The affinity should make this impossible; the check makes it sure. */
		cpu = sched_getcpu();
		if (!failed && cpu != caller->cpu) {
			snprintf(error, sizeof(error), "ran on cpu %d, not %d", cpu, caller->cpu);
			failed = -1;
		}
		if (failed) {
			caller->failed++;
			record_failure(caller, call, error);
		} else {
			caller->ok++;
		}
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Pinned from its first instruction on, not moved there after starting elsewhere. */
static int start_caller(struct caller *caller)
{
	pthread_attr_t attributes;
	cpu_set_t cpu;
	int error;

	CPU_ZERO(&cpu);
	CPU_SET(caller->cpu, &cpu);
	if ((error = pthread_attr_init(&attributes)))
		return error;
	error = pthread_attr_setaffinity_np(&attributes, sizeof(cpu), &cpu);
	if (!error)
		error = pthread_create(&caller->thread, &attributes, caller_run, caller);
	pthread_attr_destroy(&attributes);
	return error;
}

static int parse_count(const char *text, uint32_t *count)
{
	char *end;
	unsigned long value = 0;

	errno = 0;
	/* Digits only: strtoul alone would also take a sign or spaces. */
	if (text && *text >= '0' && *text <= '9')
		value = strtoul(text, &end, 10);
	if (!value || *end || errno || value > CALLS_MAX)
		return fail(SBXCTL_USAGE, "calls: --count takes a number from 1 to %u", CALLS_MAX);
	*count = (uint32_t)value;
	return SBXCTL_OK;
}

int command_calls(int argc, char **argv)
{
	static const char *const names[] = { "--count", "--cpus" };
	static int cpus[SBXCTL_CPUS_MAX];
	static struct caller callers[SBXCTL_CPUS_MAX];
	const char *values[2] = { 0 };
	struct timespec start, end;
	uint32_t count = 0, ok = 0, failed = 0;
	int cpu_count, started = 0, error = 0;
	double seconds;
	int status = parse_options(argc, argv, names, values, 2);

	if (status != SBXCTL_OK || (status = parse_count(values[0], &count)) != SBXCTL_OK ||
	    (status = parse_cpu_list("calls", values[1], cpus, &cpu_count)) != SBXCTL_OK)
		return status;
	/* GRND_INSECURE never blocks, even before the kernel's pool is ready: the
	 * payloads need to differ from run to run, not to be secret. */
	if (getrandom(&run_random, sizeof(run_random), GRND_INSECURE) != sizeof(run_random))
		return fail(SBXCTL_FAILED, "calls: getrandom: %s", strerror(errno));

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (; started < cpu_count; started++) {
		struct caller *caller = &callers[started];

		/* As even as can be: the first count % cpu_count threads make one more. */
		caller->cpu = cpus[started];
		caller->index = (uint32_t)started;
		caller->calls = count / cpu_count + ((uint32_t)started < count % cpu_count);
		if ((error = start_caller(caller)))
			break;
	}
	for (int i = 0; i < started; i++)
		pthread_join(callers[i].thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (error)
		return fail(SBXCTL_FAILED, "calls: starting the thread for cpu %d: %s",
			    cpus[started], strerror(error));

	seconds = (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
	for (int i = 0; i < cpu_count; i++) {
		if (json_output)
			printf("%s{\"cpu\":%d,\"ok\":%u,\"failed\":%u}", i ? "," : "{\"cpus\":[",
			       callers[i].cpu, callers[i].ok, callers[i].failed);
		else
			printf("calls cpu %d: %u ok, %u failed\n", callers[i].cpu, callers[i].ok,
			       callers[i].failed);
		ok += callers[i].ok;
		failed += callers[i].failed;
	}
	printf(json_output ? "],\"total\":%u,\"ok\":%u,\"failed\":%u,\"seconds\":%.3f,"
			     "\"per_second\":%.1f}\n"
			   : "calls total %u ok=%u failed=%u seconds=%.3f per_second=%.1f\n",
	       count, ok, failed, seconds, seconds > 0 ? count / seconds : 0);
	if (failed)
		return fail(SBXCTL_FAILED, "calls: %s", first_failure);
	return SBXCTL_OK;
}
