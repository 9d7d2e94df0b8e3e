# sbx: build, run and test. `make run` and `make test` install their own
# dependencies through `make deps`; everything is built into build/.

BUILD       := build
CC          := gcc
HOST_CC     := gcc
PYTHON      := /usr/bin/python3
MBEDTLS_SRC := $(BUILD)/mbedtls-src
MBEDTLS_OK  := $(MBEDTLS_SRC)/.unpacked
GCC_INCLUDE := $(shell $(CC) -print-file-name=include)

# Flags that keep freestanding code off SSE, the red zone and %fs (no TLS, no
# stack protector), so it is safe in the hypervisor and in the securebox.
FREESTANDING_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-nostdinc -isystem $(GCC_INCLUDE) -Ilib/libc/include
MBEDTLS_CPPFLAGS := -Ilib/crypto -I$(MBEDTLS_SRC)/include \
	-DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"'

HV_CPPFLAGS := -Iinclude -Ihv -Ipolicy $(MBEDTLS_CPPFLAGS)
HV_SOURCES  := $(wildcard hv/*.c hv/tpm/*.c hv/arch/x86/*.c hv/arch/x86/*.S) \
	policy/policy_parser.c lib/libc/string.c lib/crypto/sha256.c lib/crypto/zeroize.c
MBEDTLS_SHA256_SOURCES := $(MBEDTLS_SRC)/library/sha256.c
HV_OBJECTS := $(patsubst %,$(BUILD)/hv-obj/%.o,$(HV_SOURCES)) \
	$(patsubst $(MBEDTLS_SRC)/%,$(BUILD)/hv-obj/mbedtls/%.o,$(MBEDTLS_SHA256_SOURCES))

# Host builds of the same pure sources: unit tests run them under the sanitizers.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all
HOST_CPPFLAGS := -Iinclude -Ihv -Iattest -Ipolicy $(MBEDTLS_CPPFLAGS)
HOST_SHA256_SOURCES := lib/crypto/sha256.c lib/crypto/zeroize.c $(MBEDTLS_SHA256_SOURCES)

.PHONY: all deps run test unit-test system-test bench clean
all: $(BUILD)/hv.elf $(BUILD)/sbx.iso $(BUILD)/sbx-test.iso $(BUILD)/sbx-policy

deps:
	@sh mk/deps.sh
	@sh mk/fetch-mbedtls.sh $(MBEDTLS_SRC)

$(MBEDTLS_OK):
	sh mk/fetch-mbedtls.sh $(MBEDTLS_SRC)

# --- hypervisor ---------------------------------------------------------------
$(BUILD)/hv-obj/%.c.o: %.c | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) $(HV_CPPFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv-obj/lib/libc/string.c.o: lib/libc/string.c
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns -c $< -o $@

$(BUILD)/hv-obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) $(HV_CPPFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv-obj/mbedtls/%.c.o: $(MBEDTLS_SRC)/%.c | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) -Wno-error $(MBEDTLS_CPPFLAGS) -c $< -o $@

$(BUILD)/hv.elf: $(HV_OBJECTS) hv/arch/x86/hv.ld
	$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
		-Wl,-z,noexecstack -T hv/arch/x86/hv.ld -o $@ $(HV_OBJECTS) -lgcc
	grub-file --is-x86-multiboot2 $@

# --- securebox and test guest -------------------------------------------------
-include securebox/securebox.mk
-include tests/guest/guest.mk

# --- boot modules and images --------------------------------------------------
include grub/images.mk

# --- Linux as the commodity OS --------------------------------------------------
-include guest/linux.mk
-include tests/linux_attacks/attacks.mk
all: $(BUILD)/sbx-linux.iso $(BUILD)/sbx-linux-test.iso

# --- host tools -----------------------------------------------------------------
include attest/tools.mk
all: $(ATTEST_TOOLS)
# Remote attestation: the verifier's identity half (EK certificate, MakeCredential),
# the sbx-attest client, and build/reference.json.
-include attest/identity.mk
-include attest/client.mk
-include attest/reference.mk
-include policy/policy.mk

# --- tests ----------------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
include $(wildcard tests/unit/*.mk)
include tests/fuzz/fuzz.mk
include tests/bench/bench.mk

.SECONDEXPANSION:
$(BUILD)/unit/%: tests/unit/%.c $$($$*_SOURCES) | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(HOST_CPPFLAGS) -MMD -MP -MF $@.d -o $@ $(filter %.c,$^) \
		-lcmocka $($*_LIBS)

unit-test: $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))
	@set -e; for t in $^; do echo "== $$t"; $$t; done

system-test: all
	$(PYTHON) -m pytest -v tests/system

test: deps
	$(MAKE) unit-test
	$(MAKE) policy-check
	$(MAKE) fuzz-smoke
	$(MAKE) system-test

bench: deps
	$(MAKE) $(BUILD)/sbx-bench.iso $(BUILD)/sbx-linux-bench.iso $(BUILD)/sbx-linux-bench-direct.iso
	$(PYTHON) tests/bench/hypercall_round_trips.py
	$(PYTHON) tests/bench/linux_boot.py
	$(PYTHON) tests/bench/securebox_smp.py
	$(MAKE) all $(BUILD)/signature-cost
	$(BUILD)/signature-cost tests/unit/fixtures
	$(PYTHON) tests/bench/attest_batch.py

run: deps
	$(MAKE) all
	sh mk/run.sh $(BUILD)/sbx-linux.iso

clean:
	rm -rf $(BUILD)/*-obj $(BUILD)/unit $(BUILD)/fuzz $(BUILD)/modules $(BUILD)/*.elf \
		$(BUILD)/*.iso $(BUILD)/*.iso.log $(BUILD)/sbx-measure $(BUILD)/sbx-policy \
		$(BUILD)/attest $(BUILD)/sbx-verify-report $(BUILD)/initramfs.cpio \
		$(BUILD)/driver $(BUILD)/sbxctl $(BUILD)/sbx-agent $(BUILD)/sbx-attest \
		$(BUILD)/sbx-reference $(BUILD)/reference.json $(BUILD)/platform-pcrs.txt \
		$(BUILD)/signature-cost $(BUILD)/make-credential-driver

-include $(shell find $(BUILD)/hv-obj $(BUILD)/unit -name '*.d' 2>/dev/null)
