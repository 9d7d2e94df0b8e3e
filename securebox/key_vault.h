/* The key vault: up to SBX_KEY_SLOTS non-exportable ECDSA P-256 keys, each with a
 * usage fixed at creation (KEY_CREATE, KEY_SIGN, KEY_PUBLIC). A signature binds the
 * key's usage and label, so a key made for one purpose signs for no other, and the
 * vault signs no caller-chosen digest as it stands. Keys live until the machine
 * reboots; handles name a slot and this boot. */
#ifndef SBX_SECUREBOX_KEY_VAULT_H
#define SBX_SECUREBOX_KEY_VAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "entropy.h"
#include "sbx/service.h"
#include "service_call.h"
#include "signing_key.h"

struct key_slot {
	bool used;
	uint32_t usage;                          /* enum sbx_key_usage */
	uint8_t label[SBX_KEY_LABEL_SIZE];
	struct signing_key key;
};

struct key_vault {
	/* A handle is (tag << 16) | (slot + 1). The tag comes from the boot ID,
	 * so a handle kept from another boot names no key in this one (but for a
	 * one in 65536 chance). */
	uint32_t handle_tag;
	struct key_slot slots[SBX_KEY_SLOTS];
};

/* An empty vault whose handles carry a tag derived from `boot_id`. */
void key_vault_init(struct key_vault *vault, const uint8_t boot_id[16]);

void key_vault_free(struct key_vault *vault);

/* KEY_CREATE: struct sbx_key_create_request -> struct sbx_key_public_response. */
int32_t key_vault_create(struct key_vault *vault, struct entropy *entropy,
			 struct service_call *call);

/* KEY_SIGN: struct sbx_key_sign_request -> struct sbx_signature, over
 * SHA-256(SBX_KEY_SIGN_DOMAIN || usage (4 bytes LE) || label || digest). */
int32_t key_vault_sign(struct key_vault *vault, struct entropy *entropy,
		       struct service_call *call);

/* KEY_PUBLIC: struct sbx_key_public_request -> struct sbx_key_public_response. */
int32_t key_vault_public(struct key_vault *vault, struct service_call *call);

#endif
