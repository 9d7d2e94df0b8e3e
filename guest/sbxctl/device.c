/* /dev/sbx for sbxctl: guest/common/sbx_device.c does the calls, and each failure
 * is reported here in sbxctl's way, as an exit status and a message. */
#include "sbx_device.h"
#include "sbx_ioctl.h"
#include "sbxctl.h"

/* The ioctl, then the hypercall's own status: either failure is reported. */
static int device_ioctl(const char *call, unsigned long request, void *argument,
			const int32_t *status)
{
	char error[SBX_DEVICE_ERROR_SIZE];

	if (sbx_device_ioctl(call, request, argument, status, error))
		return fail(SBXCTL_FAILED, "%s", error);
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

int securebox_service(uint32_t service, const void *request, uint32_t request_size,
		      void *payload, uint32_t capacity, uint32_t *payload_size,
		      uint32_t expected_size)
{
	char error[SBX_DEVICE_ERROR_SIZE];

	if (sbx_device_service(service, request, request_size, payload, capacity, payload_size,
			       expected_size, error))
		return fail(SBXCTL_FAILED, "%s", error);
	return SBXCTL_OK;
}

int device_event_log(uint8_t **log, size_t *size)
{
	char error[SBX_DEVICE_ERROR_SIZE];

	if (sbx_device_event_log(SBXCTL_EVENT_LOG_MAX, log, size, error))
		return fail(SBXCTL_FAILED, "eventlog: %s", error);
	return SBXCTL_OK;
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
