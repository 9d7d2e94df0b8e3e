#include <string.h>

#include "key_vault.h"
#include "mbedtls/sha256.h"

#define DOMAIN_SIZE (sizeof(SBX_KEY_SIGN_DOMAIN) - 1)
#define HANDLE_SLOT_MASK 0xffffu

_Static_assert(DOMAIN_SIZE == 20, "the signing domain is 20 bytes, without its NUL");
_Static_assert(SBX_KEY_SLOTS < HANDLE_SLOT_MASK, "a slot number fits a handle");

static bool usage_known(uint32_t usage)
{
	return usage == SBX_KEY_USAGE_AUTHENTICATION || usage == SBX_KEY_USAGE_DOCUMENT;
}

void key_vault_init(struct key_vault *vault, const uint8_t boot_id[16])
{
	memset(vault, 0, sizeof(*vault));
	vault->handle_tag = (uint32_t)boot_id[0] | (uint32_t)boot_id[1] << 8;
	for (uint32_t i = 0; i < SBX_KEY_SLOTS; i++)
		signing_key_init(&vault->slots[i].key);
}

void key_vault_free(struct key_vault *vault)
{
	for (uint32_t i = 0; i < SBX_KEY_SLOTS; i++)
		signing_key_free(&vault->slots[i].key);
	memset(vault, 0, sizeof(*vault));
}

/* The slot a handle names, if it names a key of this boot. */
static struct key_slot *find(struct key_vault *vault, uint32_t handle)
{
	uint32_t slot = (handle & HANDLE_SLOT_MASK) - 1;

	if (handle >> 16 != vault->handle_tag || slot >= SBX_KEY_SLOTS ||
	    !vault->slots[slot].used)
		return NULL;
	return &vault->slots[slot];
}

static uint32_t handle_of(const struct key_vault *vault, const struct key_slot *slot)
{
	return vault->handle_tag << 16 | (uint32_t)(slot - vault->slots + 1);
}

static void reply_public(const struct key_vault *vault, const struct key_slot *slot,
			 struct service_call *call)
{
	struct sbx_key_public_response response;

	memset(&response, 0, sizeof(response));
	response.handle = handle_of(vault, slot);
	response.usage = slot->usage;
	memcpy(response.label, slot->label, sizeof(response.label));
	memcpy(response.public_key, slot->key.public_key, sizeof(response.public_key));
	memcpy(call->reply, &response, sizeof(response));
	call->reply_length = sizeof(response);
}

int32_t key_vault_create(struct key_vault *vault, struct entropy *entropy,
			 struct service_call *call)
{
	struct sbx_key_create_request request;
	struct key_slot *slot = NULL;
	int32_t status;

	if (call->length != sizeof(request))
		return SBX_SERVICE_E_MALFORMED;
	memcpy(&request, call->payload, sizeof(request));
	if (!usage_known(request.usage))
		return SBX_SERVICE_E_MALFORMED;
	if (!entropy_ready(entropy))
		return SBX_SERVICE_E_NO_ENTROPY;
	for (uint32_t i = 0; i < SBX_KEY_SLOTS && !slot; i++)
		if (!vault->slots[i].used)
			slot = &vault->slots[i];
	if (!slot)
		return SBX_SERVICE_E_NO_SLOTS;

	status = signing_key_generate(&slot->key, entropy);
	if (status != SBX_SERVICE_OK)
		return status;
	slot->used = true;
	slot->usage = request.usage;
	memcpy(slot->label, request.label, sizeof(slot->label));
	reply_public(vault, slot, call);
	return SBX_SERVICE_OK;
}

/* What a vault signature covers: the domain, then the key's usage and label, then
 * the caller's digest. */
static int bound_digest(const struct key_slot *slot, const uint8_t digest[SBX_DIGEST_SIZE],
			uint8_t bound[SBX_DIGEST_SIZE])
{
	uint8_t message[DOMAIN_SIZE + sizeof(uint32_t) + SBX_KEY_LABEL_SIZE + SBX_DIGEST_SIZE];
	uint8_t *cursor = message;
	uint32_t usage = slot->usage;   /* little-endian, as every integer in the ABI */

	memcpy(cursor, SBX_KEY_SIGN_DOMAIN, DOMAIN_SIZE);
	cursor += DOMAIN_SIZE;
	memcpy(cursor, &usage, sizeof(usage));
	cursor += sizeof(usage);
	memcpy(cursor, slot->label, SBX_KEY_LABEL_SIZE);
	cursor += SBX_KEY_LABEL_SIZE;
	memcpy(cursor, digest, SBX_DIGEST_SIZE);
	return mbedtls_sha256_ret(message, sizeof(message), bound, 0);
}

int32_t key_vault_sign(struct key_vault *vault, struct entropy *entropy,
		       struct service_call *call)
{
	struct sbx_key_sign_request request;
	struct sbx_signature signature;
	uint8_t bound[SBX_DIGEST_SIZE];
	struct key_slot *slot;
	int32_t status;

	if (call->length != sizeof(request))
		return SBX_SERVICE_E_MALFORMED;
	memcpy(&request, call->payload, sizeof(request));
	if (!usage_known(request.usage))
		return SBX_SERVICE_E_MALFORMED;
	slot = find(vault, request.handle);
	if (!slot)
		return SBX_SERVICE_E_HANDLE;
	if (request.usage != slot->usage)
		return SBX_SERVICE_E_USAGE;

	if (bound_digest(slot, request.digest, bound) != 0)
		return SBX_SERVICE_E_CRYPTO;
	memset(&signature, 0, sizeof(signature));
	status = signing_key_sign(&slot->key, entropy, bound, signature.der, &signature.size);
	if (status != SBX_SERVICE_OK)
		return status;
	memcpy(call->reply, &signature, sizeof(signature));
	call->reply_length = sizeof(signature);
	return SBX_SERVICE_OK;
}

int32_t key_vault_public(struct key_vault *vault, struct service_call *call)
{
	struct sbx_key_public_request request;
	struct key_slot *slot;

	if (call->length != sizeof(request))
		return SBX_SERVICE_E_MALFORMED;
	memcpy(&request, call->payload, sizeof(request));
	slot = find(vault, request.handle);
	if (!slot)
		return SBX_SERVICE_E_HANDLE;
	reply_public(vault, slot, call);
	return SBX_SERVICE_OK;
}
