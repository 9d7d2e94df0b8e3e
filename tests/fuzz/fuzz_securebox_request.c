/* libFuzzer target: arbitrary bytes as securebox requests, handled by service_handle
 * exactly as the securebox does, on a context with a seed, a root secret and
 * measurements (so every service can get past its entropy checks).
 *
 * The input is a sequence of records, each a 16-bit little-endian size and then that
 * many bytes of request (the last one cut short by the end of the input), so that a
 * request can use what an earlier one created: a key for KEY_SIGN and KEY_PUBLIC,
 * the slots KEY_CREATE runs out of. The key vault starts empty for every input, so
 * each one replays the same way.
 *
 * Every response must be well formed: a header whose version and service echo the
 * request's (zero when it had no header), whose length is the payload actually
 * returned, and whose status is one the ABI defines; a payload only on success, and
 * then of the size the service promises; nothing written past it. (That no response
 * carries a secret is test_securebox_services's to check: here the fuzzer could
 * send any secret it learned back as a key label, and have it echoed.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "sbx/boot_info.h"
#include "sbx/hypercall.h"
#include "sbx/service.h"
#include "service.h"

#define HEADER_SIZE sizeof(struct sbx_service_header)
#define SEALED_HEADER_SIZE sizeof(struct sbx_sealed_header)
#define MAX_REQUESTS 24
#define CANARY 0xa5

/* tests/fuzz/fuzz_securebox_request_seeds.c makes handles for this boot ID. */
static const uint8_t boot_id[16] = { 0x5b, 0x0c, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static struct service_context context;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sbx_securebox_boot_info boot_info = {
		.magic = SBX_SECUREBOX_BOOT_MAGIC,
		.version = SBX_SECUREBOX_BOOT_INFO_VERSION,
		.seed_size = SBX_SEED_MAX,
		.root_secret_kind = SBX_ROOT_SECRET_PER_BOOT,
	};

	(void)argc;
	(void)argv;
	memset(boot_info.seed, 0x5e, sizeof(boot_info.seed));
	memset(boot_info.root_secret, 0x2c, sizeof(boot_info.root_secret));
	memset(boot_info.measurements.component_digests, 0xd1,
	       sizeof(boot_info.measurements.component_digests));
	memcpy(boot_info.measurements.boot_id, boot_id, sizeof(boot_id));
	service_context_init(&context, &boot_info);
	service_context_bind(&context, &boot_info);
	if (context.identity.status != SBX_SERVICE_OK || context.sealing.status != SBX_SERVICE_OK)
		abort();
	return 0;
}

static int status_known(int32_t status)
{
	return status <= SBX_SERVICE_OK && status >= SBX_SERVICE_E_CRYPTO;
}

/* The payload size a successful response to `request` must have. */
static size_t expected_payload(const struct sbx_service_header *request)
{
	switch (request->service) {
	case SBX_SERVICE_VERSION:    return sizeof(struct sbx_version_response);
	case SBX_SERVICE_ECHO:       return request->length;
	case SBX_SERVICE_REPORT:     return sizeof(struct sbx_report);
	case SBX_SERVICE_KEY_CREATE: return sizeof(struct sbx_key_public_response);
	case SBX_SERVICE_KEY_SIGN:   return sizeof(struct sbx_signature);
	case SBX_SERVICE_KEY_PUBLIC: return sizeof(struct sbx_key_public_response);
	case SBX_SERVICE_SEAL:       return SEALED_HEADER_SIZE + request->length;
	case SBX_SERVICE_UNSEAL:     return request->length - SEALED_HEADER_SIZE;
	}
	abort();   /* no other service can succeed */
}

static void check_response(const uint8_t *request, size_t request_size,
			   const uint8_t *response, size_t response_size)
{
	struct sbx_service_header asked = { 0 }, answered;

	if (response_size < HEADER_SIZE || response_size > SBX_MESSAGE_MAX)
		abort();
	if (request_size >= HEADER_SIZE)
		memcpy(&asked, request, HEADER_SIZE);
	memcpy(&answered, response, HEADER_SIZE);
	if (answered.version != asked.version || answered.service != asked.service ||
	    answered.length != response_size - HEADER_SIZE || !status_known(answered.status))
		abort();
	if (answered.status != SBX_SERVICE_OK && answered.length != 0)
		abort();
	if (answered.status == SBX_SERVICE_OK && answered.length != expected_payload(&asked))
		abort();
	for (size_t i = response_size; i < SBX_MESSAGE_MAX; i++)
		if (response[i] != CANARY)
			abort();
}

/* One request, from a block of exactly its size so ASan sees any read past it. */
static void handle(const uint8_t *data, size_t size, uint8_t *response)
{
	uint8_t *request = malloc(size ? size : 1);
	size_t response_size;

	if (!request)
		abort();
	memcpy(request, data, size);
	memset(response, CANARY, SBX_MESSAGE_MAX);
	response_size = service_handle(&context, request, size, response);
	check_response(request, size, response, response_size);
	free(request);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *response = malloc(SBX_MESSAGE_MAX);

	if (!response)
		abort();
	key_vault_free(&context.vault);
	key_vault_init(&context.vault, context.measurements.boot_id);

	for (int count = 0; size >= 2 && count < MAX_REQUESTS; count++) {
		size_t length = (size_t)data[0] | (size_t)data[1] << 8;

		data += 2;
		size -= 2;
		if (length > size)
			length = size;
		handle(data, length, response);
		data += length;
		size -= length;
	}
	free(response);
	return 0;
}
