# The whole verification, against evidence from a software attester
# (tests/unit/attester_model.c) that writes its hypervisor log with the hypervisor's
# own writer and launch plan.
test_attestation_verify_SOURCES := attest/attestation_verify.c attest/verdict.c \
	attest/json_strict.c attest/encoding.c attest/report_verify.c $(ATTEST_QUOTE_SOURCES) $(ATTEST_EVENT_LOG_SOURCES) \
	tests/unit/attester_model.c tests/unit/attester_logs.c hv/event_log.c hv/tpm/tpm2_command.c hv/tpm/tpm2_marshal.c
test_attestation_verify_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a -ltss2-mu -ljson-c
$(BUILD)/unit/test_attestation_verify: $(BUILD)/attest/libmbedcrypto-attest.a
