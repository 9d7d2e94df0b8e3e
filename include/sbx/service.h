/* Securebox service messages: what travels, through SBX_HC_SECUREBOX_CALL, between
 * a commodity caller and the securebox. Every message starts with a header; all
 * integers are little-endian. */
#ifndef SBX_SERVICE_H
#define SBX_SERVICE_H

#include <stdint.h>

#define SBX_SERVICE_PROTOCOL_VERSION 1
#define SBX_SECUREBOX_VERSION ((0u << 16) | (1u << 8) | 0u)

enum sbx_service {
	SBX_SERVICE_VERSION = 1,     /* no payload -> struct sbx_version_response */
	SBX_SERVICE_ECHO = 2,        /* any payload -> the same payload */
	SBX_SERVICE_REPORT = 3,      /* struct sbx_report_request -> struct sbx_report */
	SBX_SERVICE_KEY_CREATE = 4,  /* struct sbx_key_create_request -> sbx_key_public_response */
	SBX_SERVICE_KEY_SIGN = 5,    /* struct sbx_key_sign_request -> struct sbx_signature */
	SBX_SERVICE_KEY_PUBLIC = 6,  /* struct sbx_key_public_request -> sbx_key_public_response */
	SBX_SERVICE_SEAL = 7,        /* 1..SBX_SEAL_MAX bytes of data -> a sealed blob */
	SBX_SERVICE_UNSEAL = 8,      /* a sealed blob -> the data */
};

enum sbx_service_status {
	SBX_SERVICE_OK = 0,
	SBX_SERVICE_E_MALFORMED = -1,     /* short message, length field disagrees */
	SBX_SERVICE_E_UNKNOWN = -2,       /* no such service */
	SBX_SERVICE_E_VERSION = -3,       /* unsupported protocol version */
	SBX_SERVICE_E_HANDLE = -4,        /* no such key: wrong, or from another boot */
	SBX_SERVICE_E_NO_SLOTS = -5,      /* every key slot is in use */
	SBX_SERVICE_E_USAGE = -6,         /* the key's usage forbids this */
	SBX_SERVICE_E_INTEGRITY = -7,     /* a sealed blob failed authentication: tampered,
	                                   * or sealed under other measurements */
	SBX_SERVICE_E_NO_ENTROPY = -8,    /* no seed: the securebox refuses to make keys */
	SBX_SERVICE_E_CRYPTO = -9,        /* mbedTLS failed */
};

struct sbx_service_header {
	uint32_t version;    /* SBX_SERVICE_PROTOCOL_VERSION */
	uint32_t service;    /* enum sbx_service */
	uint32_t length;     /* payload bytes after the header */
	int32_t status;      /* responses: enum sbx_service_status; requests: 0 */
};

struct sbx_version_response {
	uint32_t securebox_version;   /* SBX_SECUREBOX_VERSION */
	uint32_t protocol_version;    /* SBX_SERVICE_PROTOCOL_VERSION */
};

/* ECDSA P-256 public keys travel as uncompressed SEC1 points: 0x04 || X || Y. */
#define SBX_PUBLIC_KEY_SIZE 65
/* ECDSA signatures travel DER-encoded (SEQUENCE of two INTEGERs), at most 72 bytes. */
#define SBX_SIGNATURE_MAX 72
#define SBX_DIGEST_SIZE 32

/* --- REPORT ---------------------------------------------------------------------
 * A statement, signed by the securebox identity key, of what booted. The identity
 * key's public part is in the report; its SHA-256 was extended into PCR 18 by the
 * hypervisor (event SBX_COMPONENT_SECUREBOX_KEY) before the commodity OS started, so
 * a verifier that trusts a TPM quote of PCR 18 can trust the key. */
#define SBX_NONCE_SIZE 32
#define SBX_USER_DATA_SIZE 64
#define SBX_REPORT_MAGIC 0x52584253u    /* "SBXR" */
#define SBX_REPORT_VERSION 1

struct sbx_report_request {
	uint8_t nonce[SBX_NONCE_SIZE];           /* the verifier's freshness value */
	uint8_t user_data[SBX_USER_DATA_SIZE];   /* bound into the report as given */
};

enum sbx_measured_component {                /* index into component_digests */
	SBX_MEASURED_HYPERVISOR,
	SBX_MEASURED_POLICY,
	SBX_MEASURED_SECUREBOX,
	SBX_MEASURED_KERNEL,
	SBX_MEASURED_INITRD,
	SBX_MEASURED_CMDLINE,
	SBX_MEASURED_COUNT
};

