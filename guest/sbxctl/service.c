/* A securebox service call: header, payload, and the reply's header checked. */
#include <string.h>

#include "sbxctl.h"

#define HEADER_SIZE ((uint32_t)sizeof(struct sbx_service_header))

int securebox_service(uint32_t service, const void *request, uint32_t request_size,
		      void *payload, uint32_t capacity, uint32_t *payload_size,
		      uint32_t expected_size)
{
	/* uint64_t: the ABI wants 8-aligned buffers, and the driver copies ours into
	 * its own, but a header read in place needs alignment here too. */
	static uint64_t message[SBX_MESSAGE_MAX / 8], reply[SBX_MESSAGE_MAX / 8];
	struct sbx_service_header header = {
		.version = SBX_SERVICE_PROTOCOL_VERSION,
		.service = service,
		.length = request_size,
	};
	uint32_t reply_size;
	int status;

	if (request_size > SBX_MESSAGE_MAX - HEADER_SIZE)
		return fail(SBXCTL_FAILED, "a %u-byte request does not fit a message",
			    request_size);
	memcpy(message, &header, HEADER_SIZE);
	if (request_size)
		memcpy((uint8_t *)message + HEADER_SIZE, request, request_size);
	status = device_securebox_call(message, HEADER_SIZE + request_size, reply,
				       sizeof(reply), &reply_size);
	if (status != SBXCTL_OK)
		return status;

	if (reply_size < HEADER_SIZE)
		return fail(SBXCTL_FAILED, "the securebox replied with %u bytes", reply_size);
	memcpy(&header, reply, HEADER_SIZE);
	if (header.status != SBX_SERVICE_OK)
		return fail(SBXCTL_FAILED, "the securebox refused: %s (%d)",
			    sbx_service_status_name(header.status), header.status);
	if (header.service != service || header.length != reply_size - HEADER_SIZE)
		return fail(SBXCTL_FAILED, "a malformed reply (service %u, length %u of %u)",
			    header.service, header.length, reply_size - HEADER_SIZE);
	if (header.length > capacity || (expected_size && header.length != expected_size))
		return fail(SBXCTL_FAILED, "a %u-byte reply where %u were expected",
			    header.length, expected_size ? expected_size : capacity);
	memcpy(payload, (uint8_t *)reply + HEADER_SIZE, header.length);
	*payload_size = header.length;
	return SBXCTL_OK;
}
