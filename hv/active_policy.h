/* The policy the hypervisor enforces: parsed from the policy module after it was
 * measured, and never changed after the partitions start. */
#ifndef SBX_HV_ACTIVE_POLICY_H
#define SBX_HV_ACTIVE_POLICY_H

#include "policy.h"

extern struct policy active_policy;

#endif
