test_tpm2_command_SOURCES := tests/unit/tpm2_test_messages.c hv/tpm/tpm2_command.c \
	hv/tpm/tpm2_marshal.c
test_tpm2_command_LIBS := -ltss2-mu
