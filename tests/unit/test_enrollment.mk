# The enrollment store, with the swtpm AK of the quote fixtures.
include attest/io.mk
test_enrollment_SOURCES := attest/enrollment.c attest/json_strict.c attest/encoding.c \
	$(ATTEST_QUOTE_SOURCES)
test_enrollment_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a -ljson-c -ltss2-mu
$(BUILD)/unit/test_enrollment: $(BUILD)/attest/libmbedcrypto-attest.a
