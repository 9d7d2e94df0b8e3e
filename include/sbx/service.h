/* Securebox service messages: what travels, through SBX_HC_SECUREBOX_CALL, between
 * a commodity caller and the securebox. Every message starts with a header; all
 * integers are little-endian. */
#ifndef SBX_SERVICE_H
#define SBX_SERVICE_H

#include <stdint.h>

#define SBX_SERVICE_PROTOCOL_VERSION 1
#define SBX_SECUREBOX_VERSION ((0u << 16) | (1u << 8) | 0u)

enum sbx_service {
	SBX_SERVICE_VERSION = 1,   /* no payload -> struct sbx_version_response */
	SBX_SERVICE_ECHO = 2,      /* any payload -> the same payload */
};

enum sbx_service_status {
	SBX_SERVICE_OK = 0,
	SBX_SERVICE_E_MALFORMED = -1,     /* short message, length field disagrees */
	SBX_SERVICE_E_UNKNOWN = -2,       /* no such service */
	SBX_SERVICE_E_VERSION = -3,       /* unsupported protocol version */
};

struct sbx_service_header {
	uint32_t version;    /* SBX_SERVICE_PROTOCOL_VERSION */
	uint32_t service;    /* enum sbx_service */
	uint32_t length;     /* payload bytes after the header */
	int32_t status;      /* responses: enum sbx_service_status; requests: 0 */
};

struct sbx_version_response {
	uint32_t securebox_version;   /* SBX_SECUREBOX_VERSION */
	uint32_t protocol_version;    /* SBX_SERVICE_PROTOCOL_VERSION */
};

#endif
