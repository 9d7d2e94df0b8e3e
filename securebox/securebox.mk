# The securebox: securebox.elf, which the hypervisor loads into the securebox's own
# guest-physical space. Included by the top-level Makefile.
SECUREBOX_SOURCES := $(wildcard securebox/*.c securebox/*.S)
SECUREBOX_OBJECTS := $(patsubst %,$(BUILD)/securebox-obj/%.o,$(SECUREBOX_SOURCES)) \
	$(BUILD)/securebox-obj/lib/libc/string.c.o
SECUREBOX_CPPFLAGS := -Iinclude -Isecurebox

$(BUILD)/securebox-obj/securebox/%.o: securebox/%
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) -mcmodel=small $(SECUREBOX_CPPFLAGS) -MMD -MP -c $< -o $@

# As for the hypervisor: the compiler must not turn these loops into calls to themselves.
$(BUILD)/securebox-obj/lib/libc/string.c.o: lib/libc/string.c
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns -c $< -o $@

# The hypervisor maps each PT_LOAD segment page by page with its ELF permissions and
# refuses W+X. Fail here first: on a W+X segment, an empty one, one not page aligned,
# or one whose load address differs from its link address.
$(BUILD)/securebox.elf: $(SECUREBOX_OBJECTS) securebox/securebox.ld
	$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
		-Wl,-z,noexecstack -T securebox/securebox.ld -o $@ $(SECUREBOX_OBJECTS)
	readelf -lW $@ | awk '$$1 == "LOAD" { n++; \
		if (/WE/ || $$6 ~ /^0x0+$$/ || $$3 !~ /000$$/ || $$3 != $$4) { print "bad segment:", $$0; bad = 1 } } \
		END { exit bad || n == 0 }' || { rm -f $@; exit 1; }

-include $(shell find $(BUILD)/securebox-obj -name '*.d' 2>/dev/null)
