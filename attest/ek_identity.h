/* The verifier's side of the TPM identity (ATTESTATION.md, steps 1 and 3): the EK's
 * public area, its certificate's chain to the pinned CA, and MakeCredential, which
 * binds an AK to that EK. Only the TCG default RSA-2048 EK (EK Credential Profile
 * 2.0, template L-1) is accepted: it is the one swtpm_setup certifies. */
#ifndef SBX_ATTEST_EK_IDENTITY_H
#define SBX_ATTEST_EK_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#define EK_RSA_MODULUS_SIZE 256
#define EK_NAME_SIZE 34                 /* TPM_ALG_SHA256 || SHA-256(public area) */
#define CREDENTIAL_SIZE_MAX 64          /* the credential travels as a TPM2B_DIGEST */
#define CREDENTIAL_BLOB_SIZE_MAX 256    /* a marshalled TPM2B_ID_OBJECT */
#define ENCRYPTED_SECRET_SIZE_MAX 260   /* a marshalled TPM2B_ENCRYPTED_SECRET */

struct ek_public {
	uint8_t modulus[EK_RSA_MODULUS_SIZE];   /* big-endian */
	uint32_t exponent;                      /* 65537 when the area says 0 */
	uint8_t name[EK_NAME_SIZE];
};

/* Parses `bytes`, a TPM2B_PUBLIC (size prefix included) that must fill `size`
 * exactly, and requires template L-1: RSA-2048, nameAlg SHA-256, fixedTPM |
 * fixedParent | sensitiveDataOrigin | adminWithPolicy | restricted | decrypt, the
 * PolicySecret(TPM_RH_ENDORSEMENT) authPolicy, AES-128-CFB, scheme NULL. Returns an
 * enum verify_status (report_verify.h): VERIFY_MALFORMED for a bad encoding,
 * VERIFY_UNTRUSTED for a well-formed key of another template; `*reason` then says
 * which check failed. */
int ek_public_parse(const uint8_t *bytes, size_t size, struct ek_public *ek,
		    const char **reason);

/* Checks `der`, an EK certificate: it parses as X.509 v3 with nothing after it,
 * chains through the certificates in `chain_pem_path` (untrusted intermediates; NULL
 * for none) to the single root in `root_pem_path`, every certificate of that path
 * (root included) is valid now, it is no CA, it has a keyUsage that allows
 * keyEncipherment and, if it names extended key usages, tcg-kp-EKCertificate, and
 * it certifies exactly `ek`'s RSA key. The TCG parts of swtpm's EK certificates (a
 * critical subjectAltName with a directoryName, subjectDirectoryAttributes) are
 * accepted; an unknown critical extension is not. Returns an enum verify_status:
 * VERIFY_MALFORMED if it does not parse, VERIFY_CRYPTO_FAILURE if a signature of
 * the chain fails (the issuer found by name and key identifier, its key not
 * verifying), VERIFY_UNTRUSTED otherwise (unknown issuer, dates, key usage, another
 * key); or -1 if a pinned file cannot be read or holds no PEM certificates, or the
 * root path or `ek` is NULL (a usage error). `reason` (NULL if reason_size is 0)
 * receives a message of at most `reason_size` bytes, "" when trusted. */
int ek_certificate_check(const uint8_t *der, size_t der_size, const char *root_pem_path,
			 const char *chain_pem_path, const struct ek_public *ek, char *reason,
			 size_t reason_size);

/* TPM2_MakeCredential in software (TPM 2.0 Part 1, 24; Part 3, 12.6) for `ek` and
 * the object Name `ak_name` (nameAlg SHA-256, 34 bytes): a random seed encrypted to
 * the EK with RSA-OAEP (SHA-256, label "IDENTITY\0"), the credential encrypted with
 * AES-128-CFB under KDFa(seed, "STORAGE", name) and integrity-protected with an HMAC
 * under KDFa(seed, "INTEGRITY"). `random` (an mbedTLS f_rng) supplies the seed and
 * OAEP's randomness. The credential is 1 to 32 bytes: a TPM refuses one longer than
 * its EK's nameAlg digest. Writes a marshalled TPM2B_ID_OBJECT (70 bytes for a
 * 32-byte credential) and TPM2B_ENCRYPTED_SECRET (258 bytes), size prefixes
 * included, as TPM2_ActivateCredential takes them. Returns 0, or -1 with `*reason`
 * (`reason` may be NULL) and both sizes 0. */
int make_credential(const struct ek_public *ek, const uint8_t ak_name[EK_NAME_SIZE],
		    const uint8_t *credential, size_t credential_size,
		    int (*random)(void *context, unsigned char *out, size_t size),
		    void *random_context, uint8_t blob[CREDENTIAL_BLOB_SIZE_MAX],
		    size_t *blob_size, uint8_t secret[ENCRYPTED_SECRET_SIZE_MAX],
		    size_t *secret_size, const char **reason);

#endif
