/* Unit tests for guest/common/sbx_device.c against a scripted driver: a good reply
 * and a good log go through, and every reply or log a broken driver could hand
 * back is refused with a message, never read past its buffer (AddressSanitizer
 * watches the copies). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbx/service.h"
#include "sbx/hypercall.h"
#include "sbx_device.h"
#include "sbx_ioctl.h"

#define FAKE_FD 4242
#define LOG_SIZE 10000   /* more than one SBX_MESSAGE_MAX chunk */

/* What the fake driver does. */
static struct {
	bool missing;                /* open() fails */
	int32_t hypercall_status;
	/* SBX_HC_SECUREBOX_CALL: the reply's header and the response size claimed. */
	struct sbx_service_header reply;
	uint32_t response_size;
	/* SBX_HC_EVENT_LOG_READ */
	uint8_t log[LOG_SIZE];
	uint32_t log_size;
	uint32_t shrink_at;          /* report a smaller log once past this offset */
	bool stall;                  /* copy nothing */
} driver;

int __real_open(const char *path, int flags, ...);
int __real_close(int fd);

int __wrap_open(const char *path, int flags, ...)
{
	if (strcmp(path, SBX_DEVICE) != 0)
		return __real_open(path, flags);
	if (driver.missing) {
		errno = ENOENT;
		return -1;
	}
	return FAKE_FD;
}

int __wrap_close(int fd)
{
	return fd == FAKE_FD ? 0 : __real_close(fd);
}

static void securebox_call(struct sbx_ioc_call *call)
{
	uint8_t *response = (uint8_t *)(uintptr_t)call->response;

	call->status = driver.hypercall_status;
	call->response_size = driver.response_size;
	memcpy(response, &driver.reply, sizeof(driver.reply));
	memset(response + sizeof(driver.reply), 0x5a,
	       call->response_capacity - sizeof(driver.reply));
}

static void event_log_read(struct sbx_ioc_event_log *call)
{
	uint32_t left = call->offset < driver.log_size ? driver.log_size - call->offset : 0;
	uint32_t copied = left < call->capacity ? left : call->capacity;

	if (driver.stall)
		copied = 0;
	memcpy((uint8_t *)(uintptr_t)call->buffer, driver.log + call->offset, copied);
	call->copied = copied;
	call->log_size = driver.shrink_at && call->offset >= driver.shrink_at ?
				 driver.shrink_at - 1 : driver.log_size;
	call->status = driver.hypercall_status;
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list arguments;
	void *argument;

	assert_int_equal(fd, FAKE_FD);
	va_start(arguments, request);
	argument = va_arg(arguments, void *);
	va_end(arguments);
	if (request == SBX_IOC_SECUREBOX_CALL)
		securebox_call(argument);
	else if (request == SBX_IOC_EVENT_LOG)
		event_log_read(argument);
	else
		fail_msg("unexpected ioctl 0x%lx", request);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	memset(&driver, 0, sizeof(driver));
	driver.hypercall_status = SBX_OK;
	driver.reply = (struct sbx_service_header){
		.version = SBX_SERVICE_PROTOCOL_VERSION,
		.service = SBX_SERVICE_REPORT,
		.status = SBX_SERVICE_OK,
		.length = 100,
	};
	driver.response_size = sizeof(driver.reply) + 100;
	for (size_t i = 0; i < sizeof(driver.log); i++)
		driver.log[i] = (uint8_t)(i * 7);
	driver.log_size = LOG_SIZE;
	return 0;
}

static int call_report(uint8_t payload[200], uint32_t *size, char error[SBX_DEVICE_ERROR_SIZE])
{
	static const uint8_t request[8];

	return sbx_device_service(SBX_SERVICE_REPORT, request, sizeof(request), payload, 200,
				  size, 100, error);
}

static void expect_service_refused(const char *expected)
{
	char error[SBX_DEVICE_ERROR_SIZE] = "";
	uint8_t payload[200];
	uint32_t size = 0;

	assert_int_equal(call_report(payload, &size, error), -1);
	if (!strstr(error, expected))
		fail_msg("error \"%s\" does not contain \"%s\"", error, expected);
}

