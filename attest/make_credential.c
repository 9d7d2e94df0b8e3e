/* TPM2_MakeCredential in software (TPM 2.0 Part 1, 24; Part 3, 12.6) for the EK of
 * template L-1: what the verifier sends so that only the TPM holding both this EK
 * and the key named `ak_name` can recover the credential. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "ek_identity.h"

#include <string.h>

#include <tss2/tss2_mu.h>

#include "kdfa.h"
#include "mbedtls/aes.h"
#include "mbedtls/md.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/rsa.h"

/* Sizes fixed by the EK's template: nameAlg SHA-256 sizes the seed, the HMAC key
 * and the largest credential a TPM accepts (Part 3, 12.6: TPM_RC_SIZE); its
 * symmetric definition is AES-128. */
#define SHA256_SIZE 32
#define SEED_SIZE SHA256_SIZE
#define CREDENTIAL_SIZE_LIMIT SHA256_SIZE
#define AES_128_KEY_SIZE 16
#define AES_BLOCK_SIZE 16

/* The OAEP label of a credential's seed; the TPM includes its terminating zero. */
static const char identity_label[] = "IDENTITY";

/* Key material, wiped on every return. */
struct secrets {
	uint8_t seed[SEED_SIZE];
	uint8_t symmetric_key[AES_128_KEY_SIZE];
	uint8_t hmac_key[SHA256_SIZE];
	uint8_t plain_identity[sizeof(TPM2B_DIGEST)];
};

static int fail(const char *message, const char **reason)
{
	*reason = message;
	return -1;
}

/* The seed, encrypted to the EK: RSA-OAEP with the EK's nameAlg, SHA-256. */
static int encrypt_seed(const struct ek_public *ek, const uint8_t seed[SEED_SIZE],
			int (*random)(void *, unsigned char *, size_t), void *random_context,
			TPM2B_ENCRYPTED_SECRET *secret, const char **reason)
{
	mbedtls_rsa_context rsa;
	uint8_t exponent[4] = { ek->exponent >> 24, ek->exponent >> 16, ek->exponent >> 8,
				ek->exponent };
	int result = -1;

	mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
	if (mbedtls_rsa_import_raw(&rsa, ek->modulus, sizeof(ek->modulus), NULL, 0, NULL, 0,
				   NULL, 0, exponent, sizeof(exponent)) != 0 ||
	    mbedtls_rsa_complete(&rsa) != 0 || mbedtls_rsa_check_pubkey(&rsa) != 0 ||
	    mbedtls_rsa_get_len(&rsa) != EK_RSA_MODULUS_SIZE) {
		fail("the EK is no RSA-2048 public key", reason);
		goto out;
	}
	if (mbedtls_rsa_rsaes_oaep_encrypt(&rsa, random, random_context, MBEDTLS_RSA_PUBLIC,
					   (const uint8_t *)identity_label, sizeof(identity_label),
					   SEED_SIZE, seed, secret->secret) != 0) {
		fail("RSA-OAEP encryption of the seed failed", reason);
		goto out;
	}
	secret->size = EK_RSA_MODULUS_SIZE;
	result = 0;
out:
	mbedtls_rsa_free(&rsa);
	return result;
}

/* encIdentity: the credential as a TPM2B_DIGEST, size field included, in AES-128-CFB
 * with a zero IV (Part 1, 24.4): the key is used for this one message only. */
static int encrypt_identity(struct secrets *secrets, const uint8_t *credential,
			    size_t credential_size, uint8_t *enc_identity, size_t *enc_size,
			    const char **reason)
{
	TPM2B_DIGEST plain = { .size = credential_size };
	mbedtls_aes_context aes;
	uint8_t iv[AES_BLOCK_SIZE] = { 0 };
	size_t iv_offset = 0, plain_size = 0;
	int result = -1;

	memcpy(plain.buffer, credential, credential_size);
	mbedtls_aes_init(&aes);
	if (Tss2_MU_TPM2B_DIGEST_Marshal(&plain, secrets->plain_identity,
					 sizeof(secrets->plain_identity),
					 &plain_size) != TSS2_RC_SUCCESS) {
		fail("the credential does not marshal as a TPM2B_DIGEST", reason);
		goto out;
	}
	if (mbedtls_aes_setkey_enc(&aes, secrets->symmetric_key, AES_128_KEY_SIZE * 8) != 0 ||
	    mbedtls_aes_crypt_cfb128(&aes, MBEDTLS_AES_ENCRYPT, plain_size, &iv_offset, iv,
				     secrets->plain_identity, enc_identity) != 0) {
		fail("AES-128-CFB encryption of the credential failed", reason);
		goto out;
	}
	*enc_size = plain_size;
	result = 0;
out:
	mbedtls_platform_zeroize(&plain, sizeof(plain));
	mbedtls_aes_free(&aes);
	return result;
}

/* integrityHMAC = HMAC-SHA-256(HMACkey, encIdentity || Name) (Part 1, 24.5): it binds
 * the blob to the Name, so that the TPM refuses it for any other key. */
static int integrity_hmac(const struct secrets *secrets, const uint8_t *enc_identity,
			  size_t enc_size, const uint8_t ak_name[EK_NAME_SIZE],
			  TPM2B_DIGEST *hmac, const char **reason)
{
	mbedtls_md_context_t md;
	int result = 0;

	mbedtls_md_init(&md);
	if (mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1) != 0 ||
	    mbedtls_md_hmac_starts(&md, secrets->hmac_key, sizeof(secrets->hmac_key)) != 0 ||
	    mbedtls_md_hmac_update(&md, enc_identity, enc_size) != 0 ||
	    mbedtls_md_hmac_update(&md, ak_name, EK_NAME_SIZE) != 0 ||
	    mbedtls_md_hmac_finish(&md, hmac->buffer) != 0)
		result = fail("HMAC-SHA-256 of the credential failed", reason);
	hmac->size = SHA256_SIZE;
	mbedtls_md_free(&md);
	return result;
}

