# The verifier's input and state (attest/README.md): the agent's messages
# (evidence.c), build/reference.json (reference.c), the enrollment store
# (enrollment.c) and the TCP client (agent_client.c), on json-c and on attest's
# mbedTLS archive for base64 (attest/identity.mk archives the module). Compile with
# -Iinclude -Ihv $(ATTEST_MBEDTLS_CPPFLAGS) and link with $(ATTEST_IO_LIBS).
# reference.c follows the hypervisor's launch plan and enrollment.c checks AK Names
# with ak_public.c: ATTEST_IO_NEEDS names those sources, which a program that also
# links ATTEST_EVENT_LOG_SOURCES and ATTEST_QUOTE_SOURCES has already.
ifndef ATTEST_IO_SOURCES
ATTEST_IO_SOURCES := attest/evidence.c attest/reference.c attest/enrollment.c \
	attest/agent_client.c attest/json_strict.c attest/encoding.c
ATTEST_IO_NEEDS = hv/launch_plan.c attest/report_verify.c $(ATTEST_QUOTE_SOURCES)
ATTEST_IO_HEADERS := attest/evidence.h attest/reference.h attest/enrollment.h \
	attest/agent_client.h attest/json_strict.h attest/encoding.h
ATTEST_IO_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a -ljson-c -ltss2-mu
endif
