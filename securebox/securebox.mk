# The securebox: securebox.elf, which the hypervisor loads into the securebox's own
# guest-physical space, and host builds of its services for the unit tests and the
# fuzzer. Included by the top-level Makefile.
SECUREBOX_SOURCES := $(wildcard securebox/*.c securebox/*.S)
# The mbedTLS modules the services use (securebox/mbedtls_config.h enables them).
SECUREBOX_MBEDTLS_SOURCES := $(patsubst %,$(MBEDTLS_SRC)/library/%.c,aes asn1parse asn1write \
	bignum cipher cipher_wrap constant_time ctr_drbg ecdsa ecp ecp_curves gcm hkdf \
	hmac_drbg md sha256)
SECUREBOX_CPPFLAGS := -Iinclude -Isecurebox -I$(MBEDTLS_SRC)/include \
	-DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"'
SECUREBOX_OBJECTS := $(patsubst %,$(BUILD)/securebox-obj/%.o,$(SECUREBOX_SOURCES)) \
	$(BUILD)/securebox-obj/lib/libc/string.c.o $(BUILD)/securebox-obj/lib/crypto/zeroize.c.o \
	$(patsubst $(MBEDTLS_SRC)/library/%,$(BUILD)/securebox-obj/mbedtls/%.o,$(SECUREBOX_MBEDTLS_SOURCES))

$(BUILD)/securebox-obj/securebox/%.o: securebox/% | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) -mcmodel=small $(SECUREBOX_CPPFLAGS) -MMD -MP -c $< -o $@

# As for the hypervisor: the compiler must not turn these loops into calls to themselves.
$(BUILD)/securebox-obj/lib/libc/string.c.o: lib/libc/string.c
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns -c $< -o $@

# The hypervisor's own zeroize, compiled against the securebox's mbedTLS configuration.
$(BUILD)/securebox-obj/lib/crypto/zeroize.c.o: lib/crypto/zeroize.c | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) $(SECUREBOX_CPPFLAGS) -MMD -MP -c $< -o $@

# mbedTLS is Debian's code, not ours: its warnings are reported but do not stop the build.
$(BUILD)/securebox-obj/mbedtls/%.o: $(MBEDTLS_SRC)/library/% | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) -Wno-error $(SECUREBOX_CPPFLAGS) -MMD -MP -c $< -o $@

# The hypervisor maps each PT_LOAD segment page by page with its ELF permissions and
# refuses W+X. Fail here first: on a W+X segment, an empty one, one not page aligned,
# or one whose load address differs from its link address. Then on any SSE register
# or %fs access, which the securebox (no FPU state of its own, no TLS) must not make.
$(BUILD)/securebox.elf: $(SECUREBOX_OBJECTS) securebox/securebox.ld
	$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
		-Wl,-z,noexecstack -T securebox/securebox.ld -o $@ $(SECUREBOX_OBJECTS)
	readelf -lW $@ | awk '$$1 == "LOAD" { n++; \
		if (/WE/ || $$6 ~ /^0x0+$$/ || $$3 !~ /000$$/ || $$3 != $$4) { print "bad segment:", $$0; bad = 1 } } \
		END { exit bad || n == 0 }' || { rm -f $@; exit 1; }
	! objdump -d $@ | grep -E '%[xyz]mm|%fs' || { rm -f $@; exit 1; }

# Host builds of the services: the same sources, and mbedTLS with the same
# configuration, under the sanitizers. A unit test uses them through
#   test_X_SOURCES := $(SECUREBOX_HOST_SOURCES)
#   test_X_LIBS := $(SECUREBOX_HOST_MBEDTLS)
#   $(BUILD)/unit/test_X: HOST_CPPFLAGS := $(SECUREBOX_CPPFLAGS)
#   $(BUILD)/unit/test_X: $(SECUREBOX_HOST_MBEDTLS)
# (the override keeps lib/crypto's mbedtls_config.h, the hypervisor's, out of the way).
# calloc.c is left out: on the host, mbedTLS allocates from the C library, where
# AddressSanitizer watches it; heap.c has its own test.
SECUREBOX_HOST_SOURCES := $(addprefix securebox/,context.c entropy.c key_vault.c rdrand.c \
	report.c seal.c service.c signing_key.c) lib/crypto/zeroize.c
SECUREBOX_HOST_MBEDTLS := $(BUILD)/securebox-host-obj/libmbedcrypto-securebox.a
SECUREBOX_HOST_MBEDTLS_OBJECTS := $(patsubst $(MBEDTLS_SRC)/library/%.c, \
	$(BUILD)/securebox-host-obj/mbedtls/%.o,$(SECUREBOX_MBEDTLS_SOURCES))

$(BUILD)/securebox-host-obj/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c | $(MBEDTLS_OK)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Wno-error $(SECUREBOX_CPPFLAGS) -MMD -MP -c $< -o $@

$(SECUREBOX_HOST_MBEDTLS): $(SECUREBOX_HOST_MBEDTLS_OBJECTS)
	rm -f $@
	ar rcs $@ $^

-include $(shell find $(BUILD)/securebox-obj $(BUILD)/securebox-host-obj -name '*.d' 2>/dev/null)