/* TPMS_ID_OBJECT: integrityHMAC as a TPM2B_DIGEST, then encIdentity, whose size
 * field is inside the encryption, so it has none of its own. */
static int marshal_id_object(const TPM2B_DIGEST *hmac, const uint8_t *enc_identity,
			     size_t enc_size, uint8_t blob[CREDENTIAL_BLOB_SIZE_MAX],
			     size_t *blob_size, const char **reason)
{
	TPM2B_ID_OBJECT id_object = { 0 };
	size_t hmac_size = 0;

	if (Tss2_MU_TPM2B_DIGEST_Marshal(hmac, id_object.credential, sizeof(id_object.credential),
					 &hmac_size) != TSS2_RC_SUCCESS ||
	    enc_size > sizeof(id_object.credential) - hmac_size)
		return fail("the credential blob does not fit a TPM2B_ID_OBJECT", reason);
	memcpy(id_object.credential + hmac_size, enc_identity, enc_size);
	id_object.size = hmac_size + enc_size;
	*blob_size = 0;
	if (Tss2_MU_TPM2B_ID_OBJECT_Marshal(&id_object, blob, CREDENTIAL_BLOB_SIZE_MAX,
					    blob_size) != TSS2_RC_SUCCESS)
		return fail("the credential blob does not marshal", reason);
	return 0;
}

static int check_arguments(const struct ek_public *ek, const uint8_t *ak_name,
			   const uint8_t *credential, size_t credential_size,
			   int (*random)(void *, unsigned char *, size_t), const uint8_t *blob,
			   const size_t *blob_size, const uint8_t *secret,
			   const size_t *secret_size, const char **reason)
{
	if (!ek || !ak_name || !credential || !random || !blob || !blob_size || !secret ||
	    !secret_size)
		return fail("a required argument is NULL", reason);
	if (credential_size == 0 || credential_size > CREDENTIAL_SIZE_LIMIT)
		return fail("the credential must be 1 to 32 bytes (the EK's nameAlg digest size)",
			    reason);
	/* The KDF and the HMAC take the Name as it is; only a SHA-256 Name is 34 bytes. */
	if (ak_name[0] != (TPM2_ALG_SHA256 >> 8) || ak_name[1] != (TPM2_ALG_SHA256 & 0xff))
		return fail("the AK Name is not a SHA-256 Name", reason);
	return 0;
}

int make_credential(const struct ek_public *ek, const uint8_t ak_name[EK_NAME_SIZE],
		    const uint8_t *credential, size_t credential_size,
		    int (*random)(void *context, unsigned char *out, size_t size),
		    void *random_context, uint8_t blob[CREDENTIAL_BLOB_SIZE_MAX],
		    size_t *blob_size, uint8_t secret[ENCRYPTED_SECRET_SIZE_MAX],
		    size_t *secret_size, const char **reason)
{
	const char *ignored_reason;
	struct secrets secrets;
	TPM2B_ENCRYPTED_SECRET encrypted_seed = { 0 };
	TPM2B_DIGEST hmac = { 0 };
	uint8_t enc_identity[sizeof(TPM2B_DIGEST)];
	size_t enc_size = 0;
	int result = -1;

	if (!reason)
		reason = &ignored_reason;
	*reason = "";
	if (blob_size)
		*blob_size = 0;
	if (secret_size)
		*secret_size = 0;
	if (check_arguments(ek, ak_name, credential, credential_size, random, blob, blob_size,
			    secret, secret_size, reason) != 0)
		return -1;
	memset(&secrets, 0, sizeof(secrets));

	if (random(random_context, secrets.seed, sizeof(secrets.seed)) != 0) {
		fail("the random generator failed", reason);
		goto out;
	}
	if (encrypt_seed(ek, secrets.seed, random, random_context, &encrypted_seed, reason) != 0)
		goto out;
	/* Part 1, 24.4 and 24.5: the symmetric key depends on the Name, the HMAC key not. */
	if (kdfa_sha256(secrets.seed, sizeof(secrets.seed), "STORAGE", ak_name, EK_NAME_SIZE,
			NULL, 0, secrets.symmetric_key, sizeof(secrets.symmetric_key)) != 0 ||
	    kdfa_sha256(secrets.seed, sizeof(secrets.seed), "INTEGRITY", NULL, 0, NULL, 0,
			secrets.hmac_key, sizeof(secrets.hmac_key)) != 0) {
		fail("KDFa failed", reason);
		goto out;
	}
	if (encrypt_identity(&secrets, credential, credential_size, enc_identity, &enc_size,
			     reason) != 0 ||
	    integrity_hmac(&secrets, enc_identity, enc_size, ak_name, &hmac, reason) != 0 ||
	    marshal_id_object(&hmac, enc_identity, enc_size, blob, blob_size, reason) != 0)
		goto out;
	if (Tss2_MU_TPM2B_ENCRYPTED_SECRET_Marshal(&encrypted_seed, secret,
						   ENCRYPTED_SECRET_SIZE_MAX,
						   secret_size) != TSS2_RC_SUCCESS) {
		fail("the encrypted secret does not marshal", reason);
		goto out;
	}
	result = 0;
out:
	if (result != 0) {
		*blob_size = 0;
		*secret_size = 0;
	}
	mbedtls_platform_zeroize(&secrets, sizeof(secrets));
	return result;
}
