/* What this hypervisor version can give of what the policy language lets a policy
 * ask for. The language is written ahead of the hypervisor (issue 8's "cpus"); a
 * policy asking for more than this version gives is refused at launch, never run
 * with less than it says. */
#ifndef SBX_HV_POLICY_LIMITS_H
#define SBX_HV_POLICY_LIMITS_H

#include "policy.h"

/* CPUs this version gives the commodity OS: it runs it on the boot CPU alone. */
#define POLICY_LIMITS_COMMODITY_CPUS 1

/* Returns 0 if this hypervisor can apply `policy` as written, or -1 with `error`
 * at the statement that asks for more (a static message). */
int policy_limits_check(const struct policy *policy, struct policy_error *error);

#endif
