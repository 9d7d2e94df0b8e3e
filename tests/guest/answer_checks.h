/* Checks of the shape of what the securebox answers, shared by the service
 * scenarios. Pure code. */
#ifndef SBX_TEST_GUEST_ANSWER_CHECKS_H
#define SBX_TEST_GUEST_ANSWER_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sbx/service.h>

/* Whether every one of the `size` bytes is `value` (true for none). */
bool bytes_all(const void *bytes, size_t size, uint8_t value);

/* NULL if der[0, size) is one DER SEQUENCE of two INTEGERs (an ECDSA signature)
 * filling exactly `size` bytes, and the rest of the SBX_SIGNATURE_MAX-byte field
 * is zero; else what is wrong. The signature itself is the host's to verify. */
const char *signature_problem(uint32_t size, const uint8_t der[SBX_SIGNATURE_MAX]);

#endif
