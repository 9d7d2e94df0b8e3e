#include <string.h>

#include "signing_key.h"

_Static_assert(MBEDTLS_ECDSA_MAX_LEN <= SBX_SIGNATURE_MAX,
	       "mbedTLS writes a signature straight into the ABI's buffer");

void signing_key_init(struct signing_key *key)
{
	mbedtls_ecdsa_init(&key->pair);
	memset(key->public_key, 0, sizeof(key->public_key));
}

int32_t signing_key_generate(struct signing_key *key, struct entropy *entropy)
{
	size_t size;

	if (!entropy_ready(entropy) || entropy_reseed(entropy) != 0)
		return SBX_SERVICE_E_NO_ENTROPY;
	if (mbedtls_ecdsa_genkey(&key->pair, MBEDTLS_ECP_DP_SECP256R1, entropy_random,
				 entropy) != 0 ||
	    mbedtls_ecp_point_write_binary(&key->pair.grp, &key->pair.Q,
					   MBEDTLS_ECP_PF_UNCOMPRESSED, &size, key->public_key,
					   sizeof(key->public_key)) != 0 ||
	    size != SBX_PUBLIC_KEY_SIZE) {
		signing_key_free(key);
		signing_key_init(key);
		return SBX_SERVICE_E_CRYPTO;
	}
	return SBX_SERVICE_OK;
}

int32_t signing_key_sign(struct signing_key *key, struct entropy *entropy,
			 const uint8_t digest[SBX_DIGEST_SIZE], uint8_t der[SBX_SIGNATURE_MAX],
			 uint32_t *size)
{
	size_t written;

	if (mbedtls_ecdsa_write_signature(&key->pair, MBEDTLS_MD_SHA256, digest,
					  SBX_DIGEST_SIZE, der, &written, entropy_random,
					  entropy) != 0)
		return SBX_SERVICE_E_CRYPTO;
	*size = (uint32_t)written;
	return SBX_SERVICE_OK;
}

void signing_key_free(struct signing_key *key)
{
	mbedtls_ecdsa_free(&key->pair);
	memset(key->public_key, 0, sizeof(key->public_key));
}
