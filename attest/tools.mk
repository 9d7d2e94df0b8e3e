# Host tools. sbx-measure is built from the hypervisor's own launch plan, record
# format and event log writer, so its predictions cannot drift from what hv does.
SBX_MEASURE_SOURCES := attest/sbx_measure.c attest/elf_image.c hv/elf_loader.c hv/launch_plan.c \
	hv/event_log.c hv/tpm/tpm2_command.c $(HOST_SHA256_SOURCES)

$(BUILD)/sbx-measure: $(SBX_MEASURE_SOURCES) | $(MBEDTLS_OK)
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iattest $(HOST_CPPFLAGS) -Ilib/crypto \
		-o $@ $(SBX_MEASURE_SOURCES)
