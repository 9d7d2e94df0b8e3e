# libFuzzer targets for the parsers that read boot-time input. Included by the
# top-level Makefile; `make fuzz-smoke` runs each one briefly.
FUZZ_CC     := clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Ihv
FUZZERS     := $(BUILD)/fuzz/fuzz_multiboot2

$(BUILD)/fuzz/fuzz_multiboot2: tests/fuzz/fuzz_multiboot2.c hv/multiboot2.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

# Each fuzzer keeps its corpus under build/, so repeated runs start where the last
# one stopped.
.PHONY: fuzz-smoke
fuzz-smoke: $(FUZZERS)
	@set -e; for fuzzer in $^; do \
		mkdir -p $$fuzzer.corpus; \
		echo "== $$fuzzer"; \
		$$fuzzer -max_total_time=20 $$fuzzer.corpus; \
	done
