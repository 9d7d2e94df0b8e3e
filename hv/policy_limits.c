/* Checks a parsed policy against what this hypervisor version gives (see
 * policy_limits.h). */
#include "cpu_topology.h"
#include "policy_limits.h"

/* A policy may never ask for a CPU that the per-CPU arrays have no slot for. */
_Static_assert(POLICY_CPUS_MAX <= CPU_TOPOLOGY_MAX, "cpus beyond the per-CPU arrays");

int policy_limits_check(const struct policy *policy, struct policy_error *error)
{
	if (policy->cpus > POLICY_LIMITS_COMMODITY_CPUS) {
		error->location = policy->cpus_location;
		error->message = "cpus: this hypervisor gives the commodity OS one CPU only";
		return -1;
	}
	return 0;
}
