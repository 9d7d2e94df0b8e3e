/* Request validation and the services themselves. The request buffer holds bytes
 * the commodity OS chose: nothing in it is trusted until checked, and it is read
 * through memcpy so that no alignment is assumed. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sbx/hypercall.h"
#include "sbx/service.h"
#include "service.h"

#define HEADER_SIZE sizeof(struct sbx_service_header)

/* Writes the response header for `request_header` (a zeroed one when the request
 * was too short to have a header) and returns the response size. */
static size_t respond(uint8_t *response, const struct sbx_service_header *request_header,
		      int32_t status, uint32_t payload_size)
{
	struct sbx_service_header header = {
		.version = request_header->version,
		.service = request_header->service,
		.length = payload_size,
		.status = status,
	};

	memcpy(response, &header, HEADER_SIZE);
	return HEADER_SIZE + payload_size;
}

static size_t handle_version(const struct sbx_service_header *header, uint8_t *response)
{
	const struct sbx_version_response version = {
		.securebox_version = SBX_SECUREBOX_VERSION,
		.protocol_version = SBX_SERVICE_PROTOCOL_VERSION,
	};

	if (header->length != 0)
		return respond(response, header, SBX_SERVICE_E_MALFORMED, 0);
	memcpy(response + HEADER_SIZE, &version, sizeof(version));
	return respond(response, header, SBX_SERVICE_OK, sizeof(version));
}

/* The payload fits: service_handle has bounded the request by SBX_MESSAGE_MAX. */
static size_t handle_echo(const struct sbx_service_header *header, const uint8_t *payload,
			  uint8_t *response)
{
	memcpy(response + HEADER_SIZE, payload, header->length);
	return respond(response, header, SBX_SERVICE_OK, header->length);
}

size_t service_handle(const uint8_t *request, size_t request_size,
		      uint8_t response[SBX_MESSAGE_MAX])
{
	struct sbx_service_header header = { 0 };

	if (request_size < HEADER_SIZE)
		return respond(response, &header, SBX_SERVICE_E_MALFORMED, 0);
	memcpy(&header, request, HEADER_SIZE);

	/* The version comes first: a caller speaking another version may frame its
	 * messages differently, and "wrong version" is the answer it can act on. */
	if (header.version != SBX_SERVICE_PROTOCOL_VERSION)
		return respond(response, &header, SBX_SERVICE_E_VERSION, 0);
	if (request_size > SBX_MESSAGE_MAX || header.length != request_size - HEADER_SIZE ||
	    header.status != 0)
		return respond(response, &header, SBX_SERVICE_E_MALFORMED, 0);

	switch (header.service) {
	case SBX_SERVICE_VERSION:
		return handle_version(&header, response);
	case SBX_SERVICE_ECHO:
		return handle_echo(&header, request + HEADER_SIZE, response);
	default:
		return respond(response, &header, SBX_SERVICE_E_UNKNOWN, 0);
	}
}
