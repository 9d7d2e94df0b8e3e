/* sbxctl key create|sign|public: the securebox's key vault. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbxctl.h"

static const char *usage_name(uint32_t usage)
{
	switch (usage) {
	case SBX_KEY_USAGE_AUTHENTICATION:
		return "auth";
	case SBX_KEY_USAGE_DOCUMENT:
		return "document";
	}
	return "unknown";
}

static int parse_usage(const char *text, uint32_t *usage)
{
	if (text && !strcmp(text, "auth"))
		*usage = SBX_KEY_USAGE_AUTHENTICATION;
	else if (text && !strcmp(text, "document"))
		*usage = SBX_KEY_USAGE_DOCUMENT;
	else
		return fail(SBXCTL_USAGE, "key: --usage is auth or document");
	return SBXCTL_OK;
}

static int parse_handle(const char *text, uint32_t *handle)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = text ? strtoul(text, &end, 0) : 0;
	if (!text || !*text || *end || errno || value > UINT32_MAX)
		return fail(SBXCTL_USAGE, "key: --handle takes a number");
	*handle = (uint32_t)value;
	return SBXCTL_OK;
}

/* The label as text when it is printable up to its zero padding, else in hex. */
static void print_key(const struct sbx_key_public_response *key)
{
	char label[SBX_KEY_LABEL_SIZE + 1] = { 0 };

	memcpy(label, key->label, SBX_KEY_LABEL_SIZE);
	if (json_output) {
		printf("{\"handle\":%u,\"usage\":\"%s\",\"label\":", key->handle,
		       usage_name(key->usage));
		print_json_string(label);
		printf(",\"label_hex\":\"");
		print_hex(key->label, SBX_KEY_LABEL_SIZE);
		printf("\",\"public_key\":\"");
		print_hex(key->public_key, SBX_PUBLIC_KEY_SIZE);
		printf("\"}\n");
		return;
	}
	printf("key handle=%u usage=%s label=", key->handle, usage_name(key->usage));
	print_hex(key->label, SBX_KEY_LABEL_SIZE);
	printf(" public=");
	print_hex(key->public_key, SBX_PUBLIC_KEY_SIZE);
	printf("\n");
}

static int key_create(int argc, char **argv)
{
	static const char *const names[] = { "--usage", "--label" };
	const char *values[2] = { 0 };
	struct sbx_key_create_request request = { 0 };
	struct sbx_key_public_response key;
	uint32_t size;
	int status = parse_options(argc, argv, names, values, 2);

	if (status != SBXCTL_OK || (status = parse_usage(values[0], &request.usage)))
		return status;
	if (!values[1] || strlen(values[1]) > SBX_KEY_LABEL_SIZE)
		return fail(SBXCTL_USAGE, "key create: --label takes up to %d characters",
			    SBX_KEY_LABEL_SIZE);
	memcpy(request.label, values[1], strlen(values[1]));
	status = securebox_service(SBX_SERVICE_KEY_CREATE, &request, sizeof(request), &key,
				   sizeof(key), &size, sizeof(key));
	if (status == SBXCTL_OK)
		print_key(&key);
	return status;
}

static int key_sign(int argc, char **argv)
{
	static const char *const names[] = { "--handle", "--usage", "--digest" };
	const char *values[3] = { 0 };
	struct sbx_key_sign_request request;
	struct sbx_signature signature;
	uint32_t size;
	int status = parse_options(argc, argv, names, values, 3);

	if (status != SBXCTL_OK || (status = parse_handle(values[0], &request.handle)) ||
	    (status = parse_usage(values[1], &request.usage)))
		return status;
	if (!values[2] || hex_decode(values[2], request.digest, SBX_DIGEST_SIZE))
		return fail(SBXCTL_USAGE, "key sign: --digest takes %d bytes in hex",
			    SBX_DIGEST_SIZE);
	status = securebox_service(SBX_SERVICE_KEY_SIGN, &request, sizeof(request), &signature,
				   sizeof(signature), &size, sizeof(signature));
	if (status != SBXCTL_OK)
		return status;
	if (signature.size > SBX_SIGNATURE_MAX)
		return fail(SBXCTL_FAILED, "key sign: a %u-byte signature", signature.size);
	printf(json_output ? "{\"signature\":\"" : "signature ");
	print_hex(signature.der, signature.size);
	printf(json_output ? "\"}\n" : "\n");
	return SBXCTL_OK;
}

static int key_public(int argc, char **argv)
{
	static const char *const names[] = { "--handle" };
	const char *handle = NULL;
	struct sbx_key_public_request request;
	struct sbx_key_public_response key;
	uint32_t size;
	int status = parse_options(argc, argv, names, &handle, 1);

	if (status != SBXCTL_OK || (status = parse_handle(handle, &request.handle)))
		return status;
	status = securebox_service(SBX_SERVICE_KEY_PUBLIC, &request, sizeof(request), &key,
				   sizeof(key), &size, sizeof(key));
	if (status == SBXCTL_OK)
		print_key(&key);
	return status;
}

int command_key(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "create"))
		return key_create(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "sign"))
		return key_sign(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "public"))
		return key_public(argc - 1, argv + 1);
	return fail(SBXCTL_USAGE, "key: create, sign or public (see --help)");
}
