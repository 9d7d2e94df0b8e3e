# The test guest (tests/guest): a 64-bit kernel the hypervisor boots in Linux's
# place to attack it from the commodity partition. Included by the top-level
# Makefile. It reuses the hypervisor's TIS driver, TPM marshalling, MMIO
# accessors and TSC clock as they are, so it drives the TPM with the same code;
# and its UART driver, formatter, exception stubs and IDT, so that it does not
# keep copies of them. Its exception_common is its own: it resumes at recovery
# points where the hypervisor's halts.
#
# It links mbedTLS as the securebox does (the securebox's configuration, its heap
# allocator and calloc.c, the shared zeroize), so that the benchmark times the
# very same ECDSA signature run directly here against a KEY_SIGN round trip, and
# scenarios can check that public keys are points on the curve.
GUEST_ELF      := $(BUILD)/sbx-test-guest.elf
GUEST_MBEDTLS_CPPFLAGS := -iquote . -I$(MBEDTLS_SRC)/include \
	-DMBEDTLS_CONFIG_FILE='"securebox/mbedtls_config.h"'
GUEST_CPPFLAGS := -Iinclude -Ihv -Itests/guest $(GUEST_MBEDTLS_CPPFLAGS)
# Address 0 is RAM the guest scans, not a null pointer.
GUEST_CFLAGS   := $(FREESTANDING_CFLAGS) -fno-delete-null-pointer-checks
GUEST_SOURCES  := $(wildcard tests/guest/*.c tests/guest/*.S) \
	hv/tpm/tis.c hv/tpm/tpm2_command.c hv/tpm/tpm2_marshal.c \
	hv/arch/x86/mmio.c hv/arch/x86/tsc_time.c \
	hv/arch/x86/serial.c hv/format.c hv/arch/x86/exception_stubs.S hv/arch/x86/exceptions.c \
	securebox/heap.c securebox/calloc.c lib/crypto/zeroize.c
GUEST_MBEDTLS_SOURCES := $(addprefix $(MBEDTLS_SRC)/library/,asn1parse.c asn1write.c \
	bignum.c constant_time.c ecdsa.c ecp.c ecp_curves.c hmac_drbg.c md.c platform.c \
	sha256.c)
GUEST_OBJECTS  := $(patsubst %,$(BUILD)/guest-obj/%.o,$(GUEST_SOURCES)) \
	$(BUILD)/guest-obj/lib/libc/string.c.o \
	$(patsubst $(MBEDTLS_SRC)/%,$(BUILD)/guest-obj/mbedtls/%.o,$(GUEST_MBEDTLS_SOURCES))

$(BUILD)/guest-obj/%.c.o: %.c | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest-obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) -MMD -MP -c $< -o $@

# mbedTLS is Debian's code, not ours: its warnings do not stop the build. Its
# dependency files name securebox/mbedtls_config.h, so a change there rebuilds it.
$(BUILD)/guest-obj/mbedtls/%.c.o: $(MBEDTLS_SRC)/%.c | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) -Wno-error $(GUEST_MBEDTLS_CPPFLAGS) -MMD -MP -c $< -o $@

# The compiler must not turn these loops back into calls to themselves.
$(BUILD)/guest-obj/lib/libc/string.c.o: lib/libc/string.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJECTS) tests/guest/guest.ld
	$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
		-Wl,-z,noexecstack -T tests/guest/guest.ld -o $@ $(GUEST_OBJECTS) -lgcc

-include $(shell find $(BUILD)/guest-obj -name '*.d' 2>/dev/null)
