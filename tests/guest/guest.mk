# The test guest (tests/guest): a 64-bit kernel the hypervisor boots in Linux's
# place to attack it from the commodity partition. Included by the top-level
# Makefile. It reuses the hypervisor's TIS driver, TPM marshalling, MMIO
# accessors and TSC clock as they are, so it drives the TPM with the same code;
# and its UART driver, formatter, exception stubs and IDT, so that it does not
# keep copies of them. Its exception_common is its own: it resumes at recovery
# points where the hypervisor's halts.
GUEST_ELF      := $(BUILD)/sbx-test-guest.elf
GUEST_CPPFLAGS := -Iinclude -Ihv -Itests/guest
# Address 0 is RAM the guest scans, not a null pointer.
GUEST_CFLAGS   := $(FREESTANDING_CFLAGS) -fno-delete-null-pointer-checks
GUEST_SOURCES  := $(wildcard tests/guest/*.c tests/guest/*.S) \
	hv/tpm/tis.c hv/tpm/tpm2_command.c hv/arch/x86/mmio.c hv/arch/x86/tsc_time.c \
	hv/arch/x86/serial.c hv/format.c hv/arch/x86/exception_stubs.S hv/arch/x86/exceptions.c
GUEST_OBJECTS  := $(patsubst %,$(BUILD)/guest-obj/%.o,$(GUEST_SOURCES)) \
	$(BUILD)/guest-obj/lib/libc/string.c.o

$(BUILD)/guest-obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest-obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) -MMD -MP -c $< -o $@

# The compiler must not turn these loops back into calls to themselves.
$(BUILD)/guest-obj/lib/libc/string.c.o: lib/libc/string.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJECTS) tests/guest/guest.ld
	$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
		-Wl,-z,noexecstack -T tests/guest/guest.ld -o $@ $(GUEST_OBJECTS) -lgcc

-include $(shell find $(BUILD)/guest-obj -name '*.d' 2>/dev/null)
