#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <sbx/service.h>

#include "malformed_corpus.h"
#include "securebox_client.h"

#define HEADER_SIZE  ((uint32_t)sizeof(struct sbx_service_header))
#define PAYLOAD_MAX  (SBX_MESSAGE_MAX - HEADER_SIZE)
#define SEALED_HEADER_SIZE ((uint32_t)sizeof(struct sbx_sealed_header))

/* Sizes chosen for requests that have no fixed size. */
#define NO_SERVICE_PAYLOAD 40   /* truncations tried for an ID that names no service */
#define ECHO_PAYLOAD       8
#define SEAL_PAYLOAD       16
/* UNSEAL blobs claiming this many bytes of ciphertext, and carrying 0 to twice
 * as many but for the right number. */
#define UNSEAL_CLAIMED     64
#define UNSEAL_CASES       (2 * UNSEAL_CLAIMED)

#define RANDOM_CASES_PER_ID 50
#define RANDOM_SEED 0x5b0c5eed2024f00dull

#define MALFORMED SERVICE_STATUS_BIT(SBX_SERVICE_E_MALFORMED)
#define UNKNOWN   SERVICE_STATUS_BIT(SBX_SERVICE_E_UNKNOWN)
#define VERSION   SERVICE_STATUS_BIT(SBX_SERVICE_E_VERSION)
#define INTEGRITY SERVICE_STATUS_BIT(SBX_SERVICE_E_INTEGRITY)

/* The payload sizes a service accepts, and the size of a typical one. */
struct payload_rule {
	uint32_t min, max, typical;
};

static bool service_known(uint32_t service)
{
	return service >= SBX_SERVICE_VERSION && service <= SBX_SERVICE_UNSEAL;
}

static struct payload_rule payload_rule(uint32_t service)
{
	switch (service) {
	case SBX_SERVICE_VERSION:
		return (struct payload_rule){ 0, 0, 0 };
	case SBX_SERVICE_ECHO:
		return (struct payload_rule){ 0, PAYLOAD_MAX, ECHO_PAYLOAD };
	case SBX_SERVICE_REPORT:
		return (struct payload_rule){ sizeof(struct sbx_report_request),
					      sizeof(struct sbx_report_request),
					      sizeof(struct sbx_report_request) };
	case SBX_SERVICE_KEY_CREATE:
		return (struct payload_rule){ sizeof(struct sbx_key_create_request),
					      sizeof(struct sbx_key_create_request),
					      sizeof(struct sbx_key_create_request) };
	case SBX_SERVICE_KEY_SIGN:
		return (struct payload_rule){ sizeof(struct sbx_key_sign_request),
					      sizeof(struct sbx_key_sign_request),
					      sizeof(struct sbx_key_sign_request) };
	case SBX_SERVICE_KEY_PUBLIC:
		return (struct payload_rule){ sizeof(struct sbx_key_public_request),
					      sizeof(struct sbx_key_public_request),
					      sizeof(struct sbx_key_public_request) };
	case SBX_SERVICE_SEAL:
		return (struct payload_rule){ 1, SBX_SEAL_MAX, SEAL_PAYLOAD };
	case SBX_SERVICE_UNSEAL:
		return (struct payload_rule){ SEALED_HEADER_SIZE + 1,
					      SEALED_HEADER_SIZE + SBX_SEAL_MAX,
					      SEALED_HEADER_SIZE + SEAL_PAYLOAD };
	}
	return (struct payload_rule){ 0, PAYLOAD_MAX, NO_SERVICE_PAYLOAD };
}

/* A defect in the framing (length, status) of a request for no service is both
 * malformed and unknown: either answer is right. */
static uint32_t framing_refusals(uint32_t service)
{
	return service_known(service) ? MALFORMED : MALFORMED | UNKNOWN;
}

/* Writes the `field_size` bytes of `value` at payload[offset] as far as they lie
 * below `size`: a payload cut short keeps the start of its fields. */
static void put_field(uint8_t *payload, uint32_t size, uint32_t offset, uint32_t value)
{
	for (uint32_t i = 0; i < sizeof(value) && offset + i < size; i++)
		payload[offset + i] = (uint8_t)(value >> (8 * i));
}

/* `size` bytes of a payload that is well formed for `service` where `size`
 * allows: defined usages, the seal magic and version, a data_size that matches. */
