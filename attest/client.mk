# sbx-attest, the verifier (attest/README.md, "sbx-attest"): its commands and the
# whole verification, on the agent messages, reference and enrollment store
# (attest/io.mk), the EK identity (attest/identity.mk, included by the top Makefile),
# and the quote, event log and report halves (attest/tools.mk).
-include attest/io.mk

SBX_ATTEST_SOURCES := $(sort attest/sbx_attest.c attest/enroll.c attest/verify_command.c \
	attest/attestation_verify.c attest/verdict.c attest/report_verify.c \
	$(ATTEST_IO_SOURCES) $(ATTEST_IDENTITY_SOURCES) $(ATTEST_QUOTE_SOURCES) \
	$(ATTEST_EVENT_LOG_SOURCES))

$(BUILD)/sbx-attest: $(SBX_ATTEST_SOURCES) $(wildcard attest/*.h) include/sbx/service.h \
		include/sbx/measurement.h hv/launch_plan.h attest/attest_mbedtls_config.h \
		$(BUILD)/attest/libmbedcrypto-attest.a
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Ihv \
		$(ATTEST_MBEDTLS_CPPFLAGS) -o $@ $(SBX_ATTEST_SOURCES) \
		$(BUILD)/attest/libmbedcrypto-attest.a -ltss2-mu $(ATTEST_IO_LIBS)

all: $(BUILD)/sbx-attest
