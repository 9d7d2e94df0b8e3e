test_event_log_SOURCES := hv/event_log.c hv/tpm/tpm2_command.c hv/tpm/tpm2_marshal.c
