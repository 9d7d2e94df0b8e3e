# libFuzzer targets for the parsers that read boot-time input, and for the securebox's
# request handling, which reads whatever the commodity OS sends. Included by the
# top-level Makefile: `make fuzz-smoke` runs each one briefly (part of `make test`),
# `make fuzz` runs each one for FUZZ_SECONDS.
FUZZ_CC     := clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Ihv -Ipolicy
FUZZERS     := $(BUILD)/fuzz/fuzz_multiboot2 $(BUILD)/fuzz/fuzz_policy \
	$(BUILD)/fuzz/fuzz_securebox_request $(BUILD)/fuzz/fuzz_event_log \
	$(BUILD)/fuzz/fuzz_evidence $(BUILD)/fuzz/fuzz_reference \
	$(BUILD)/fuzz/fuzz_attestation $(BUILD)/fuzz/fuzz_attestation_fields \
	$(BUILD)/fuzz/fuzz_ek_identity $(BUILD)/fuzz/fuzz_agent_request \
	$(BUILD)/fuzz/fuzz_cpu_topology $(BUILD)/fuzz/fuzz_instruction_decode \
	$(BUILD)/fuzz/fuzz_vcpu_startup
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS := 15

$(BUILD)/fuzz/fuzz_multiboot2: tests/fuzz/fuzz_multiboot2.c hv/multiboot2.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

$(BUILD)/fuzz/fuzz_policy: tests/fuzz/fuzz_policy.c policy/policy_parser.c policy/policy_format.c \
		policy/policy.h policy/policy_format.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

# The securebox's services with mbedTLS as the securebox has it (securebox.mk). mbedTLS
# gets the sanitizers but no coverage instrumentation: the fuzzer is to explore our
# request handling, not the inside of the bignum code.
SECUREBOX_FUZZ_MBEDTLS_OBJECTS := $(patsubst $(MBEDTLS_SRC)/library/%.c, \
	$(BUILD)/fuzz/securebox-mbedtls/%.o,$(SECUREBOX_MBEDTLS_SOURCES))

$(BUILD)/fuzz/securebox-mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		$(SECUREBOX_CPPFLAGS) -MMD -MP -c $< -o $@