static void fill_payload(uint32_t service, uint8_t *payload, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++)
		payload[i] = (uint8_t)(i * 29 + service);
	switch (service) {
	case SBX_SERVICE_KEY_CREATE:
		put_field(payload, size, offsetof(struct sbx_key_create_request, usage),
			  SBX_KEY_USAGE_AUTHENTICATION);
		break;
	case SBX_SERVICE_KEY_SIGN:
		put_field(payload, size, offsetof(struct sbx_key_sign_request, handle), 0);
		put_field(payload, size, offsetof(struct sbx_key_sign_request, usage),
			  SBX_KEY_USAGE_AUTHENTICATION);
		break;
	case SBX_SERVICE_KEY_PUBLIC:
		put_field(payload, size, offsetof(struct sbx_key_public_request, handle), 0);
		break;
	case SBX_SERVICE_UNSEAL:
		put_field(payload, size, offsetof(struct sbx_sealed_header, magic), SBX_SEAL_MAGIC);
		put_field(payload, size, offsetof(struct sbx_sealed_header, version),
			  SBX_SEAL_VERSION);
		put_field(payload, size, offsetof(struct sbx_sealed_header, data_size),
			  size > SEALED_HEADER_SIZE ? size - SEALED_HEADER_SIZE : 0);
		break;
	}
}

static void set_header(struct corpus_case *request, uint32_t version, uint32_t length,
		       int32_t status)
{
	struct sbx_service_header header = {
		.version = version,
		.service = request->service,
		.length = length,
		.status = status,
	};

	memcpy(request->bytes, &header, sizeof(header));
}

/* A well-framed request with a payload of `payload_size` bytes, to spoil. */
static void frame(struct corpus_case *request, uint32_t payload_size)
{
	set_header(request, SBX_SERVICE_PROTOCOL_VERSION, payload_size, 0);
	fill_payload(request->service, request->bytes + HEADER_SIZE, payload_size);
	request->size = HEADER_SIZE + payload_size;
}

/* --- the families ---------------------------------------------------------- */

static uint32_t short_header_count(uint32_t service)
{
	(void)service;
	return HEADER_SIZE - 1;
}

static void short_header(struct corpus_case *request, uint32_t step)
{
	frame(request, payload_rule(request->service).typical);
	request->size = step + 1;
	request->refusals = MALFORMED;
	request->hypervisor_refusal = SBX_E_INVALID_ARGUMENT;
}

static uint32_t truncated_count(uint32_t service)
{
	return service_known(service) ? payload_rule(service).min : NO_SERVICE_PAYLOAD;
}

static void truncated(struct corpus_case *request, uint32_t step)
{
	frame(request, step);
	request->refusals = service_known(request->service) ? MALFORMED : UNKNOWN;
}

static uint32_t claims_more_count(uint32_t service)
{
	return payload_rule(service).typical;
}

static void claims_more(struct corpus_case *request, uint32_t step)
{
	frame(request, step);
	set_header(request, SBX_SERVICE_PROTOCOL_VERSION, payload_rule(request->service).typical,
		   0);
	request->refusals = framing_refusals(request->service);
}

static const uint32_t oversize_extra[] = { 1, 2, 16 };
#define OVERSIZE_CASES (sizeof(oversize_extra) / sizeof(oversize_extra[0]) + 1)

static uint32_t oversized_count(uint32_t service)
{
	return service_known(service) && payload_rule(service).max < PAYLOAD_MAX ?
		OVERSIZE_CASES : 0;
}

/* Past the largest payload by a little, then as far as a message goes. */
static void oversized(struct corpus_case *request, uint32_t step)
{
	uint32_t max = payload_rule(request->service).max;

	frame(request, step < OVERSIZE_CASES - 1 ? max + oversize_extra[step] : PAYLOAD_MAX);
	request->refusals = MALFORMED;
}

static const uint32_t bad_versions[] = { 0, SBX_SERVICE_PROTOCOL_VERSION + 1, 0x100, UINT_MAX };

static uint32_t bad_version_count(uint32_t service)
{
	(void)service;
	return sizeof(bad_versions) / sizeof(bad_versions[0]);
}

static void bad_version(struct corpus_case *request, uint32_t step)
{
	uint32_t typical = payload_rule(request->service).typical;

	frame(request, typical);
	set_header(request, bad_versions[step], typical, 0);
	request->refusals = VERSION;
}

static const int32_t bad_statuses[] = { 1, -1, INT_MIN, INT_MAX };

static uint32_t bad_status_count(uint32_t service)
{
	(void)service;
	return sizeof(bad_statuses) / sizeof(bad_statuses[0]);
}

static void bad_status(struct corpus_case *request, uint32_t step)
{
	uint32_t typical = payload_rule(request->service).typical;

	frame(request, typical);
	set_header(request, SBX_SERVICE_PROTOCOL_VERSION, typical, bad_statuses[step]);
	request->refusals = framing_refusals(request->service);
}

