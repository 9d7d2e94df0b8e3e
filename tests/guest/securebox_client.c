#include <string.h>

#include "report.h"
#include "securebox_client.h"

#define HEADER_SIZE sizeof(struct sbx_service_header)

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

const char *service_name(uint32_t service)
{
	switch (service) {
	case SBX_SERVICE_VERSION:
		return "VERSION";
	case SBX_SERVICE_ECHO:
		return "ECHO";
	case SBX_SERVICE_REPORT:
		return "REPORT";
	case SBX_SERVICE_KEY_CREATE:
		return "KEY_CREATE";
	case SBX_SERVICE_KEY_SIGN:
		return "KEY_SIGN";
	case SBX_SERVICE_KEY_PUBLIC:
		return "KEY_PUBLIC";
	case SBX_SERVICE_SEAL:
		return "SEAL";
	case SBX_SERVICE_UNSEAL:
		return "UNSEAL";
	}
	return "an unknown service";
}

/* <sbx/service.h> numbers its errors from -1 down, without gaps. */
bool service_status_is_error(int32_t status)
{
	return status <= SBX_SERVICE_E_MALFORMED && status >= SBX_SERVICE_E_CRYPTO;
}

bool securebox_service(uint32_t service, const void *payload, uint32_t payload_size,
		       struct service_answer *answer)
{
	const char *name = service_name(service);
	struct hypercall_result result;

	if (payload_size > SECUREBOX_PAYLOAD_MAX)
		return fail("a %u-byte %s payload does not fit a message", payload_size, name);
	request.header = (struct sbx_service_header){
		.version = SBX_SERVICE_PROTOCOL_VERSION,
		.service = service,
		.length = payload_size,
	};
	if (payload_size)
		memcpy(request.payload, payload, payload_size);
	memset(&response, 0, sizeof(response));

	result = securebox_call(&request, &response);
	if (result.status != SBX_OK)
		return fail("SBX_HC_SECUREBOX_CALL for %s returned %s (%ld)", name,
			    sbx_status_name(result.status), result.status);
	if (result.rdi < HEADER_SIZE || result.rdi > sizeof(response))
		return fail("%s: a %lu-byte response", name, result.rdi);
	if (response.header.version != SBX_SERVICE_PROTOCOL_VERSION ||
	    response.header.service != service)
		return fail("%s: the response names protocol version %u and service %u", name,
			    response.header.version, response.header.service);
	if (result.rdi != HEADER_SIZE + response.header.length)
		return fail("%s: a %lu-byte response whose header gives a %u-byte payload",
			    name, result.rdi, response.header.length);
	if (response.header.status != SBX_SERVICE_OK &&
	    !service_status_is_error(response.header.status))
		return fail("%s: undefined status %d", name, response.header.status);
	if (response.header.status != SBX_SERVICE_OK && response.header.length)
		return fail("%s: %s with a %u-byte payload", name,
			    sbx_service_status_name(response.header.status), response.header.length);
	*answer = (struct service_answer){
		.status = response.header.status,
		.length = response.header.length,
		.payload = response.payload,
	};
	return true;
}

bool securebox_expect_ok(uint32_t service, const void *payload, uint32_t payload_size,
			 void *answer, uint32_t answer_size)
{
	struct service_answer got;

	if (!securebox_service(service, payload, payload_size, &got))
		return false;
	if (got.status != SBX_SERVICE_OK)
		return fail("%s answered %s", service_name(service), sbx_service_status_name(got.status));
	if (got.length != answer_size)
		return fail("%s answered %u bytes, not %u", service_name(service), got.length,
			    answer_size);
	memcpy(answer, got.payload, answer_size);
	return true;
}

bool securebox_expect_error(uint32_t service, const void *payload, uint32_t payload_size,
			    int32_t expected)
{
	struct service_answer got;

	if (!securebox_service(service, payload, payload_size, &got))
		return false;
	if (got.status != expected)
		return fail("%s answered %s, not %s", service_name(service),
			    sbx_service_status_name(got.status), sbx_service_status_name(expected));
	return true;
}

bool check_securebox_version(void)
{
	struct sbx_version_response version;

	if (!securebox_expect_ok(SBX_SERVICE_VERSION, NULL, 0, &version, sizeof(version)))
		return false;
	if (version.securebox_version != SBX_SECUREBOX_VERSION ||
	    version.protocol_version != SBX_SERVICE_PROTOCOL_VERSION)
		return fail("VERSION answered securebox 0x%x protocol %u, expected 0x%x and %u",
			    version.securebox_version, version.protocol_version,
			    SBX_SECUREBOX_VERSION, SBX_SERVICE_PROTOCOL_VERSION);
	return true;
}

bool check_securebox_echo(uint32_t payload_size)
{
	static struct securebox_message sent;
	static uint8_t echoed[SECUREBOX_PAYLOAD_MAX];

	securebox_request(&sent, SBX_SERVICE_ECHO, payload_size);
	if (!securebox_expect_ok(SBX_SERVICE_ECHO, sent.payload, payload_size, echoed,
				 payload_size))
		return false;
	if (memcmp(echoed, sent.payload, payload_size))
		return fail("ECHO returned a different %u-byte payload", payload_size);
	return true;
}
