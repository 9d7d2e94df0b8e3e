/* mbedTLS configuration shared by every sbx build of Debian's mbedtls source: the
 * freestanding hypervisor and the host tools and tests that must compute the same
 * digests. The hypervisor needs SHA-256 only; everything else lives in the securebox. */
#ifndef SBX_MBEDTLS_CONFIG_H
#define SBX_MBEDTLS_CONFIG_H

#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_NO_UDBL_DIVISION
#define MBEDTLS_SHA256_C
/* sbx supplies mbedtls_platform_zeroize (lib/crypto/zeroize.c): mbedTLS's own keeps a
 * writable function pointer, and the hypervisor image may hold no mutable data. */
#define MBEDTLS_PLATFORM_ZEROIZE_ALT

#include "mbedtls/check_config.h"

#endif
