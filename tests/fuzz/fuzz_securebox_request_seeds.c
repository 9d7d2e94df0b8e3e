/* Writes securebox request sequences into a corpus directory, in the record format
 * fuzz_securebox_request.c reads (a 16-bit little-endian size, then the request), so
 * the fuzzer starts from requests every service accepts instead of having to find
 * the header layout, the payload sizes and a valid key handle by itself. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../include/sbx/service.h"

/* The handle of the first vault key under the fuzzer's boot ID (0x5b, 0x0c, ...):
 * tag boot_id[0] | boot_id[1] << 8, slot 1. */
#define FIRST_HANDLE ((0x0c5bu << 16) | 1u)

struct builder {
	uint8_t bytes[16384];
	size_t size;
};

static void put(struct builder *builder, const void *data, size_t size)
{
	memcpy(builder->bytes + builder->size, data, size);
	builder->size += size;
}

static void add_request(struct builder *builder, uint32_t service, const void *payload,
			uint32_t length)
{
	struct sbx_service_header header = {
		.version = SBX_SERVICE_PROTOCOL_VERSION, .service = service, .length = length,
	};
	uint16_t size = (uint16_t)(sizeof(header) + length);

	put(builder, &size, sizeof(size));
	put(builder, &header, sizeof(header));
	put(builder, payload, length);
}

static int finish(struct builder *builder, const char *directory, const char *name)
{
	char path[4096];
	FILE *file;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", directory, name);
	file = fopen(path, "wb");
	if (!file) {
		perror(path);
		return -1;
	}
	ok = fwrite(builder->bytes, 1, builder->size, file) == builder->size;
	builder->size = 0;
	return fclose(file) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static uint8_t data[SBX_SEAL_MAX];
	struct sbx_report_request report = { .nonce = { 1, 2, 3 }, .user_data = { 4, 5 } };
	struct sbx_key_create_request create = { .usage = SBX_KEY_USAGE_DOCUMENT,
						 .label = "seed key" };
	struct sbx_key_sign_request sign = { .handle = FIRST_HANDLE,
					     .usage = SBX_KEY_USAGE_DOCUMENT };
	struct sbx_key_public_request lookup = { .handle = FIRST_HANDLE };
	struct sbx_sealed_header sealed = { .magic = SBX_SEAL_MAGIC, .version = SBX_SEAL_VERSION,
					    .data_size = 16 };
	uint8_t blob[sizeof(sealed) + 16] = { 0 };
	struct builder builder = { .size = 0 };
	int failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s corpus-directory\n", argv[0]);
		return 2;
	}
	memset(data, 0x61, sizeof(data));
	memcpy(blob, &sealed, sizeof(sealed));

	add_request(&builder, SBX_SERVICE_VERSION, NULL, 0);
	add_request(&builder, SBX_SERVICE_ECHO, "hello", 5);
	failed |= finish(&builder, argv[1], "seed-version-echo");

	add_request(&builder, SBX_SERVICE_REPORT, &report, sizeof(report));
	failed |= finish(&builder, argv[1], "seed-report");

	add_request(&builder, SBX_SERVICE_KEY_CREATE, &create, sizeof(create));
	add_request(&builder, SBX_SERVICE_KEY_PUBLIC, &lookup, sizeof(lookup));
	add_request(&builder, SBX_SERVICE_KEY_SIGN, &sign, sizeof(sign));
	failed |= finish(&builder, argv[1], "seed-key-vault");

	for (int i = 0; i <= SBX_KEY_SLOTS; i++)
		add_request(&builder, SBX_SERVICE_KEY_CREATE, &create, sizeof(create));
	failed |= finish(&builder, argv[1], "seed-key-slots");

	add_request(&builder, SBX_SERVICE_SEAL, data, 16);
	add_request(&builder, SBX_SERVICE_UNSEAL, blob, sizeof(blob));
	failed |= finish(&builder, argv[1], "seed-seal");

	add_request(&builder, SBX_SERVICE_SEAL, data, sizeof(data));
	failed |= finish(&builder, argv[1], "seed-seal-max");

	return failed ? 1 : 0;
}
