/* Host-only companions of the policy parser, for sbx-policy, the tests and the
 * fuzzer: writing a policy back in the policy language, and comparing policies. */
#ifndef SBX_POLICY_FORMAT_H
#define SBX_POLICY_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/* More than the longest text policy_format writes (16 ranges, both callers with
 * every service): a buffer of this size always holds it. */
#define POLICY_FORMAT_MAX 4096

/* Writes `policy`, as policy_parse fills it, in the policy language: the version,
 * then every setting explicit, one statement per line in the README's table order,
 * ranges in file order with hex address and size, one "allow" line per caller that
 * may use any service. Parsing the text gives a policy equal to `policy`
 * (policy_equal). Like snprintf, the text is NUL-terminated and cut to fit `size`,
 * and the return value is its full length. */
size_t policy_format(const struct policy *policy, char *buffer, size_t size);

/* Whether two policies are the same, ignoring where their ranges were written. */
bool policy_equal(const struct policy *a, const struct policy *b);

#endif
