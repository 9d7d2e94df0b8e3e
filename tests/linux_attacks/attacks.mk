# sbx_attack.ko: attacks on the hypervisor from inside the commodity Linux kernel
# (tests/system/test_linux_attacks.py). Not part of `all`; the lead includes it with
#   -include tests/linux_attacks/attacks.mk
# and the system test builds its targets itself, also without that include:
#   make -f tests/linux_attacks/attacks.mk build/sbx_attack.ko build/sbx-attack.cpio
#
# The module builds against the headers of the very kernel the ISOs boot, which
# mk/fetch-kernel.sh and mk/fetch-kernel-headers.sh fetch (nothing is installed).
# Kbuild writes its output next to the sources, so they are copied to a build
# directory first; secret_scan.c is the bare-metal test guest's, shared as is.
BUILD ?= build
ATTACK_DIR     := $(BUILD)/linux-attacks
ATTACK_KDIR    := $(BUILD)/linux/kbuild
ATTACK_SOURCES := tests/linux_attacks/sbx_attack.c tests/linux_attacks/Kbuild \
	$(wildcard tests/linux_attacks/compat/*.h) tests/guest/secret_scan.c \
	tests/guest/secret_scan.h include/sbx/hypercall.h include/sbx/service.h \
	include/sbx/secret_pattern.h

$(BUILD)/sbx_attack.ko: $(ATTACK_SOURCES) tests/linux_attacks/attacks.mk
	sh mk/fetch-kernel.sh $(BUILD)/linux
	sh mk/fetch-kernel-headers.sh $(BUILD)/linux
	rm -rf $(ATTACK_DIR)
	mkdir -p $(ATTACK_DIR)
	cp tests/linux_attacks/Kbuild tests/guest/secret_scan.c tests/guest/secret_scan.h \
		$(ATTACK_DIR)/
	cp tests/linux_attacks/sbx_attack.c $(ATTACK_DIR)/sbx_attack_main.c
	$(MAKE) -C $(ATTACK_KDIR) M=$(abspath $(ATTACK_DIR)) SBX_ROOT=$(abspath .) modules
	cp $(ATTACK_DIR)/sbx_attack.ko $@

# The commodity initramfs with the module and an /init that runs the attacks: a
# second newc archive appended to $(BUILD)/initramfs.cpio, whose /init replaces
# the first one's (the kernel unpacks concatenated archives in order).
$(BUILD)/sbx-attack.cpio: $(BUILD)/sbx_attack.ko tests/linux_attacks/init \
		tests/linux_attacks/mkinitramfs.sh $(BUILD)/initramfs.cpio
	sh tests/linux_attacks/mkinitramfs.sh $(BUILD)/initramfs.cpio $(BUILD)/sbx_attack.ko $@

# Only when guest/linux.mk is not included (a standalone make -f): the initramfs
# rule is then not defined, and the script that makes it is the same.
ifeq ($(INITRAMFS),)
$(BUILD)/initramfs.cpio: guest/initramfs/mkinitramfs.sh guest/initramfs/init
	sh guest/initramfs/mkinitramfs.sh $@
endif
