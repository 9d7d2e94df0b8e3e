test_tpm2_policy_commands_SOURCES := hv/tpm/tpm2_policy_commands.c hv/tpm/tpm2_command.c \
	$(HOST_SHA256_SOURCES)
test_tpm2_policy_commands_LIBS := -ltss2-mu
