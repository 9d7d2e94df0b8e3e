#include <string.h>

#include "direct_sign.h"
#include "mbedtls/sha256.h"

#define DOMAIN_SIZE (sizeof(SBX_KEY_SIGN_DOMAIN) - 1)
#define SCALAR_SIZE 32

/* RFC 6979, A.2.5: the P-256 private key, and the signature of "sample" with
 * SHA-256, DER-encoded (both integers have their top bit set, so each gets a
 * leading zero). */
static const uint8_t private_key[SCALAR_SIZE] = {
	0xc9, 0xaf, 0xa9, 0xd8, 0x45, 0xba, 0x75, 0x16, 0x6b, 0x5c, 0x21, 0x57, 0x67, 0xb1,
	0xd6, 0x93, 0x4e, 0x50, 0xc3, 0xdb, 0x36, 0xe8, 0x9b, 0x12, 0x7b, 0x8a, 0x62, 0x2b,
	0x12, 0x0f, 0x67, 0x21,
};
static const char sample[] = "sample";
static const uint8_t sample_signature[] = {
	0x30, 0x46, 0x02, 0x21, 0x00,
	0xef, 0xd4, 0x8b, 0x2a, 0xac, 0xb6, 0xa8, 0xfd, 0x11, 0x40, 0xdd, 0x9c, 0xd4, 0x5e,
	0x81, 0xd6, 0x9d, 0x2c, 0x87, 0x7b, 0x56, 0xaa, 0xf9, 0x91, 0xc3, 0x4d, 0x0e, 0xa8,
	0x4e, 0xaf, 0x37, 0x16,
	0x02, 0x21, 0x00,
	0xf7, 0xcb, 0x1c, 0x94, 0x2d, 0x65, 0x7c, 0x41, 0xd4, 0x36, 0xc7, 0xa1, 0xb6, 0xe2,
	0x9f, 0x65, 0xf3, 0xe9, 0x00, 0xdb, 0xb9, 0xaf, 0xf4, 0x06, 0x4d, 0xc4, 0xab, 0x2f,
	0x84, 0x3a, 0xcd, 0xa8,
};
static const char blinding_seed[] = "sbx test guest: blinding only";

static int sign_hash(struct direct_signer *signer, const uint8_t hash[SBX_DIGEST_SIZE],
		     uint8_t der[SBX_SIGNATURE_MAX], size_t *size)
{
	return mbedtls_ecdsa_write_signature(&signer->key, MBEDTLS_MD_SHA256, hash,
					     SBX_DIGEST_SIZE, der, size, mbedtls_hmac_drbg_random,
					     &signer->blinding);
}

const char *direct_signer_init(struct direct_signer *signer)
{
	uint8_t hash[SBX_DIGEST_SIZE], der[SBX_SIGNATURE_MAX];
	size_t size;

	mbedtls_ecdsa_init(&signer->key);
	mbedtls_hmac_drbg_init(&signer->blinding);
	if (mbedtls_ecp_read_key(MBEDTLS_ECP_DP_SECP256R1, &signer->key, private_key,
				 sizeof(private_key)) != 0)
		return "mbedTLS did not load the private key";
	if (mbedtls_hmac_drbg_seed_buf(&signer->blinding,
				       mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
				       (const unsigned char *)blinding_seed,
				       sizeof(blinding_seed) - 1) != 0)
		return "mbedTLS did not seed the blinding DRBG";
	if (mbedtls_sha256_ret((const unsigned char *)sample, sizeof(sample) - 1, hash, 0) != 0 ||
	    sign_hash(signer, hash, der, &size) != 0)
		return "mbedTLS did not sign RFC 6979's sample";
	if (size != sizeof(sample_signature) || memcmp(der, sample_signature, size))
		return "the signature of RFC 6979's sample differs from the RFC's";
	return NULL;
}

int direct_sign(struct direct_signer *signer, uint32_t usage,
		const uint8_t label[SBX_KEY_LABEL_SIZE], const uint8_t digest[SBX_DIGEST_SIZE],
		uint8_t der[SBX_SIGNATURE_MAX], size_t *size)
{
	uint8_t message[DOMAIN_SIZE + sizeof(usage) + SBX_KEY_LABEL_SIZE + SBX_DIGEST_SIZE];
	uint8_t hash[SBX_DIGEST_SIZE];
	int error;

	/* The ABI's integers are little-endian, as is this machine. */
	memcpy(message, SBX_KEY_SIGN_DOMAIN, DOMAIN_SIZE);
	memcpy(message + DOMAIN_SIZE, &usage, sizeof(usage));
	memcpy(message + DOMAIN_SIZE + sizeof(usage), label, SBX_KEY_LABEL_SIZE);
	memcpy(message + DOMAIN_SIZE + sizeof(usage) + SBX_KEY_LABEL_SIZE, digest,
	       SBX_DIGEST_SIZE);
	error = mbedtls_sha256_ret(message, sizeof(message), hash, 0);
	return error ? error : sign_hash(signer, hash, der, size);
}

void direct_signer_free(struct direct_signer *signer)
{
	mbedtls_hmac_drbg_free(&signer->blinding);
	mbedtls_ecdsa_free(&signer->key);
}
