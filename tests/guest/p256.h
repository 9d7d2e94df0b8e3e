/* P-256 public keys as the securebox hands them out: uncompressed SEC1 points
 * (0x04 || X || Y), checked with the securebox's own mbedTLS. */
#ifndef SBX_TEST_GUEST_P256_H
#define SBX_TEST_GUEST_P256_H

#include <stdint.h>

#include <sbx/service.h>

/* NULL if `key` is an uncompressed point on the curve, else why not. Anything
 * else in a public key's place could be any bytes, the private scalar included. */
const char *p256_public_key_problem(const uint8_t key[SBX_PUBLIC_KEY_SIZE]);

#endif
