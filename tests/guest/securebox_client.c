#include <string.h>

#include "report.h"
#include "securebox_client.h"

static struct securebox_message request, response;

void securebox_request(struct securebox_message *message, uint32_t service,
		       uint32_t payload_size)
{
	message->header = (struct sbx_service_header){
		.version = SBX_SERVICE_PROTOCOL_VERSION,
		.service = service,
		.length = payload_size,
	};
	if (service == SBX_SERVICE_ECHO)
		for (uint32_t i = 0; i < payload_size; i++)
			message->payload[i] = (uint8_t)(i * 7 + 1);
}

struct hypercall_result securebox_call(const struct securebox_message *message,
				       struct securebox_message *answer)
{
	return hypercall(SBX_HC_SECUREBOX_CALL, (uint64_t)message,
			 sizeof(message->header) + message->header.length, (uint64_t)answer,
			 sizeof(*answer));
}

/* Checks the round trip and the response header; the payload is the caller's. */
static bool call_and_check(uint32_t service, uint32_t payload_size, uint32_t response_length)
{
	struct hypercall_result result;

	securebox_request(&request, service, payload_size);
	memset(&response, 0, sizeof(response));
	result = securebox_call(&request, &response);
	if (result.status != SBX_OK)
		return fail("SBX_HC_SECUREBOX_CALL for service %u returned %s (%ld)", service,
			    hypercall_status_name(result.status), result.status);
	if (result.rdi != sizeof(response.header) + response_length)
		return fail("service %u: response size %lu, expected %lu", service, result.rdi,
			    sizeof(response.header) + response_length);
	if (response.header.version != SBX_SERVICE_PROTOCOL_VERSION ||
	    response.header.status != SBX_SERVICE_OK ||
	    response.header.length != response_length)
		return fail("service %u: response header version %u status %d length %u",
			    service, response.header.version, response.header.status,
			    response.header.length);
	return true;
}

bool check_securebox_version(void)
{
	struct sbx_version_response version;

	if (!call_and_check(SBX_SERVICE_VERSION, 0, sizeof(version)))
		return false;
	memcpy(&version, response.payload, sizeof(version));
	if (version.securebox_version != SBX_SECUREBOX_VERSION ||
	    version.protocol_version != SBX_SERVICE_PROTOCOL_VERSION)
		return fail("VERSION answered securebox 0x%x protocol %u, expected 0x%x and %u",
			    version.securebox_version, version.protocol_version,
			    SBX_SECUREBOX_VERSION, SBX_SERVICE_PROTOCOL_VERSION);
	return true;
}

bool check_securebox_echo(uint32_t payload_size)
{
	if (!call_and_check(SBX_SERVICE_ECHO, payload_size, payload_size))
		return false;
	if (memcmp(response.payload, request.payload, payload_size))
		return fail("ECHO returned a different %u-byte payload", payload_size);
	return true;
}
