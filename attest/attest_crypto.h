/* How host attestation code includes mbedTLS: include this first, and it selects
 * attest_mbedtls_config.h before any mbedTLS header is read; other mbedTLS headers
 * may follow it. Host builds put the hypervisor's configuration on the command line
 * (-DMBEDTLS_CONFIG_FILE), so it is replaced here rather than merely defined. */
#ifndef SBX_ATTEST_CRYPTO_H
#define SBX_ATTEST_CRYPTO_H

/* Every mbedTLS configuration ends in check_config.h: if it has been read, some
 * header already pulled in mbedTLS under another configuration. */
#ifdef MBEDTLS_CHECK_CONFIG_H
#error "attest_crypto.h must be included before any other mbedTLS header"
#endif

#undef MBEDTLS_CONFIG_FILE
#define MBEDTLS_CONFIG_FILE "attest_mbedtls_config.h"

#include "mbedtls/asn1.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"
#include "mbedtls/sha256.h"

#endif
