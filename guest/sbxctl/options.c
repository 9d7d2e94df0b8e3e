/* "--name VALUE" options after a command word, and the values more than one command
 * takes. */
#define _GNU_SOURCE   /* cpu_set_t, sched_getaffinity */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "sbxctl.h"

_Static_assert(SBXCTL_CPUS_MAX <= CPU_SETSIZE, "a cpu_set_t holds every CPU number");

int parse_options(int argc, char **argv, const char *const *names, const char **values,
		  size_t count)
{
	for (int i = 0; i < argc; i += 2) {
		size_t option = 0;

		while (option < count && strcmp(argv[i], names[option]) != 0)
			option++;
		if (option == count)
			return fail(SBXCTL_USAGE, "unknown option %s (see --help)", argv[i]);
		if (i + 1 >= argc)
			return fail(SBXCTL_USAGE, "%s needs a value", argv[i]);
		/* A repeated option is a mistake in the command line, not a correction. */
		if (values[option])
			return fail(SBXCTL_USAGE, "%s is given twice", argv[i]);
		values[option] = argv[i + 1];
	}
	return SBXCTL_OK;
}

int parse_cpu_list(const char *command, const char *list, int *cpus, int *count)
{
	cpu_set_t allowed, listed;
	const char *element = list;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return fail(SBXCTL_FAILED, "%s: sched_getaffinity: %s", command, strerror(errno));
	*count = 0;
	if (!list) {
		for (int cpu = 0; cpu < SBXCTL_CPUS_MAX; cpu++)
			if (CPU_ISSET(cpu, &allowed))
				cpus[(*count)++] = cpu;
		return SBXCTL_OK;
	}
	CPU_ZERO(&listed);
	for (;;) {
		char *end;
		unsigned long cpu;

		/* Digits only: strtoul alone would also take a sign or spaces. */
		if (*element < '0' || *element > '9')
			return fail(SBXCTL_USAGE, "%s: --cpus takes CPU numbers separated by "
				    "commas, like 0,1,2,3", command);
		errno = 0;
		cpu = strtoul(element, &end, 10);
		if (*end != ',' && *end != '\0')
			return fail(SBXCTL_USAGE, "%s: --cpus takes CPU numbers separated by "
				    "commas, like 0,1,2,3", command);
		if (errno || cpu >= SBXCTL_CPUS_MAX || !CPU_ISSET(cpu, &allowed))
			return fail(SBXCTL_USAGE, "%s: cpu %.*s is not one this process may run on",
				    command, (int)(end - element), element);
		if (CPU_ISSET(cpu, &listed))
			return fail(SBXCTL_USAGE, "%s: cpu %lu is listed twice", command, cpu);
		CPU_SET(cpu, &listed);
		cpus[(*count)++] = (int)cpu;
		if (!*end)
			return SBXCTL_OK;
		element = end + 1;
	}
}
