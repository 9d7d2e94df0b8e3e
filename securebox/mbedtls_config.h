/* mbedTLS configuration for the securebox, and for the host builds of the securebox
 * sources (unit tests, fuzzer): exactly what its services use, nothing more. Every
 * module enabled here is one the securebox can be attacked through, so each has a
 * user named beside it. */
#ifndef SBX_SECUREBOX_MBEDTLS_CONFIG_H
#define SBX_SECUREBOX_MBEDTLS_CONFIG_H

/* Platform: no operating system. Allocation goes straight to the securebox's own
 * calloc and free (calloc.c, over a fixed heap), through macros rather than
 * mbedTLS's run-time function pointers. No time source, no files, no threads. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_STD_MEM_HDR <stdlib.h>
#define MBEDTLS_PLATFORM_CALLOC_MACRO calloc
#define MBEDTLS_PLATFORM_FREE_MACRO free
/* lib/crypto/zeroize.c, the same one the hypervisor uses. */
#define MBEDTLS_PLATFORM_ZEROIZE_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_DEPRECATED_REMOVED

/* Bignum multiply-accumulate in x86-64 general-purpose register assembly: several
 * times faster than C, and it touches no SSE register. No 128-bit division, which
 * would need libgcc's __udivti3. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_UDBL_DIVISION
#define MBEDTLS_BIGNUM_C

/* Identity and key vault keys: ECDSA over P-256, deterministic (RFC 6979) so that a
 * signature never depends on the quality of a random number; HMAC_DRBG is what the
 * deterministic nonce is derived with. ASN.1 writes the DER signatures (and parses
 * them in the tests). */
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_HMAC_DRBG_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C

/* Hashing: report bodies, key vault signatures, HKDF. */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C

/* The securebox's random numbers: CTR_DRBG (AES-256) seeded from the hypervisor's
 * seed (entropy.c). */
#define MBEDTLS_CTR_DRBG_C

/* Sealing: AES-256-GCM under a key derived with HKDF-SHA256. The AES tables are
 * constants in read-only memory rather than computed into writable memory on first
 * use. */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C
#define MBEDTLS_HKDF_C

#include "mbedtls/check_config.h"

#endif
