/* The commodity side of the securebox services (<sbx/service.h>): messages, the
 * SBX_HC_SECUREBOX_CALL round trip, and the checks scenarios share. */
#ifndef SBX_TEST_GUEST_SECUREBOX_CLIENT_H
#define SBX_TEST_GUEST_SECUREBOX_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sbx/hypercall.h>
#include <sbx/service.h>

#include "hypercall.h"

#define SECUREBOX_PAYLOAD_MAX (SBX_MESSAGE_MAX - sizeof(struct sbx_service_header))

struct securebox_message {
	struct sbx_service_header header;
	uint8_t payload[SECUREBOX_PAYLOAD_MAX];
} __attribute__((aligned(SBX_BUFFER_ALIGNMENT)));

/* Fills in a request header, and for ECHO a recognisable payload. */
void securebox_request(struct securebox_message *request, uint32_t service,
		       uint32_t payload_size);

/* The request's size comes from its header; the response capacity is a whole
 * message. Returns the raw hypercall result (RDI = response size). */
struct hypercall_result securebox_call(const struct securebox_message *request,
				       struct securebox_message *response);

/* A service's answer, already checked to be a well-formed response. */
struct service_answer {
	int32_t status;             /* enum sbx_service_status */
	uint32_t length;            /* payload bytes; 0 unless status is OK */
	const uint8_t *payload;     /* valid until the next call */
};

/* Sends `service` with the `payload_size` bytes at `payload` and checks that the
 * answer is a well-formed response: the hypercall succeeded, the response is its
 * header plus the length that header gives, it names our protocol version and
 * service, its status is one <sbx/service.h> defines, and only an OK carries a
 * payload. Otherwise reports why through fail() and returns false. */
bool securebox_service(uint32_t service, const void *payload, uint32_t payload_size,
		       struct service_answer *answer);

/* securebox_service(), then the status must be OK and the payload exactly
 * `answer_size` bytes, which are copied to `answer`. */
bool securebox_expect_ok(uint32_t service, const void *payload, uint32_t payload_size,
			 void *answer, uint32_t answer_size);

/* securebox_service(), then the status must be `expected` (never OK: an error
 * answer carries no payload). */
bool securebox_expect_error(uint32_t service, const void *payload, uint32_t payload_size,
			    int32_t expected);

/* "REPORT" for SBX_SERVICE_REPORT, and so on; "an unknown service" otherwise. */
const char *service_name(uint32_t service);
/* Whether <sbx/service.h> defines `status` as an error (not OK, not undefined). */
bool service_status_is_error(int32_t status);
/* A set of errors as a mask: the bit of SBX_SERVICE_E_MALFORMED (-1) is 1 << 1.
 * A macro, so that tables of them are constant. */
#define SERVICE_STATUS_BIT(error) (1u << -(error))

/* Scenario checks (they report through fail()): the VERSION service answers
 * with the versions of <sbx/service.h>; ECHO returns `payload_size` bytes
 * unchanged. */
bool check_securebox_version(void);
bool check_securebox_echo(uint32_t payload_size);

#endif