static void test_service_reply(void **state)
{
	char error[SBX_DEVICE_ERROR_SIZE] = "";
	uint8_t payload[200];
	uint32_t size = 0;

	(void)state;
	assert_int_equal(call_report(payload, &size, error), 0);
	assert_int_equal(size, 100);
	assert_int_equal(payload[0], 0x5a);
	assert_int_equal(payload[99], 0x5a);
}

static void test_service_refusals(void **state)
{
	(void)state;
	driver.missing = true;
	expect_service_refused("/dev/sbx: No such file or directory (is sbx.ko loaded?)");
	reset(state);
	driver.hypercall_status = SBX_E_INVALID_ARGUMENT;
	expect_service_refused("SBX_HC_SECUREBOX_CALL: hypercall failed: ");
	reset(state);
	driver.reply.status = SBX_SERVICE_E_USAGE;
	expect_service_refused("the securebox refused: SBX_SERVICE_E_USAGE");
	reset(state);
	driver.reply.service = SBX_SERVICE_VERSION;
	expect_service_refused("a malformed reply");
	reset(state);
	driver.reply.length = 99;
	expect_service_refused("a malformed reply");
	reset(state);
	driver.reply.length = 101;
	driver.response_size++;
	expect_service_refused("a 101-byte reply where 100 were expected");
	reset(state);
	driver.response_size = 4;
	expect_service_refused("the securebox replied with 4 bytes");
}

/* A driver claiming a reply longer than the reply buffer, consistent with its
 * header: a caller that takes any size up to a whole message would have its copy
 * run past the buffer. */
static void test_service_reply_over_the_buffer(void **state)
{
	static uint8_t payload[SBX_MESSAGE_MAX];
	char error[SBX_DEVICE_ERROR_SIZE] = "";
	uint32_t size = 0;

	(void)state;
	driver.reply.length = SBX_MESSAGE_MAX;
	driver.response_size = sizeof(driver.reply) + SBX_MESSAGE_MAX;
	assert_int_equal(sbx_device_service(SBX_SERVICE_REPORT, NULL, 0, payload,
					    sizeof(payload), &size, 0, error),
			 -1);
	assert_non_null(strstr(error, "the securebox replied with"));
}

static void test_event_log_whole(void **state)
{
	char error[SBX_DEVICE_ERROR_SIZE] = "";
	uint8_t *log = NULL;
	size_t size = 0;

	(void)state;
	assert_int_equal(sbx_device_event_log(LOG_SIZE, &log, &size, error), 0);
	assert_int_equal(size, LOG_SIZE);
	assert_memory_equal(log, driver.log, LOG_SIZE);
	free(log);
}

static void expect_log_refused(size_t size_max, const char *expected)
{
	char error[SBX_DEVICE_ERROR_SIZE] = "";
	uint8_t *log = NULL;
	size_t size = 0;

	assert_int_equal(sbx_device_event_log(size_max, &log, &size, error), -1);
	assert_null(log);
	if (!strstr(error, expected))
		fail_msg("error \"%s\" does not contain \"%s\"", error, expected);
}

static void test_event_log_refusals(void **state)
{
	(void)state;
	expect_log_refused(LOG_SIZE - 1, "a 10000-byte log, over 9999");
	driver.shrink_at = SBX_MESSAGE_MAX;
	expect_log_refused(LOG_SIZE, "of a");
	reset(state);
	driver.stall = true;
	expect_log_refused(LOG_SIZE, "0 bytes at offset 0 of a 10000-byte log");
	reset(state);
	driver.hypercall_status = SBX_E_INVALID_ARGUMENT;
	expect_log_refused(LOG_SIZE, "SBX_HC_EVENT_LOG_READ: hypercall failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_service_reply, reset),
		cmocka_unit_test_setup(test_service_refusals, reset),
		cmocka_unit_test_setup(test_service_reply_over_the_buffer, reset),
		cmocka_unit_test_setup(test_event_log_whole, reset),
		cmocka_unit_test_setup(test_event_log_refusals, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
