/* Request framing and dispatch. The request buffer holds bytes the commodity OS
 * chose: nothing in it is trusted until checked, and it is read through memcpy so
 * that no alignment is assumed. Framing is checked here, once, for every service;
 * each family (report.c, key_vault.c, seal.c) checks its own payload. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sbx/hypercall.h"
#include "sbx/service.h"
#include "service.h"
#include "service_call.h"

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

static int32_t handle_version(struct service_call *call)
{
	const struct sbx_version_response version = {
		.securebox_version = SBX_SECUREBOX_VERSION,
		.protocol_version = SBX_SERVICE_PROTOCOL_VERSION,
	};

	if (call->length != 0)
		return SBX_SERVICE_E_MALFORMED;
	memcpy(call->reply, &version, sizeof(version));
	call->reply_length = sizeof(version);
	return SBX_SERVICE_OK;
}

/* The payload fits: service_handle has bounded the request by SBX_MESSAGE_MAX. */
static int32_t handle_echo(struct service_call *call)
{
	memcpy(call->reply, call->payload, call->length);
	call->reply_length = call->length;
	return SBX_SERVICE_OK;
}

static int32_t dispatch(struct service_context *context, uint32_t service,
			struct service_call *call)
{
	switch (service) {
	case SBX_SERVICE_VERSION:
		return handle_version(call);
	case SBX_SERVICE_ECHO:
		return handle_echo(call);
	case SBX_SERVICE_REPORT:
		return report_handle(&context->identity, &context->entropy,
				     &context->measurements, call);
	case SBX_SERVICE_KEY_CREATE:
		return key_vault_create(&context->vault, &context->entropy, call);
	case SBX_SERVICE_KEY_SIGN:
		return key_vault_sign(&context->vault, &context->entropy, call);
	case SBX_SERVICE_KEY_PUBLIC:
		return key_vault_public(&context->vault, call);
	case SBX_SERVICE_SEAL:
		return seal_handle(&context->sealing, &context->entropy, call);
	case SBX_SERVICE_UNSEAL:
		return unseal_handle(&context->sealing, call);
	}
	return SBX_SERVICE_E_UNKNOWN;
}

size_t service_handle(struct service_context *context, const uint8_t *request,
		      size_t request_size, uint8_t response[SBX_MESSAGE_MAX])
{
	struct sbx_service_header header = { 0 };
	struct service_call call;
	int32_t status;

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

	call = (struct service_call){
		.payload = request + HEADER_SIZE,
		.length = header.length,
		.reply = response + HEADER_SIZE,
	};
	status = dispatch(context, header.service, &call);
	return respond(response, &header, status, status == SBX_SERVICE_OK ? call.reply_length : 0);
}
