/* The ioctls of /dev/sbx (guest/driver/sbx_ioctl.h), one open per call: sbxctl
 * makes a few calls per run, and a fresh descriptor keeps each self-contained. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sbx_ioctl.h"
#include "sbxctl.h"

/* The ioctl, then the hypercall's own status: either failure is reported. */
static int device_ioctl(const char *call, unsigned long request, void *argument,
			const int32_t *status)
{
	int fd = open(SBX_DEVICE, O_RDWR | O_CLOEXEC);
	int result, saved_errno;

	if (fd < 0)
		return fail(SBXCTL_FAILED, "%s: %s (is sbx.ko loaded?)", SBX_DEVICE,
			    strerror(errno));
	result = ioctl(fd, request, argument);
	saved_errno = errno;
	close(fd);
	if (result < 0)
		return fail(SBXCTL_FAILED, "%s: ioctl: %s", call, strerror(saved_errno));
	if (*status != SBX_OK)
		return fail(SBXCTL_FAILED, "%s: hypercall failed: %s (%d)", call,
			    sbx_status_name(*status), *status);
	return SBXCTL_OK;
}

int device_version(uint64_t *abi_version, uint64_t *hypervisor_version)
{
	struct sbx_ioc_version version = { 0 };
	int status = device_ioctl("SBX_HC_VERSION", SBX_IOC_VERSION, &version,
				  &version.status);

	*abi_version = version.abi_version;
	*hypervisor_version = version.hypervisor_version;
	return status;
}

int device_securebox_call(const void *request, uint32_t request_size, void *response,
			  uint32_t response_capacity, uint32_t *response_size)
{
	struct sbx_ioc_call call = {
		.request = (uintptr_t)request,
		.response = (uintptr_t)response,
		.request_size = request_size,
		.response_capacity = response_capacity,
	};
	int status = device_ioctl("SBX_HC_SECUREBOX_CALL", SBX_IOC_SECUREBOX_CALL, &call,
				  &call.status);

	*response_size = call.response_size;
	return status;
}

int device_event_log_read(void *buffer, uint32_t capacity, uint32_t offset,
			  uint32_t *copied, uint32_t *log_size)
{
	struct sbx_ioc_event_log log = {
		.buffer = (uintptr_t)buffer,
		.capacity = capacity,
		.offset = offset,
	};
	int status = device_ioctl("SBX_HC_EVENT_LOG_READ", SBX_IOC_EVENT_LOG, &log,
				  &log.status);

	*copied = log.copied;
	*log_size = log.log_size;
	return status;
}

int device_exit_stats(struct sbx_exit_stats *stats)
{
	struct sbx_ioc_exit_stats call = {
		.stats = (uintptr_t)stats,
		.capacity = sizeof(*stats),
	};
	int status = device_ioctl("SBX_HC_EXIT_STATS", SBX_IOC_EXIT_STATS, &call, &call.status);

	if (status == SBXCTL_OK && call.size != sizeof(*stats))
		return fail(SBXCTL_FAILED, "SBX_HC_EXIT_STATS: %u bytes, expected %zu", call.size,
			    sizeof(*stats));
	return status;
}
