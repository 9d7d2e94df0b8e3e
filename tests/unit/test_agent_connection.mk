# The agent's connection deadlines (guest/agent/connection.c), on socket pairs.
test_agent_connection_SOURCES := guest/agent/connection.c
test_agent_connection_LIBS := -lpthread
$(BUILD)/unit/test_agent_connection: HOST_CPPFLAGS += -Iguest/agent
