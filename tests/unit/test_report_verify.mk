test_report_verify_SOURCES := attest/report_verify.c
test_report_verify_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a
$(BUILD)/unit/test_report_verify: $(BUILD)/attest/libmbedcrypto-attest.a
