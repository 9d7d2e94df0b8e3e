# The agent's request parser and strict base64 (guest/agent/), on the host: neither
# touches the TPM.
test_agent_request_SOURCES := guest/agent/request.c guest/agent/base64.c guest/agent/buffer.c
test_agent_request_LIBS := -ljson-c -lcrypto
$(BUILD)/unit/test_agent_request: HOST_CPPFLAGS += -Iguest/agent
