#include <stddef.h>
#include <string.h>

#include "mbedtls/hkdf.h"
#include "mbedtls/md.h"
#include "mbedtls/platform_util.h"
#include "seal.h"

#define KEY_BITS 256
#define TAG_SIZE sizeof(((struct sbx_sealed_header *)0)->tag)
#define IV_SIZE sizeof(((struct sbx_sealed_header *)0)->iv)
/* The additional data: every header field before the IV. */
#define AAD_SIZE offsetof(struct sbx_sealed_header, iv)
#define HEADER_SIZE sizeof(struct sbx_sealed_header)

static const char salt[] = "sbx seal v1";

_Static_assert(HEADER_SIZE + SBX_SEAL_MAX <= SERVICE_REPLY_MAX, "a sealed blob fits a reply");
_Static_assert(sizeof(((struct sbx_securebox_measurements *)0)->component_digests) ==
	       SBX_MEASURED_COUNT * SBX_DIGEST_SIZE, "every measured component is bound");

static int32_t derive_key(mbedtls_gcm_context *gcm, const uint8_t *root_secret,
			  const uint8_t component_digests[SBX_MEASURED_COUNT][SBX_DIGEST_SIZE])
{
	uint8_t key[KEY_BITS / 8];
	int failed;

	failed = mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
			      (const unsigned char *)salt, sizeof(salt) - 1,
			      root_secret, SBX_ROOT_SECRET_SIZE,
			      &component_digests[0][0], SBX_MEASURED_COUNT * SBX_DIGEST_SIZE,
			      key, sizeof(key)) ||
		 mbedtls_gcm_setkey(gcm, MBEDTLS_CIPHER_ID_AES, key, KEY_BITS);
	mbedtls_platform_zeroize(key, sizeof(key));
	return failed ? SBX_SERVICE_E_CRYPTO : SBX_SERVICE_OK;
}

void sealing_init(struct sealing *sealing, uint32_t root_secret_kind,
		  uint8_t root_secret[SBX_ROOT_SECRET_SIZE],
		  const uint8_t component_digests[SBX_MEASURED_COUNT][SBX_DIGEST_SIZE])
{
	mbedtls_gcm_init(&sealing->gcm);
	if (root_secret_kind == SBX_ROOT_SECRET_PER_BOOT || root_secret_kind == SBX_ROOT_SECRET_TPM)
		sealing->status = derive_key(&sealing->gcm, root_secret, component_digests);
	else
		sealing->status = SBX_SERVICE_E_NO_ENTROPY;
	mbedtls_platform_zeroize(root_secret, SBX_ROOT_SECRET_SIZE);
}

void sealing_free(struct sealing *sealing)
{
	mbedtls_gcm_free(&sealing->gcm);
}

int32_t seal_handle(struct sealing *sealing, struct entropy *entropy, struct service_call *call)
{
	struct sbx_sealed_header header;

	if (call->length == 0 || call->length > SBX_SEAL_MAX)
		return SBX_SERVICE_E_MALFORMED;
	if (sealing->status != SBX_SERVICE_OK)
		return sealing->status;
	if (!entropy_ready(entropy))
		return SBX_SERVICE_E_NO_ENTROPY;

	memset(&header, 0, sizeof(header));
	header.magic = SBX_SEAL_MAGIC;
	header.version = SBX_SEAL_VERSION;
	header.data_size = call->length;
	if (entropy_random(entropy, header.iv, IV_SIZE) != 0 ||
	    mbedtls_gcm_crypt_and_tag(&sealing->gcm, MBEDTLS_GCM_ENCRYPT, call->length,
				      header.iv, IV_SIZE, (const unsigned char *)&header,
				      AAD_SIZE, call->payload, call->reply + HEADER_SIZE,
				      TAG_SIZE, header.tag) != 0)
		return SBX_SERVICE_E_CRYPTO;
	memcpy(call->reply, &header, HEADER_SIZE);
	call->reply_length = HEADER_SIZE + call->length;
	return SBX_SERVICE_OK;
}

int32_t unseal_handle(struct sealing *sealing, struct service_call *call)
{
	struct sbx_sealed_header header;
	uint8_t plaintext[SBX_SEAL_MAX];
	uint32_t data_size;

	if (call->length <= HEADER_SIZE || call->length > HEADER_SIZE + SBX_SEAL_MAX)
		return SBX_SERVICE_E_MALFORMED;
	if (sealing->status != SBX_SERVICE_OK)
		return sealing->status;
	data_size = call->length - HEADER_SIZE;

	/* A header we did not write is a blob we did not seal: the same answer as a
	 * failed tag, since the header is authenticated data all the same. */
	memcpy(&header, call->payload, HEADER_SIZE);
	if (header.magic != SBX_SEAL_MAGIC || header.version != SBX_SEAL_VERSION ||
	    header.data_size != data_size)
		return SBX_SERVICE_E_INTEGRITY;
	/* Into a buffer of our own, so a blob that fails authentication never puts
	 * a byte into the reply (mbedTLS wipes its output then, too). */
	if (mbedtls_gcm_auth_decrypt(&sealing->gcm, data_size, header.iv, IV_SIZE,
				     (const unsigned char *)&header, AAD_SIZE, header.tag,
				     TAG_SIZE, call->payload + HEADER_SIZE, plaintext) != 0)
		return SBX_SERVICE_E_INTEGRITY;
	memcpy(call->reply, plaintext, data_size);
	mbedtls_platform_zeroize(plaintext, data_size);
	call->reply_length = data_size;
	return SBX_SERVICE_OK;
}
