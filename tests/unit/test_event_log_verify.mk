# The verifier's event-log half on attest's mbedTLS, with the hypervisor's own log
# writer and launch plan to build its test logs.
test_event_log_verify_SOURCES := $(ATTEST_EVENT_LOG_SOURCES) hv/event_log.c \
	hv/tpm/tpm2_command.c hv/tpm/tpm2_marshal.c
test_event_log_verify_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a
$(BUILD)/unit/test_event_log_verify: $(BUILD)/attest/libmbedcrypto-attest.a
