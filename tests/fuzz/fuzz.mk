# libFuzzer targets for the parsers that read boot-time input. Included by the
# top-level Makefile; `make fuzz-smoke` runs each one briefly.
FUZZ_CC     := clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Ihv
FUZZERS     := $(BUILD)/fuzz/fuzz_multiboot2

$(BUILD)/fuzz/fuzz_multiboot2: tests/fuzz/fuzz_multiboot2.c hv/multiboot2.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

# Every fuzzer has a seed writer next to it: valid inputs to start mutating from.
$(BUILD)/fuzz/%.seeds: tests/fuzz/%_seeds.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -o $@ $<

# The corpus stays under build/, so each run starts where the last one stopped.
.PHONY: fuzz-smoke
fuzz-smoke: $(FUZZERS) $(FUZZERS:=.seeds)
	@set -e; for fuzzer in $(FUZZERS); do \
		echo "== $$fuzzer"; \
		mkdir -p $$fuzzer.corpus; \
		$$fuzzer.seeds $$fuzzer.corpus; \
		$$fuzzer -max_total_time=20 $$fuzzer.corpus; \
	done
