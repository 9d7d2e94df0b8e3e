test_tpm2_command_SOURCES := hv/tpm/tpm2_command.c
test_tpm2_command_LIBS := -ltss2-mu