static uint32_t off_by_one_count(uint32_t service)
{
	(void)service;
	return 2;
}

/* One more than was sent, then one less (for an empty payload, 0xffffffff). */
static void off_by_one(struct corpus_case *request, uint32_t step)
{
	uint32_t typical = payload_rule(request->service).typical;

	frame(request, typical);
	set_header(request, SBX_SERVICE_PROTOCOL_VERSION, step ? typical - 1 : typical + 1, 0);
	request->refusals = framing_refusals(request->service);
}

static uint32_t unseal_mismatch_count(uint32_t service)
{
	return service == SBX_SERVICE_UNSEAL ? UNSEAL_CASES : 0;
}

/* As seal-tamper decides: a data_size that disagrees with the length is a blob
 * of the wrong shape, malformed or failing its integrity check. */
static void unseal_mismatch(struct corpus_case *request, uint32_t step)
{
	uint32_t ciphertext = step < UNSEAL_CLAIMED ? step : step + 1;

	frame(request, SEALED_HEADER_SIZE + ciphertext);
	put_field(request->bytes + HEADER_SIZE, SEALED_HEADER_SIZE,
		  offsetof(struct sbx_sealed_header, data_size), UNSEAL_CLAIMED);
	request->refusals = MALFORMED | INTEGRITY;
}

static uint32_t random_count(uint32_t service)
{
	(void)service;
	return RANDOM_CASES_PER_ID;
}

static uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* Random bytes of a random size; with a whole header, the service ID is this
 * case's and one defect is forced in, so that no case is well formed by chance. */
static void random_bytes(struct corpus_case *request, uint32_t step)
{
	uint64_t state = RANDOM_SEED ^ ((uint64_t)request->service << 32 | (step + 1));
	struct sbx_service_header header;

	for (unsigned i = 0; i < 4; i++)
		xorshift64(&state);
	request->size = 1 + (uint32_t)(xorshift64(&state) % SBX_MESSAGE_MAX);
	for (uint32_t i = 0; i < request->size; i++)
		request->bytes[i] = (uint8_t)xorshift64(&state);
	if (request->size < HEADER_SIZE) {
		request->refusals = MALFORMED;
		request->hypervisor_refusal = SBX_E_INVALID_ARGUMENT;
		return;
	}

	memcpy(&header, request->bytes, sizeof(header));
	header.service = request->service;
	switch (xorshift64(&state) % 3) {
	case 0:
		if (header.version == SBX_SERVICE_PROTOCOL_VERSION)
			header.version++;
		request->refusals = VERSION;
		break;
	case 1:
		header.version = SBX_SERVICE_PROTOCOL_VERSION;
		if (header.status == 0)
			header.status = 1;
		request->refusals = framing_refusals(request->service);
		break;
	default:
		header.version = SBX_SERVICE_PROTOCOL_VERSION;
		if (header.length == request->size - HEADER_SIZE)
			header.length++;
		request->refusals = framing_refusals(request->service);
		break;
	}
	memcpy(request->bytes, &header, sizeof(header));
}

struct family {
	const char *defect;
	uint32_t (*count)(uint32_t service);
	void (*build)(struct corpus_case *request, uint32_t step);
};

static const struct family families[] = {
	{ "short header", short_header_count, short_header },
	{ "truncated payload", truncated_count, truncated },
	{ "length claims more than sent", claims_more_count, claims_more },
	{ "oversized payload", oversized_count, oversized },
	{ "bad version", bad_version_count, bad_version },
	{ "non-zero status", bad_status_count, bad_status },
	{ "length off by one", off_by_one_count, off_by_one },
	{ "UNSEAL data_size disagrees", unseal_mismatch_count, unseal_mismatch },
	{ "random bytes", random_count, random_bytes },
};

#define FAMILY_COUNT (sizeof(families) / sizeof(families[0]))

uint32_t corpus_size(void)
{
	uint32_t size = 0;

	for (unsigned f = 0; f < FAMILY_COUNT; f++)
		for (uint32_t service = 0; service < CORPUS_SERVICE_IDS; service++)
			size += families[f].count(service);
	return size;
}

void corpus_case(uint32_t index, struct corpus_case *request)
{
	for (unsigned f = 0; f < FAMILY_COUNT; f++) {
		for (uint32_t service = 0; service < CORPUS_SERVICE_IDS; service++) {
			uint32_t count = families[f].count(service);

			if (index >= count) {
				index -= count;
				continue;
			}
			memset(request, 0, sizeof(*request));
			request->defect = families[f].defect;
			request->service = service;
			request->hypervisor_refusal = service_known(service) ? SBX_OK : SBX_E_DENIED;
			families[f].build(request, index);
			return;
		}
	}
}