#define SBX_REPORT_FLAG_UNMEASURED 1u   /* tpm=optional boot without a TPM: the digests
                                         * are the hypervisor's own, no PCR holds them */

struct sbx_report_body {
	uint32_t magic;                                   /* SBX_REPORT_MAGIC */
	uint32_t version;                                 /* SBX_REPORT_VERSION */
	uint32_t flags;                                   /* SBX_REPORT_FLAG_* */
	uint32_t reserved;                                /* 0 */
	uint8_t nonce[SBX_NONCE_SIZE];
	uint8_t user_data[SBX_USER_DATA_SIZE];
	uint8_t component_digests[SBX_MEASURED_COUNT][SBX_DIGEST_SIZE];   /* SHA-256 */
	uint8_t pcrs[3][SBX_DIGEST_SIZE];                 /* PCR 17, 18, 19, SHA-256 bank,
	                                                   * as the hypervisor read them
	                                                   * after the separators */
	uint8_t policy_digest[SBX_DIGEST_SIZE];           /* SHA-256 of the policy file */
	uint8_t boot_id[16];                              /* random, new every boot */
	uint8_t identity_public_key[SBX_PUBLIC_KEY_SIZE];
	uint8_t padding[3];                               /* 0 */
};

/* The response payload: the body, then the signature over SHA-256(body). The
 * signature bytes after signature_size are zero, and policy_digest equals
 * component_digests[SBX_MEASURED_POLICY]. */
struct sbx_report {
	struct sbx_report_body body;
	uint32_t signature_size;                          /* bytes used of signature */
	uint8_t signature[SBX_SIGNATURE_MAX];             /* DER ECDSA-SHA256 */
};

/* --- key vault ------------------------------------------------------------------
 * Non-exportable ECDSA P-256 keys: the private half never leaves securebox memory.
 * Each key has a usage fixed at creation, and a signature binds it: the securebox
 * signs SHA-256(SBX_KEY_SIGN_DOMAIN || usage || label || digest), never a caller's
 * digest directly, so a key made for one purpose cannot sign for another, and the
 * vault is no general signing oracle. A verifier rebuilds that hash
 * (attest/report_verify.h does). */
#define SBX_KEY_LABEL_SIZE 32
#define SBX_KEY_SIGN_DOMAIN "sbx key signature v1"   /* 20 bytes, no NUL */
#define SBX_KEY_SLOTS 16

enum sbx_key_usage {
	SBX_KEY_USAGE_AUTHENTICATION = 1,   /* challenge-response log-in */
	SBX_KEY_USAGE_DOCUMENT = 2,         /* document and artefact signing */
};

struct sbx_key_create_request {
	uint32_t usage;                          /* enum sbx_key_usage */
	uint8_t label[SBX_KEY_LABEL_SIZE];       /* the caller's name for the key */
};

struct sbx_key_sign_request {
	uint32_t handle;
	uint32_t usage;                          /* must equal the key's */
	uint8_t digest[SBX_DIGEST_SIZE];
};

struct sbx_key_public_request {
	uint32_t handle;
};

struct sbx_key_public_response {
	uint32_t handle;                         /* stable for this boot only */
	uint32_t usage;
	uint8_t label[SBX_KEY_LABEL_SIZE];
	uint8_t public_key[SBX_PUBLIC_KEY_SIZE];
	uint8_t padding[3];
};

struct sbx_signature {
	uint32_t size;
	uint8_t der[SBX_SIGNATURE_MAX];
};

/* --- sealing --------------------------------------------------------------------
 * SEAL encrypts with AES-256-GCM under a key derived by HKDF-SHA256 from the
 * securebox's root secret and the measured component digests; UNSEAL fails with
 * SBX_SERVICE_E_INTEGRITY on any change to the blob, and under other measurements.
 * See SECURITY.md for what the root secret is bound to. */
#define SBX_SEAL_MAX 2048
#define SBX_SEAL_MAGIC 0x53584253u      /* "SBXS" */
#define SBX_SEAL_VERSION 1

struct sbx_sealed_header {
	uint32_t magic;                          /* SBX_SEAL_MAGIC */
	uint32_t version;                        /* SBX_SEAL_VERSION */
	uint32_t data_size;                      /* ciphertext bytes that follow */
	uint8_t iv[12];
	uint8_t tag[16];
	/* ciphertext[data_size] follows. The GCM additional data is the header's first
	 * 12 bytes (magic, version, data_size): every header field is then either
	 * authenticated or an input to the decryption itself. */
};

#endif
