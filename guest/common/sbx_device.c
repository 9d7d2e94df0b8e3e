/* What sbxctl and the attestation agent both ask of /dev/sbx. One open per call:
 * neither makes many, and a fresh descriptor keeps each call self-contained. */
#include "sbx_device.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sbx/service.h"
#include "sbx/status_names.h"
#include "sbx_ioctl.h"

#define HEADER_SIZE ((uint32_t)sizeof(struct sbx_service_header))

static int fail(char error[SBX_DEVICE_ERROR_SIZE], const char *format, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(char error[SBX_DEVICE_ERROR_SIZE], const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(error, SBX_DEVICE_ERROR_SIZE, format, arguments);
	va_end(arguments);
	return -1;
}

int sbx_device_ioctl(const char *call, unsigned long request, void *argument,
		     const int32_t *status, char error[SBX_DEVICE_ERROR_SIZE])
{
	int fd = open(SBX_DEVICE, O_RDWR | O_CLOEXEC);
	int result, saved_errno;

	if (fd < 0)
		return fail(error, "%s: %s (is sbx.ko loaded?)", SBX_DEVICE, strerror(errno));
	result = ioctl(fd, request, argument);
	saved_errno = errno;
	close(fd);
	if (result < 0)
		return fail(error, "%s: ioctl: %s", call, strerror(saved_errno));
	if (*status != SBX_OK)
		return fail(error, "%s: hypercall failed: %s (%d)", call, sbx_status_name(*status),
			    *status);
	return 0;
}

int sbx_device_service(uint32_t service, const void *request, uint32_t request_size,
		       void *payload, uint32_t capacity, uint32_t *payload_size,
		       uint32_t expected_size, char error[SBX_DEVICE_ERROR_SIZE])
{
	/* uint64_t: the ABI wants 8-aligned buffers, and the driver copies ours into
	 * its own, but a header read in place needs alignment here too. */
	static uint64_t message[SBX_MESSAGE_MAX / 8], reply[SBX_MESSAGE_MAX / 8];
	struct sbx_service_header header = {
		.version = SBX_SERVICE_PROTOCOL_VERSION,
		.service = service,
		.length = request_size,
	};
	struct sbx_ioc_call call = {
		.request = (uintptr_t)message,
		.response = (uintptr_t)reply,
		.request_size = HEADER_SIZE + request_size,
		.response_capacity = sizeof(reply),
	};

	if (request_size > SBX_MESSAGE_MAX - HEADER_SIZE)
		return fail(error, "a %u-byte request does not fit a message", request_size);
	memcpy(message, &header, HEADER_SIZE);
	if (request_size)
		memcpy((uint8_t *)message + HEADER_SIZE, request, request_size);
	if (sbx_device_ioctl("SBX_HC_SECUREBOX_CALL", SBX_IOC_SECUREBOX_CALL, &call, &call.status,
			     error))
		return -1;

	if (call.response_size < HEADER_SIZE || call.response_size > sizeof(reply))
		return fail(error, "the securebox replied with %u bytes", call.response_size);
	memcpy(&header, reply, HEADER_SIZE);
	if (header.status != SBX_SERVICE_OK)
		return fail(error, "the securebox refused: %s (%d)",
			    sbx_service_status_name(header.status), header.status);
	if (header.service != service || header.length != call.response_size - HEADER_SIZE)
		return fail(error, "a malformed reply (service %u, length %u of %u)",
			    header.service, header.length, call.response_size - HEADER_SIZE);
	if (header.length > capacity || (expected_size && header.length != expected_size))
		return fail(error, "a %u-byte reply where %u were expected", header.length,
			    expected_size ? expected_size : capacity);
	memcpy(payload, (uint8_t *)reply + HEADER_SIZE, header.length);
	*payload_size = header.length;
	return 0;
}

/* The hypercall hands out at most SBX_MESSAGE_MAX bytes a time, and each reply
 * tells the log's whole size, which only grows. */
int sbx_device_event_log(size_t size_max, uint8_t **log, size_t *size,
			 char error[SBX_DEVICE_ERROR_SIZE])
{
	static uint8_t chunk[SBX_MESSAGE_MAX];
	size_t have = 0;
	uint32_t total = 0;
	uint8_t *bytes = NULL;

	do {
		struct sbx_ioc_event_log call = {
			.buffer = (uintptr_t)chunk,
			.capacity = sizeof(chunk),
			.offset = (uint32_t)have,
		};
		uint8_t *grown;
		size_t grown_size;

		if (sbx_device_ioctl("SBX_HC_EVENT_LOG_READ", SBX_IOC_EVENT_LOG, &call,
				     &call.status, error))
			goto failed;
		total = call.log_size;
		if (total > size_max) {
			fail(error, "SBX_HC_EVENT_LOG_READ: a %u-byte log, over %zu", total,
			     size_max);
			goto failed;
		}
		if (total < have || call.copied > sizeof(chunk) || call.copied > total - have ||
		    (!call.copied && have < total)) {
			fail(error, "SBX_HC_EVENT_LOG_READ: %u bytes at offset %zu of a %u-byte log",
			     call.copied, have, total);
			goto failed;
		}
		grown_size = have + call.copied;
		grown = realloc(bytes, grown_size ? grown_size : 1);
		if (!grown) {
			fail(error, "SBX_HC_EVENT_LOG_READ: out of memory");
			goto failed;
		}
		bytes = grown;
		memcpy(bytes + have, chunk, call.copied);
		have += call.copied;
	} while (have < total);
	*log = bytes;
	*size = have;
	return 0;
failed:
	free(bytes);
	return -1;
}
