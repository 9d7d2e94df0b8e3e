# libFuzzer targets for the parsers that read boot-time input, and for the securebox's
# request handling, which reads whatever the commodity OS sends. Included by the
# top-level Makefile: `make fuzz-smoke` runs each one briefly (part of `make test`),
# `make fuzz` runs each one for FUZZ_SECONDS.
FUZZ_CC     := clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Ihv -Ipolicy
FUZZERS     := $(BUILD)/fuzz/fuzz_multiboot2 $(BUILD)/fuzz/fuzz_policy \
	$(BUILD)/fuzz/fuzz_securebox_request $(BUILD)/fuzz/fuzz_event_log \
	$(BUILD)/fuzz/fuzz_evidence $(BUILD)/fuzz/fuzz_reference
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

# Seeds, valid inputs to start mutating from: the multiboot2 and securebox request
# fuzzers have programs that write them, the policy fuzzer starts from the example
# policies, the event log fuzzer from the unit tests' sbx-measure log, the evidence
# and reference fuzzers from the valid messages and file in tests/fuzz/seeds/.
$(BUILD)/fuzz/%.seeds: tests/fuzz/%_seeds.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -o $@ $<

.PHONY: fuzz-seeds
fuzz-seeds: $(BUILD)/fuzz/fuzz_multiboot2.seeds $(BUILD)/fuzz/fuzz_securebox_request.seeds
	@mkdir -p $(FUZZERS:=.corpus)
	$(BUILD)/fuzz/fuzz_multiboot2.seeds $(BUILD)/fuzz/fuzz_multiboot2.corpus
	$(BUILD)/fuzz/fuzz_securebox_request.seeds $(BUILD)/fuzz/fuzz_securebox_request.corpus
	cp policy/*.pol $(BUILD)/fuzz/fuzz_policy.corpus/
	cp tests/unit/fixtures/hv_event_log.bin $(BUILD)/fuzz/fuzz_event_log.corpus/
	cp tests/fuzz/seeds/evidence/* $(BUILD)/fuzz/fuzz_evidence.corpus/
	cp tests/fuzz/seeds/reference/* $(BUILD)/fuzz/fuzz_reference.corpus/

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
