# The policy tool. It is built from the hypervisor's own parser and launch plan, so
# its verdicts and digests cannot drift from what the hypervisor does.
SBX_POLICY_SOURCES := policy/sbx_policy.c policy/policy_parser.c policy/policy_format.c \
	hv/launch_plan.c $(HOST_SHA256_SOURCES)
SBX_POLICY_HEADERS := policy/policy.h policy/policy_format.h hv/launch_plan.h \
	include/sbx/measurement.h lib/crypto/sha256.h

$(BUILD)/sbx-policy: $(SBX_POLICY_SOURCES) $(SBX_POLICY_HEADERS) | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror $(HOST_CPPFLAGS) \
		-o $@ $(SBX_POLICY_SOURCES)

# Every example policy must pass the same check the hypervisor applies at boot.
.PHONY: policy-check
policy-check: $(BUILD)/sbx-policy
	@set -e; for policy in policy/*.pol; do $(BUILD)/sbx-policy check $$policy; done
