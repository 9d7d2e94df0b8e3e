# libFuzzer targets for the parsers that read boot-time input. Included by the
# top-level Makefile: `make fuzz-smoke` runs each one briefly (part of `make test`),
# `make fuzz` runs each one for FUZZ_SECONDS.
FUZZ_CC     := clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Ihv -Ipolicy
FUZZERS     := $(BUILD)/fuzz/fuzz_multiboot2 $(BUILD)/fuzz/fuzz_policy
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS := 15

$(BUILD)/fuzz/fuzz_multiboot2: tests/fuzz/fuzz_multiboot2.c hv/multiboot2.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

$(BUILD)/fuzz/fuzz_policy: tests/fuzz/fuzz_policy.c policy/policy_parser.c policy/policy_format.c \
		policy/policy.h policy/policy_format.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

# Seeds, valid inputs to start mutating from: the multiboot2 fuzzer has a program
# that writes blocks, the policy fuzzer starts from the example policies.
$(BUILD)/fuzz/%.seeds: tests/fuzz/%_seeds.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -o $@ $<

.PHONY: fuzz-seeds
fuzz-seeds: $(BUILD)/fuzz/fuzz_multiboot2.seeds
	@mkdir -p $(FUZZERS:=.corpus)
	$(BUILD)/fuzz/fuzz_multiboot2.seeds $(BUILD)/fuzz/fuzz_multiboot2.corpus
	cp policy/*.pol $(BUILD)/fuzz/fuzz_policy.corpus/

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
