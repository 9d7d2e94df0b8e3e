#include <string.h>

#include "sbx/boot_info.h"
#include "sbx/hypercall.h"
#include "sbx/service.h"
#include "hypercall.h"
#include "log.h"

/* Aligned as the hypercall ABI requires of every buffer. */
static char line[SBX_LOG_MAX] __attribute__((aligned(SBX_BUFFER_ALIGNMENT)));

static size_t append(size_t length, const char *text)
{
	size_t size = strlen(text);

	if (size > SBX_LOG_MAX - length)
		size = SBX_LOG_MAX - length;
	memcpy(line + length, text, size);
	return length + size;
}

static const char *service_name(const uint8_t *request, size_t request_size)
{
	struct sbx_service_header header;

	if (request_size < sizeof(header))
		return "(no header)";
	memcpy(&header, request, sizeof(header));
	switch (header.service) {
	case SBX_SERVICE_VERSION:    return "version";
	case SBX_SERVICE_ECHO:       return "echo";
	case SBX_SERVICE_REPORT:     return "report";
	case SBX_SERVICE_KEY_CREATE: return "key-create";
	case SBX_SERVICE_KEY_SIGN:   return "key-sign";
	case SBX_SERVICE_KEY_PUBLIC: return "key-public";
	case SBX_SERVICE_SEAL:       return "seal";
	case SBX_SERVICE_UNSEAL:     return "unseal";
	}
	return "(unknown service)";
}

static const char *status_name(int32_t status)
{
	switch (status) {
	case SBX_SERVICE_OK:           return "ok";
	case SBX_SERVICE_E_MALFORMED:  return "rejected: malformed";
	case SBX_SERVICE_E_UNKNOWN:    return "rejected: unknown service";
	case SBX_SERVICE_E_VERSION:    return "rejected: unsupported version";
	case SBX_SERVICE_E_HANDLE:     return "rejected: no such key";
	case SBX_SERVICE_E_NO_SLOTS:   return "rejected: no free key slot";
	case SBX_SERVICE_E_USAGE:      return "rejected: wrong key usage";
	case SBX_SERVICE_E_INTEGRITY:  return "rejected: integrity check failed";
	case SBX_SERVICE_E_NO_ENTROPY: return "rejected: no entropy";
	case SBX_SERVICE_E_CRYPTO:     return "failed: crypto error";
	}
	return "rejected";
}

void log_request(uint32_t level, const uint8_t *request, size_t request_size,
		 const uint8_t *response)
{
	struct sbx_service_header reply;
	size_t length;

	memcpy(&reply, response, sizeof(reply));
	if (level == SBX_LOG_NONE || (level == SBX_LOG_ERRORS && reply.status == SBX_SERVICE_OK))
		return;
	length = append(0, "request ");
	length = append(length, service_name(request, request_size));
	length = append(length, ": ");
	length = append(length, status_name(reply.status));
	hypercall(SBX_HC_SECUREBOX_LOG, (uintptr_t)line, length);
}
