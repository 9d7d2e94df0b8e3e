/* libFuzzer target: arbitrary bytes as a policy file. The parser must accept or
 * reject every input without reading outside it (ASan and UBSan tell), reject with
 * a message and a sane location, every policy it accepts must hold values the
 * language allows (checked here for "cpus", which the hypervisor's limits check
 * trusts), and survive policy_format and a second parse unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "policy_format.h"

static void check_error(const struct policy_error *error)
{
	if (!error->message)
		abort();
	if ((error->location.line == 0) != (error->location.column == 0))
		abort();
	if (error->location.column > POLICY_MAX_LINE + 1)
		abort();
}

/* A count outside 1-POLICY_CPUS_MAX would overrun the per-CPU arrays once the
 * hypervisor gives several CPUs; a count other than the default must come from a
 * statement, whose location the hypervisor's refusal names. */
static void check_cpus(const struct policy *policy)
{
	if (policy->cpus < 1 || policy->cpus > POLICY_CPUS_MAX)
		abort();
	if (policy->cpus != 1 && policy->cpus_location.line == 0)
		abort();
	if ((policy->cpus_location.line == 0) != (policy->cpus_location.column == 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[POLICY_FORMAT_MAX];
	struct policy policy, again;
	struct policy_error error;
	/* Exactly `size` bytes, so ASan catches a read one byte past the input. */
	char *input = malloc(size ? size : 1);
	size_t length;

	if (!input)
		return 0;
	memcpy(input, data, size);
	if (policy_parse(input, size, &policy, &error)) {
		check_error(&error);
		free(input);
		return 0;
	}
	free(input);
	check_cpus(&policy);

	length = policy_format(&policy, text, sizeof(text));
	if (length >= sizeof(text))
		abort();
	if (policy_parse(text, length, &again, &error) || !policy_equal(&policy, &again))
		abort();
	return 0;
}
