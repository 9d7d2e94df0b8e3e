# The TCP client against a test server thread in the same process.
test_agent_client_SOURCES := attest/agent_client.c
test_agent_client_LIBS := -lpthread
