# The agent's messages and the strict JSON and base64 beneath them.
include attest/io.mk
test_evidence_SOURCES := attest/evidence.c attest/json_strict.c attest/encoding.c
test_evidence_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a -ljson-c
$(BUILD)/unit/test_evidence: $(BUILD)/attest/libmbedcrypto-attest.a
