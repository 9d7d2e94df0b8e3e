#include <string.h>

#include "context.h"

void service_context_init(struct service_context *context,
			  struct sbx_securebox_boot_info *boot_info)
{
	memset(context, 0, sizeof(*context));
	entropy_init(&context->entropy, boot_info->seed, boot_info->seed_size);
	identity_create(&context->identity, &context->entropy);
}

void service_context_bind(struct service_context *context,
			  struct sbx_securebox_boot_info *boot_info)
{
	context->measurements = boot_info->measurements;
	key_vault_init(&context->vault, context->measurements.boot_id);
	sealing_init(&context->sealing, boot_info->root_secret_kind, boot_info->root_secret,
		     context->measurements.component_digests);
}

void service_context_free(struct service_context *context)
{
	sealing_free(&context->sealing);
	key_vault_free(&context->vault);
	identity_free(&context->identity);
	entropy_free(&context->entropy);
}
