/* Writes a policy back in the policy language (see policy_format.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "policy_format.h"

struct output {
	char *buffer;
	size_t size;
	size_t length;    /* of the full text, even past `size` */
};

static void __attribute__((format(printf, 2, 3))) put(struct output *output, const char *format,
							 ...)
{
	size_t room = output->length < output->size ? output->size - output->length : 0;
	va_list arguments;
	int length;

	va_start(arguments, format);
	length = vsnprintf(room ? output->buffer + output->length : NULL, room, format, arguments);
	va_end(arguments);
	output->length += (size_t)length;
}

static const char *range_keyword(enum policy_range_kind kind)
{
	return kind == POLICY_RANGE_HIDDEN ? "hide" : "read-only";
}

size_t policy_format(const struct policy *policy, char *buffer, size_t size)
{
	struct output output = { buffer, size, 0 };

	if (size)
		buffer[0] = '\0';
	put(&output, "sbx-policy %d\n", POLICY_VERSION);
	/* Always a multiple of 2M. */
	put(&output, "securebox-memory %" PRIu64 "M\n", policy->securebox_memory >> 20);
	put(&output, "cpus %" PRIu32 "\n", policy->cpus);
	for (uint32_t i = 0; i < policy->range_count; i++)
		put(&output, "%s 0x%" PRIx64 " 0x%" PRIx64 "\n",
		    range_keyword(policy->ranges[i].kind), policy->ranges[i].start,
		    policy->ranges[i].size);
	put(&output, "tpm-localities");
	for (unsigned int locality = 0; locality < POLICY_TPM_LOCALITY_COUNT; locality++)
		if (policy->tpm_localities & (1u << locality))
			put(&output, " %u", locality);
	put(&output, "\nuser-hypercalls %s\n", policy->user_hypercalls ? "allow" : "deny");
	for (unsigned int caller = 0; caller < POLICY_CALLER_COUNT; caller++) {
		if (!policy->allowed[caller])
			continue;
		put(&output, "allow %s", policy_caller_name(caller));
		for (unsigned int service = 0; service < POLICY_SERVICE_COUNT; service++)
			if (policy->allowed[caller] & (1u << service))
				put(&output, " %s", policy_service_name(service));
		put(&output, "\n");
	}
	put(&output, "max-request %" PRIu32 "\n", policy->max_request);
	put(&output, "max-response %" PRIu32 "\n", policy->max_response);
	put(&output, "on-violation commodity %s\n",
	    policy_violation_name(policy->commodity_violation));
	put(&output, "on-violation securebox %s\n",
	    policy_violation_name(policy->securebox_violation));
	put(&output, "log hypervisor %s\n", policy_log_level_name(policy->hypervisor_log));
	put(&output, "log securebox %s\n", policy_log_level_name(policy->securebox_log));
	return output.length;
}

bool policy_equal(const struct policy *a, const struct policy *b)
{
	if (a->securebox_memory != b->securebox_memory || a->cpus != b->cpus ||
	    a->range_count != b->range_count ||
	    a->tpm_localities != b->tpm_localities || a->user_hypercalls != b->user_hypercalls ||
	    a->max_request != b->max_request || a->max_response != b->max_response ||
	    a->commodity_violation != b->commodity_violation ||
	    a->securebox_violation != b->securebox_violation ||
	    a->hypervisor_log != b->hypervisor_log || a->securebox_log != b->securebox_log)
		return false;
	for (unsigned int caller = 0; caller < POLICY_CALLER_COUNT; caller++)
		if (a->allowed[caller] != b->allowed[caller])
			return false;
	for (uint32_t i = 0; i < a->range_count && i < POLICY_MAX_RANGES; i++)
		if (a->ranges[i].start != b->ranges[i].start || a->ranges[i].size != b->ranges[i].size ||
		    a->ranges[i].kind != b->ranges[i].kind)
			return false;
	return true;
}
