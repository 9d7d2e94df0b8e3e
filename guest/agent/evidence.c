/* The evidence besides the quote: SeaBIOS's event log as Linux exports it, the
 * hypervisor's event log and the securebox's REPORT, both through /dev/sbx
 * (guest/common/sbx_device.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "sbx_device.h"

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

/* The hypervisor's log, as /dev/sbx hands it out. */
int hv_log_read(struct buffer *log, char error[AGENT_ERROR_SIZE])
{
	*log = (struct buffer){ NULL, 0 };
	return sbx_device_event_log(AGENT_LOG_MAX, &log->bytes, &log->size, error);
}

/* The securebox's REPORT for `nonce`, user_data all zero. */
int securebox_report(const uint8_t nonce[SBX_NONCE_SIZE], struct buffer *report,
		     char error[AGENT_ERROR_SIZE])
{
	struct sbx_report_request request = { 0 };
	char detail[SBX_DEVICE_ERROR_SIZE];
	uint32_t size;

	*report = (struct buffer){ malloc(sizeof(struct sbx_report)), 0 };
	if (!report->bytes)
		return snprintf(error, AGENT_ERROR_SIZE, "out of memory"), -1;
	memcpy(request.nonce, nonce, SBX_NONCE_SIZE);
	if (sbx_device_service(SBX_SERVICE_REPORT, &request, sizeof(request), report->bytes,
			       sizeof(struct sbx_report), &size, sizeof(struct sbx_report),
			       detail)) {
		buffer_free(report);
		snprintf(error, AGENT_ERROR_SIZE, "REPORT: %.*s", AGENT_ERROR_SIZE - 9, detail);
		return -1;
	}
	report->size = size;
	return 0;
}
