/* /dev/sbx (guest/driver/sbx_ioctl.h) for the programs in the commodity OS, sbxctl
 * and sbx-agent: one ioctl on a fresh descriptor, a securebox service call with its
 * reply's header checked, and the hypervisor's event log read whole. Each returns
 * 0, or -1 with `error` naming what failed: the errno, the hypercall's status or
 * the securebox's. */
#ifndef SBX_DEVICE_H
#define SBX_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#define SBX_DEVICE_ERROR_SIZE 160

/* `call` names the hypercall in `error`; `status` points into `argument`, at the
 * hypercall's status that the driver fills in. */
int sbx_device_ioctl(const char *call, unsigned long request, void *argument,
		     const int32_t *status, char error[SBX_DEVICE_ERROR_SIZE]);

/* Sends `request` (`request_size` bytes, no header) to securebox service `service`.
 * The reply's payload goes to `payload` (at most `capacity` bytes), its size to
 * `*payload_size`; one of another size than `expected_size` (unless 0: any size)
 * is refused. */
int sbx_device_service(uint32_t service, const void *request, uint32_t request_size,
		       void *payload, uint32_t capacity, uint32_t *payload_size,
		       uint32_t expected_size, char error[SBX_DEVICE_ERROR_SIZE]);

/* The hypervisor's event log, into a malloc'ed buffer; a log longer than
 * `size_max` bytes is refused. */
int sbx_device_event_log(size_t size_max, uint8_t **log, size_t *size,
			 char error[SBX_DEVICE_ERROR_SIZE]);

#endif
