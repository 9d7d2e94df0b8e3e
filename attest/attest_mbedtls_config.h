/* mbedTLS configuration for the host-side verifier (sbx-verify-report) and its
 * tests, built into build/attest/libmbedcrypto-attest.a. It is not the hypervisor's
 * lib/crypto/mbedtls_config.h: that one is SHA-256 only and freestanding. Include
 * mbedTLS through attest_crypto.h, never directly, so that every file agrees on it. */
#ifndef SBX_ATTEST_MBEDTLS_CONFIG_H
#define SBX_ATTEST_MBEDTLS_CONFIG_H

/* Verification: SHA-256 digests, ECDSA over P-256, DER signatures. */
#define MBEDTLS_SHA256_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C

/* ECDSA_C needs ASN1 writing for its signing half; the tests sign with it. */
#define MBEDTLS_ASN1_WRITE_C

/* ECP wants a DRBG for its internal blinding, and the tests need one to make
 * keys and signatures from a fixed seed: CTR_DRBG, hence AES. */
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_AES_C

/* Quotes (quote_verify.c): RSASSA-PKCS1-v1_5 by RSA-2048 AKs, whose DigestInfo
 * encoding needs the message-digest and OID tables. */
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_MD_C
#define MBEDTLS_OID_C

/* The identity half (ek_public.c, ek_certificate.c, make_credential.c). EK
 * certificates: X.509 parsing with public keys, PEM files for the pinned CA, and
 * the clock, so that every certificate's validity period is checked. */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_FS_IO
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
/* Key usage checks: keyCertSign on every issuer of the chain, keyEncipherment and
 * the EK certificate purpose on the EK certificate. */
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE

/* MakeCredential: the seed goes to the EK with RSA-OAEP, the credential is
 * encrypted with AES-128-CFB and authenticated with HMAC-SHA-256 (MD_C). */
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_CIPHER_MODE_CFB

/* PEM needs it, and the client decodes the agent's base64 fields with it. */
#define MBEDTLS_BASE64_C

#include "mbedtls/check_config.h"

#endif
