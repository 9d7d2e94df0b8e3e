/* sbxctl cpuid: what CPUID says on each CPU about the hypervisor underneath. Under
 * sbx every vCPU of the commodity partition must say it: CPUID.1:ECX[31] (a
 * hypervisor is present) and "sbxsbxsbxsbx" in leaf 0x40000000, the leaf sbx.ko
 * checks before it loads. CPUID needs no privilege. */
#define _GNU_SOURCE   /* sched_setaffinity, sched_getcpu */
#include <cpuid.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "sbxctl.h"

#define HYPERVISOR_LEAF 0x40000000u
#define SIGNATURE_SIZE  12
#define SBX_SIGNATURE   "sbxsbxsbxsbx"

struct cpuid_answer {
	int cpu;
	unsigned hypervisor_bit;
	uint32_t max_leaf;
	uint8_t signature[SIGNATURE_SIZE];   /* EBX, ECX, EDX of the leaf */
};

/* Moves this thread onto `cpu` (the kernel migrates it before sched_setaffinity
 * returns) and asks CPUID there. */
static int ask_cpu(int cpu, struct cpuid_answer *answer)
{
	cpu_set_t set;
	unsigned eax, ebx, ecx, edx;
	int ran_on;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return fail(SBXCTL_FAILED, "cpuid: moving to cpu %d: %s", cpu, strerror(errno));
	answer->cpu = cpu;
	__cpuid(1, eax, ebx, ecx, edx);
	answer->hypervisor_bit = ecx >> 31;
	/* __cpuid, not __get_cpuid: the latter refuses leaves above the basic range. */
	__cpuid(HYPERVISOR_LEAF, eax, ebx, ecx, edx);
	answer->max_leaf = eax;
	memcpy(answer->signature, &ebx, 4);
	memcpy(answer->signature + 4, &ecx, 4);
	memcpy(answer->signature + 8, &edx, 4);
	ran_on = sched_getcpu();
	if (ran_on != cpu)
		return fail(SBXCTL_FAILED, "cpuid: ran on cpu %d, not %d", ran_on, cpu);
	return SBXCTL_OK;
}

int command_cpuid(int argc, char **argv)
{
	static const char *const names[] = { "--cpus" };
	static int cpus[SBXCTL_CPUS_MAX];
	static struct cpuid_answer answers[SBXCTL_CPUS_MAX];
	const char *list = NULL;
	const struct cpuid_answer *wrong = NULL;
	int cpu_count, status = parse_options(argc, argv, names, &list, 1);

	if (status != SBXCTL_OK || (status = parse_cpu_list("cpuid", list, cpus, &cpu_count)))
		return status;
	for (int i = 0; i < cpu_count; i++)
		if ((status = ask_cpu(cpus[i], &answers[i])) != SBXCTL_OK)
			return status;

	for (int i = 0; i < cpu_count; i++) {
		const struct cpuid_answer *answer = &answers[i];
		/* Whatever another hypervisor, or none, puts there stays one printable word. */
		char signature[SIGNATURE_SIZE + 1] = { 0 };

		for (int c = 0; c < SIGNATURE_SIZE; c++)
			signature[c] = answer->signature[c] > ' ' && answer->signature[c] < 0x7f ?
				       (char)answer->signature[c] : '.';
		if (!wrong && (!answer->hypervisor_bit ||
			       memcmp(answer->signature, SBX_SIGNATURE, SIGNATURE_SIZE)))
			wrong = answer;
		if (json_output) {
			printf("%s{\"cpu\":%d,\"hypervisor_bit\":%u,\"signature\":",
			       i ? "," : "{\"cpus\":[", answer->cpu, answer->hypervisor_bit);
			print_json_string(signature);
			printf(",\"max_leaf\":%u}", answer->max_leaf);
		} else {
			printf("cpuid cpu %d: hypervisor-bit=%u signature=%s max-leaf=0x%x\n",
			       answer->cpu, answer->hypervisor_bit, signature, answer->max_leaf);
		}
	}
	if (json_output)
		printf("]}\n");
	if (wrong && !wrong->hypervisor_bit)
		return fail(SBXCTL_FAILED, "cpuid: cpu %d: no hypervisor bit (CPUID.1:ECX[31])",
			    wrong->cpu);
	if (wrong)
		return fail(SBXCTL_FAILED, "cpuid: cpu %d: no %s signature in leaf 0x%x",
			    wrong->cpu, SBX_SIGNATURE, HYPERVISOR_LEAF);
	return SBXCTL_OK;
}
