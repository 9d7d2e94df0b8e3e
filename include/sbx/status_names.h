/* Names of the ABI's status codes, for tools and tests that report them (the guest
 * tools in Linux and the bare-metal test guest alike). Header-only: no libc. */
#ifndef SBX_STATUS_NAMES_H
#define SBX_STATUS_NAMES_H

#include <stdint.h>

#include "sbx/hypercall.h"
#include "sbx/service.h"

/* "SBX_E_BAD_ADDRESS" for SBX_E_BAD_ADDRESS, and so on. */
static inline const char *sbx_status_name(int64_t status)
{
	switch (status) {
	case SBX_OK:                   return "SBX_OK";
	case SBX_E_UNKNOWN_CALL:       return "SBX_E_UNKNOWN_CALL";
	case SBX_E_INVALID_ARGUMENT:   return "SBX_E_INVALID_ARGUMENT";
	case SBX_E_BAD_ADDRESS:        return "SBX_E_BAD_ADDRESS";
	case SBX_E_TOO_LARGE:          return "SBX_E_TOO_LARGE";
	case SBX_E_UNALIGNED:          return "SBX_E_UNALIGNED";
	case SBX_E_DENIED:             return "SBX_E_DENIED";
	case SBX_E_UNAVAILABLE:        return "SBX_E_UNAVAILABLE";
	case SBX_E_RESPONSE_TOO_LARGE: return "SBX_E_RESPONSE_TOO_LARGE";
	}
	return "an undefined status";
}

/* "SBX_SERVICE_E_USAGE" for SBX_SERVICE_E_USAGE, and so on. */
static inline const char *sbx_service_status_name(int32_t status)
{
	switch (status) {
	case SBX_SERVICE_OK:           return "SBX_SERVICE_OK";
	case SBX_SERVICE_E_MALFORMED:  return "SBX_SERVICE_E_MALFORMED";
	case SBX_SERVICE_E_UNKNOWN:    return "SBX_SERVICE_E_UNKNOWN";
	case SBX_SERVICE_E_VERSION:    return "SBX_SERVICE_E_VERSION";
	case SBX_SERVICE_E_HANDLE:     return "SBX_SERVICE_E_HANDLE";
	case SBX_SERVICE_E_NO_SLOTS:   return "SBX_SERVICE_E_NO_SLOTS";
	case SBX_SERVICE_E_USAGE:      return "SBX_SERVICE_E_USAGE";
	case SBX_SERVICE_E_INTEGRITY:  return "SBX_SERVICE_E_INTEGRITY";
	case SBX_SERVICE_E_NO_ENTROPY: return "SBX_SERVICE_E_NO_ENTROPY";
	case SBX_SERVICE_E_CRYPTO:     return "SBX_SERVICE_E_CRYPTO";
	}
	return "an undefined status";
}

#endif
