#include "console.h"
#include "partition.h"

/* In .bss and filled at run time: the hypervisor image may hold no mutable data. */
struct partition partitions[SBX_PARTITION_COUNT];

void partitions_init(void)
{
	for (int p = 0; p < SBX_PARTITION_COUNT; p++)
		for (uint32_t v = 0; v < SBX_MAX_CPUS; v++) {
			partitions[p].vcpus[v].partition = &partitions[p];
			partitions[p].vcpus[v].index = v;
		}
	partitions[SBX_PARTITION_COMMODITY].id = SBX_PARTITION_COMMODITY;
	partitions[SBX_PARTITION_COMMODITY].name = "commodity";
	partitions[SBX_PARTITION_COMMODITY].violation_response = VIOLATION_INJECT_FAULT;
	partitions[SBX_PARTITION_SECUREBOX].id = SBX_PARTITION_SECUREBOX;
	partitions[SBX_PARTITION_SECUREBOX].name = "securebox";
	partitions[SBX_PARTITION_SECUREBOX].violation_response = VIOLATION_STOP;
}

void partition_stop(struct partition *partition, const char *reason)
{
	partition->stop_reason = reason;
	/* Other vCPUs see it before their next run and stop too. */
	__atomic_store_n(&partition->state, PARTITION_STOPPED, __ATOMIC_RELEASE);
}

enum run_outcome partition_protocol_violation(struct partition *partition, const char *what)
{
	printk("sbx: %s: violation: %s: stopping the partition\n", partition->name, what);
	partition_stop(partition, what);
	return RUN_STOPPED;
}
