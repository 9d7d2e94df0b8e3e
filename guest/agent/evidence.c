/* The evidence besides the quote: SeaBIOS's event log as Linux exports it, the
 * hypervisor's event log and the securebox's REPORT, both through /dev/sbx
 * (guest/driver/sbx_ioctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "agent.h"
#include "sbx/status_names.h"
#include "sbx_ioctl.h"

#define FIRMWARE_LOG "/sys/kernel/security/tpm0/binary_bios_measurements"

/* securityfs reports a size of 0, so the file is read until its end. */
int firmware_log_read(struct buffer *log, char error[AGENT_ERROR_SIZE])
{
	int fd = open(FIRMWARE_LOG, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0) {
		snprintf(error, AGENT_ERROR_SIZE, "%s: %s", FIRMWARE_LOG, strerror(errno));
		return -1;
	}
	log->size = 0;
	log->bytes = malloc(AGENT_LOG_MAX);
	if (!log->bytes) {
		close(fd);
		return snprintf(error, AGENT_ERROR_SIZE, "out of memory"), -1;
	}
	do {
		got = read(fd, log->bytes + log->size, AGENT_LOG_MAX - log->size);
		if (got > 0)
			log->size += (size_t)got;
	} while ((got > 0 || (got < 0 && errno == EINTR)) && log->size < AGENT_LOG_MAX);
	if (got < 0)
		snprintf(error, AGENT_ERROR_SIZE, "%s: %s", FIRMWARE_LOG, strerror(errno));
	else if (log->size == AGENT_LOG_MAX)
		snprintf(error, AGENT_ERROR_SIZE, "%s: larger than %u bytes", FIRMWARE_LOG,
			 AGENT_LOG_MAX);
	close(fd);
	if (got < 0 || log->size == AGENT_LOG_MAX) {
		buffer_free(log);
		return -1;
	}
	return 0;
}

/* One ioctl on a fresh descriptor; a failure of the driver (errno) or of the
 * hypercall (its status) is named in `error`. */
static int sbx_ioctl(const char *call, unsigned long request, void *argument,
		     const int32_t *status, char error[AGENT_ERROR_SIZE])
{
	int fd = open(SBX_DEVICE, O_RDWR | O_CLOEXEC);
	int result, saved_errno;

	if (fd < 0) {
		snprintf(error, AGENT_ERROR_SIZE, "%s: %s (is sbx.ko loaded?)", SBX_DEVICE,
			 strerror(errno));
		return -1;
	}
	result = ioctl(fd, request, argument);
	saved_errno = errno;
	close(fd);
	if (result < 0) {
		snprintf(error, AGENT_ERROR_SIZE, "%s: %s", call, strerror(saved_errno));
		return -1;
	}
	if (*status != SBX_OK) {
		snprintf(error, AGENT_ERROR_SIZE, "%s: hypercall failed: %s (%d)", call,
			 sbx_status_name(*status), *status);
		return -1;
	}
	return 0;
}

/* The hypercall hands out at most SBX_MESSAGE_MAX bytes a time. */
int hv_log_read(struct buffer *log, char error[AGENT_ERROR_SIZE])
{
	static uint8_t chunk[SBX_MESSAGE_MAX];
	uint32_t total = 0;

	log->size = 0;
	log->bytes = malloc(AGENT_LOG_MAX);
	if (!log->bytes)
		return snprintf(error, AGENT_ERROR_SIZE, "out of memory"), -1;
	do {
		struct sbx_ioc_event_log call = {
			.buffer = (uintptr_t)chunk,
			.capacity = sizeof(chunk),
			.offset = (uint32_t)log->size,
		};

		if (sbx_ioctl("SBX_HC_EVENT_LOG_READ", SBX_IOC_EVENT_LOG, &call, &call.status,
			      error))
			goto failed;
		total = call.log_size;
		/* The log only grows, and only the hypervisor says how far. */
		if (total > AGENT_LOG_MAX || total < log->size || call.copied > sizeof(chunk) ||
		    call.copied > total - log->size || (!call.copied && log->size < total)) {
			snprintf(error, AGENT_ERROR_SIZE, "SBX_HC_EVENT_LOG_READ: %u bytes at "
				 "offset %zu of a %u-byte log", call.copied, log->size, total);
			goto failed;
		}
		memcpy(log->bytes + log->size, chunk, call.copied);
		log->size += call.copied;
	} while (log->size < total);
	return 0;
failed:
	buffer_free(log);
	return -1;
}

int securebox_report(const uint8_t nonce[SBX_NONCE_SIZE], struct buffer *report,
		     char error[AGENT_ERROR_SIZE])
{
	/* uint64_t: the hypercall ABI wants 8-aligned buffers. */
	static uint64_t message[SBX_MESSAGE_MAX / 8], reply[SBX_MESSAGE_MAX / 8];
	const uint32_t header_size = sizeof(struct sbx_service_header);
	struct sbx_service_header header = {
		.version = SBX_SERVICE_PROTOCOL_VERSION,
		.service = SBX_SERVICE_REPORT,
		.length = sizeof(struct sbx_report_request),
	};
	struct sbx_report_request request = { 0 };   /* user_data all zero */
	struct sbx_ioc_call call = {
		.request = (uintptr_t)message,
		.response = (uintptr_t)reply,
		.request_size = header_size + sizeof(request),
		.response_capacity = sizeof(reply),
	};

	memcpy(request.nonce, nonce, SBX_NONCE_SIZE);
	memcpy(message, &header, header_size);
	memcpy((uint8_t *)message + header_size, &request, sizeof(request));
	if (sbx_ioctl("SBX_HC_SECUREBOX_CALL", SBX_IOC_SECUREBOX_CALL, &call, &call.status,
		      error))
		return -1;
	if (call.response_size < header_size) {
		snprintf(error, AGENT_ERROR_SIZE, "REPORT: a %u-byte reply", call.response_size);
		return -1;
	}
	memcpy(&header, reply, header_size);
	if (header.status != SBX_SERVICE_OK) {
		snprintf(error, AGENT_ERROR_SIZE, "REPORT: the securebox refused: %s (%d)",
			 sbx_service_status_name(header.status), header.status);
		return -1;
	}
	if (header.service != SBX_SERVICE_REPORT ||
	    header.length != call.response_size - header_size ||
	    header.length != sizeof(struct sbx_report)) {
		snprintf(error, AGENT_ERROR_SIZE, "REPORT: a malformed reply (service %u, "
			 "%u bytes)", header.service, header.length);
		return -1;
	}
	report->bytes = malloc(header.length);
	if (!report->bytes)
		return snprintf(error, AGENT_ERROR_SIZE, "out of memory"), -1;
	memcpy(report->bytes, (uint8_t *)reply + header_size, header.length);
	report->size = header.length;
	return 0;
}
