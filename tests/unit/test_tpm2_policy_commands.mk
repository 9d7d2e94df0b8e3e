test_tpm2_policy_commands_SOURCES := tests/unit/tpm2_test_messages.c \
	hv/tpm/tpm2_policy_commands.c hv/tpm/tpm2_command.c \
	hv/tpm/tpm2_marshal.c $(HOST_SHA256_SOURCES)
test_tpm2_policy_commands_LIBS := -ltss2-mu
