# build/reference.json's parser, against the hypervisor's own launch plan.
include attest/io.mk
test_reference_SOURCES := attest/reference.c attest/json_strict.c attest/encoding.c \
	hv/launch_plan.c attest/report_verify.c
test_reference_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a -ljson-c
$(BUILD)/unit/test_reference: $(BUILD)/attest/libmbedcrypto-attest.a
