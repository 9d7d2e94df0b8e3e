#include <string.h>

#include "mbedtls/sha256.h"
#include "report.h"

_Static_assert(sizeof(((struct sbx_securebox_measurements *)0)->component_digests) ==
	       sizeof(((struct sbx_report_body *)0)->component_digests),
	       "the boot information carries every measured component");
_Static_assert(sizeof(((struct sbx_securebox_measurements *)0)->pcrs) ==
	       sizeof(((struct sbx_report_body *)0)->pcrs), "and every PCR a report states");

void identity_create(struct identity *identity, struct entropy *entropy)
{
	signing_key_init(&identity->key);
	identity->status = signing_key_generate(&identity->key, entropy);
}

void identity_free(struct identity *identity)
{
	signing_key_free(&identity->key);
}

/* The body is built in zeroed memory, so reserved fields, padding and any gap the
 * compiler might leave are zero, as a verifier hashing the same bytes expects. */
static void build_body(struct sbx_report_body *body, const struct sbx_report_request *request,
		       const struct sbx_securebox_measurements *measurements,
		       const uint8_t public_key[SBX_PUBLIC_KEY_SIZE])
{
	memset(body, 0, sizeof(*body));
	body->magic = SBX_REPORT_MAGIC;
	body->version = SBX_REPORT_VERSION;
	body->flags = measurements->flags;
	memcpy(body->nonce, request->nonce, sizeof(body->nonce));
	memcpy(body->user_data, request->user_data, sizeof(body->user_data));
	memcpy(body->component_digests, measurements->component_digests,
	       sizeof(body->component_digests));
	memcpy(body->pcrs, measurements->pcrs, sizeof(body->pcrs));
	memcpy(body->policy_digest, measurements->component_digests[SBX_MEASURED_POLICY],
	       sizeof(body->policy_digest));
	memcpy(body->boot_id, measurements->boot_id, sizeof(body->boot_id));
	memcpy(body->identity_public_key, public_key, sizeof(body->identity_public_key));
}

int32_t report_handle(struct identity *identity, struct entropy *entropy,
		      const struct sbx_securebox_measurements *measurements,
		      struct service_call *call)
{
	struct sbx_report_request request;
	struct sbx_report report;
	uint8_t digest[SBX_DIGEST_SIZE];
	int32_t status;

	if (call->length != sizeof(request))
		return SBX_SERVICE_E_MALFORMED;
	if (identity->status != SBX_SERVICE_OK)
		return identity->status;
	memcpy(&request, call->payload, sizeof(request));

	memset(&report, 0, sizeof(report));
	build_body(&report.body, &request, measurements, identity->key.public_key);
	if (mbedtls_sha256_ret((const unsigned char *)&report.body, sizeof(report.body),
			       digest, 0) != 0)
		return SBX_SERVICE_E_CRYPTO;
	status = signing_key_sign(&identity->key, entropy, digest, report.signature,
				  &report.signature_size);
	if (status != SBX_SERVICE_OK)
		return status;
	memcpy(call->reply, &report, sizeof(report));
	call->reply_length = sizeof(report);
	return SBX_SERVICE_OK;
}