# Only the securebox's include paths: hv/ has headers of the same names.
$(BUILD)/fuzz/fuzz_securebox_request: tests/fuzz/fuzz_securebox_request.c \
		$(SECUREBOX_HOST_SOURCES) $(wildcard securebox/*.h) \
		$(SECUREBOX_FUZZ_MBEDTLS_OBJECTS) | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(filter-out -I%,$(FUZZ_CFLAGS)) $(SECUREBOX_CPPFLAGS) -o $@ \
		$(filter %.c %.o,$^)

-include $(wildcard $(BUILD)/fuzz/securebox-mbedtls/*.d)

# The verifier's event-log reader, replay and hypervisor log policy, on attest's own
# mbedTLS archive: uninstrumented, as above, since SHA-256 is not what is explored.
$(BUILD)/fuzz/fuzz_event_log: tests/fuzz/fuzz_event_log.c $(ATTEST_EVENT_LOG_SOURCES) \
		$(wildcard attest/event_log_*.h) $(BUILD)/attest/libmbedcrypto-attest.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(ATTEST_MBEDTLS_CPPFLAGS) -o $@ $(filter %.c %.a,$^)

# The verifier's input (attest/io.mk): the agent's messages and the reference file,
# with json-c as Debian ships it (uninstrumented) and attest's mbedTLS for base64.
include attest/io.mk
FUZZ_ATTEST_IO_SOURCES := attest/json_strict.c attest/encoding.c

$(BUILD)/fuzz/fuzz_evidence: tests/fuzz/fuzz_evidence.c attest/evidence.c \
		$(FUZZ_ATTEST_IO_SOURCES) $(ATTEST_IO_HEADERS) $(BUILD)/attest/libmbedcrypto-attest.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(ATTEST_MBEDTLS_CPPFLAGS) -o $@ $(filter %.c %.a,$^) -ljson-c

$(BUILD)/fuzz/fuzz_reference: tests/fuzz/fuzz_reference.c attest/reference.c \
		$(FUZZ_ATTEST_IO_SOURCES) hv/launch_plan.c attest/report_verify.c \
		$(ATTEST_IO_HEADERS) $(BUILD)/attest/libmbedcrypto-attest.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(ATTEST_MBEDTLS_CPPFLAGS) -o $@ $(filter %.c %.a,$^) -ljson-c

# The whole verification (attest/attestation_verify.c) on evidence from the unit
# tests' software attester (tests/unit/attester_model.h), which the fixture also
# uses for its reference and enrolment: as a response line, and as binary fields.
FUZZ_ATTESTATION_SOURCES := tests/fuzz/attestation_fixture.c tests/fuzz/evidence_fields.c \
	attest/attestation_verify.c attest/verdict.c attest/report_verify.c attest/evidence.c \
	$(FUZZ_ATTEST_IO_SOURCES) $(ATTEST_QUOTE_SOURCES) $(ATTEST_EVENT_LOG_SOURCES) \
	tests/unit/attester_model.c tests/unit/attester_logs.c hv/event_log.c \
	hv/tpm/tpm2_command.c hv/tpm/tpm2_marshal.c
FUZZ_ATTESTATION_HEADERS := $(wildcard tests/fuzz/*.h attest/*.h) tests/unit/attester_model.h \
	tests/unit/attester_logs.h
FUZZ_ATTESTATION_FLAGS := -std=gnu11 -Wall -Wextra -Werror -Itests/unit \
	$(ATTEST_MBEDTLS_CPPFLAGS)
FUZZ_ATTESTATION_LIBS := $(BUILD)/attest/libmbedcrypto-attest.a -ltss2-mu -ljson-c

$(BUILD)/fuzz/fuzz_attestation $(BUILD)/fuzz/fuzz_attestation_fields: $(BUILD)/fuzz/%: \
		tests/fuzz/%.c $(FUZZ_ATTESTATION_SOURCES) $(FUZZ_ATTESTATION_HEADERS) \
		$(BUILD)/attest/libmbedcrypto-attest.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_ATTESTATION_FLAGS) -o $@ $(filter %.c,$^) \
		$(FUZZ_ATTESTATION_LIBS)

# Their seeds, made by the same attester (tests/fuzz/seeds/attestation*/ hold a copy
# of its output, for runs by hand).
$(BUILD)/fuzz/fuzz_attestation.seeds: tests/fuzz/fuzz_attestation_seeds.c \
		$(FUZZ_ATTESTATION_SOURCES) $(FUZZ_ATTESTATION_HEADERS) \
		$(BUILD)/attest/libmbedcrypto-attest.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude -Ihv \
		$(FUZZ_ATTESTATION_FLAGS) -o $@ $(filter %.c,$^) $(FUZZ_ATTESTATION_LIBS)

# The identity half (attest/identity.mk) against the pinned test CA of the unit
# tests' swtpm fixtures, found wherever the fuzzer runs from. A seed
# (tests/fuzz/seeds/ek_identity/v2-certificate-without-extensions.der) keeps
# checking that a certificate without extensions makes no NULL + 0 pointer
# arithmetic in find_extension(), which this fuzzer once found.
$(BUILD)/fuzz/fuzz_ek_identity: tests/fuzz/fuzz_ek_identity.c $(ATTEST_IDENTITY_SOURCES) \
		$(ATTEST_QUOTE_SOURCES) $(wildcard attest/*.h) $(BUILD)/attest/libmbedcrypto-attest.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) \
		-std=gnu11 -Wall -Wextra -Werror $(ATTEST_MBEDTLS_CPPFLAGS) \
		-DFIXTURES='"$(CURDIR)/tests/unit/fixtures"' -o $@ $(filter %.c %.a,$^) -ltss2-mu

# The agent's request parser and base64 (guest/agent/request.h), on the host.
$(BUILD)/fuzz/fuzz_agent_request: tests/fuzz/fuzz_agent_request.c guest/agent/request.c \
		guest/agent/base64.c guest/agent/buffer.c guest/agent/request.h guest/agent/agent.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -std=gnu11 -Wall -Wextra -Werror -Iguest/agent -o $@ \
		$(filter %.c,$^) -ljson-c -lcrypto

# CPU discovery from the ACPI tables (hv/cpu_topology.c) on a fake physical memory.
$(BUILD)/fuzz/fuzz_cpu_topology: tests/fuzz/fuzz_cpu_topology.c hv/cpu_topology.c \
		hv/cpu_topology.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -std=gnu11 -Wall -Wextra -Werror -o $@ $(filter %.c,$^)

# The decoder of the commodity OS's stores to its xAPIC page.
$(BUILD)/fuzz/fuzz_instruction_decode: tests/fuzz/fuzz_instruction_decode.c \
		hv/arch/x86/instruction_decode.c hv/arch/x86/instruction_decode.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -std=gnu11 -Wall -Wextra -Werror -o $@ $(filter %.c,$^)

$(BUILD)/fuzz/fuzz_vcpu_startup: tests/fuzz/fuzz_vcpu_startup.c hv/vcpu_startup.c \
		hv/vcpu_startup.h hv/partition.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -std=gnu11 -Wall -Wextra -Werror -o $@ $(filter %.c,$^)

# Seeds, valid inputs to start mutating from: the multiboot2 and securebox request
# fuzzers have programs that write them, the policy fuzzer starts from the example
# policies, the event log fuzzer from the unit tests' sbx-measure log, the evidence
# and reference fuzzers from the valid messages and file in tests/fuzz/seeds/, the
# attestation fuzzers from their program's output, the identity fuzzer from the swtpm
# fixtures and its findings, the agent request fuzzer from a request of each kind,
# the CPU topology fuzzer from QEMU's ACPI tables (tests/unit/fixtures/
# capture_acpi_tables.py writes them in its input form).
$(BUILD)/fuzz/%.seeds: tests/fuzz/%_seeds.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -o $@ $<

.PHONY: fuzz-seeds
fuzz-seeds: $(BUILD)/fuzz/fuzz_multiboot2.seeds $(BUILD)/fuzz/fuzz_securebox_request.seeds \
		$(BUILD)/fuzz/fuzz_attestation.seeds
	@mkdir -p $(FUZZERS:=.corpus)
	$(BUILD)/fuzz/fuzz_multiboot2.seeds $(BUILD)/fuzz/fuzz_multiboot2.corpus
	$(BUILD)/fuzz/fuzz_securebox_request.seeds $(BUILD)/fuzz/fuzz_securebox_request.corpus
	cp policy/*.pol $(BUILD)/fuzz/fuzz_policy.corpus/
	cp tests/unit/fixtures/hv_event_log.bin $(BUILD)/fuzz/fuzz_event_log.corpus/
	cp tests/fuzz/seeds/evidence/* $(BUILD)/fuzz/fuzz_evidence.corpus/
	cp tests/fuzz/seeds/reference/* $(BUILD)/fuzz/fuzz_reference.corpus/
	$(BUILD)/fuzz/fuzz_attestation.seeds $(BUILD)/fuzz/fuzz_attestation.corpus \
		$(BUILD)/fuzz/fuzz_attestation_fields.corpus
	cp tests/unit/fixtures/ek_*.der tests/unit/fixtures/ek_*public.bin \
		tests/unit/fixtures/*.pub tests/fuzz/seeds/ek_identity/* \
		$(BUILD)/fuzz/fuzz_ek_identity.corpus/
	cp tests/fuzz/seeds/agent_request/* $(BUILD)/fuzz/fuzz_agent_request.corpus/
	cp tests/fuzz/seeds/cpu_topology/* $(BUILD)/fuzz/fuzz_cpu_topology.corpus/

# The corpora stay under build/, so each run starts where the last one stopped.
# $(1): seconds per fuzzer.
define run_fuzzers
	@set -e; for fuzzer in $(FUZZERS); do \
		echo "== $$fuzzer"; \
		$$fuzzer -max_total_time=$(1) $$fuzzer.corpus; \
	done
endef

.PHONY: fuzz-smoke fuzz
fuzz-smoke: $(FUZZERS) fuzz-seeds
	$(call run_fuzzers,$(FUZZ_SMOKE_SECONDS))

fuzz: $(FUZZERS) fuzz-seeds
	$(call run_fuzzers,$(FUZZ_SECONDS))
