# Host tools. sbx-measure is built from the hypervisor's own launch plan, record
# format and event log writer, so its predictions cannot drift from what hv does.
SBX_MEASURE_SOURCES := attest/sbx_measure.c attest/component_digests.c attest/elf_image.c \
	hv/elf_loader.c hv/launch_plan.c hv/event_log.c hv/tpm/tpm2_command.c hv/tpm/tpm2_marshal.c \
	$(HOST_SHA256_SOURCES)

$(BUILD)/sbx-measure: $(SBX_MEASURE_SOURCES) | $(MBEDTLS_OK)
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iattest $(HOST_CPPFLAGS) -Ilib/crypto \
		-o $@ $(SBX_MEASURE_SOURCES)

# The report verifier runs on hosted mbedTLS, with its own configuration
# (attest/attest_mbedtls_config.h), in an archive of just the modules it names.
ATTEST_MBEDTLS_MODULES := aes asn1parse asn1write bignum constant_time ctr_drbg ecdsa ecp \
	ecp_curves platform_util sha256
ATTEST_MBEDTLS_SOURCES := $(patsubst %,$(MBEDTLS_SRC)/library/%.c,$(ATTEST_MBEDTLS_MODULES))
ATTEST_MBEDTLS_OBJECTS := $(patsubst %,$(BUILD)/attest/mbedtls/%.o,$(ATTEST_MBEDTLS_MODULES))
ATTEST_MBEDTLS_CPPFLAGS := -Iattest -I$(MBEDTLS_SRC)/include \
	-DMBEDTLS_CONFIG_FILE='"attest_mbedtls_config.h"'

# The sources appear once mbedTLS is unpacked.
$(ATTEST_MBEDTLS_SOURCES): | $(MBEDTLS_OK)

$(ATTEST_MBEDTLS_OBJECTS): $(BUILD)/attest/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c \
		attest/attest_mbedtls_config.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -O2 -g $(ATTEST_MBEDTLS_CPPFLAGS) -c $< -o $@

$(BUILD)/attest/libmbedcrypto-attest.a: $(ATTEST_MBEDTLS_OBJECTS)
	rm -f $@
	ar rcs $@ $^

SBX_VERIFY_REPORT_SOURCES := attest/sbx_verify_report.c attest/report_verify.c

$(BUILD)/sbx-verify-report: $(SBX_VERIFY_REPORT_SOURCES) attest/report_verify.h \
		attest/attest_crypto.h attest/attest_mbedtls_config.h \
		$(BUILD)/attest/libmbedcrypto-attest.a
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude $(ATTEST_MBEDTLS_CPPFLAGS) \
		-o $@ $(SBX_VERIFY_REPORT_SOURCES) $(BUILD)/attest/libmbedcrypto-attest.a

ATTEST_TOOLS := $(BUILD)/sbx-measure $(BUILD)/sbx-verify-report

# The event-log half of the verifier (ATTESTATION.md, steps 10-14): the strict log
# reader, the SHA-256 replay and the hypervisor log's policy, which follows the
# hypervisor's own launch plan. Compile with -Iinclude -Ihv $(ATTEST_MBEDTLS_CPPFLAGS)
# and link with libmbedcrypto-attest.a; the unit test and the fuzzer share the list.
ATTEST_EVENT_LOG_SOURCES := attest/event_log_parse.c attest/event_log_replay.c \
	attest/event_log_verify.c hv/launch_plan.c

# The quote half of the verifier (ATTESTATION.md, steps 2 and 5-9) checks RSASSA
# signatures by RSA-2048 AKs: mbedTLS's RSA, with the message-digest and OID tables
# its DigestInfo encoding needs, joins the archive. Compile the sources with -Iinclude
# $(ATTEST_MBEDTLS_CPPFLAGS) and link with libmbedcrypto-attest.a and -ltss2-mu.
ATTEST_MBEDTLS_RSA_MODULES := md oid rsa rsa_internal
ATTEST_MBEDTLS_RSA_OBJECTS := $(patsubst %,$(BUILD)/attest/mbedtls/%.o,$(ATTEST_MBEDTLS_RSA_MODULES))

$(patsubst %,$(MBEDTLS_SRC)/library/%.c,$(ATTEST_MBEDTLS_RSA_MODULES)): | $(MBEDTLS_OK)

$(ATTEST_MBEDTLS_RSA_OBJECTS): $(BUILD)/attest/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c \
		attest/attest_mbedtls_config.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -O2 -g $(ATTEST_MBEDTLS_CPPFLAGS) -c $< -o $@

$(BUILD)/attest/libmbedcrypto-attest.a: $(ATTEST_MBEDTLS_RSA_OBJECTS)

ATTEST_QUOTE_SOURCES := attest/ak_public.c attest/quote_verify.c attest/tpm_public_reader.c
