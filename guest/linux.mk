# Linux as the commodity OS: Debian's stock kernel (mk/fetch-kernel.sh), our
# initramfs (guest/initramfs/), and the ISOs that boot them under the hypervisor.
#   sbx-linux.iso       an interactive busybox shell on the serial console
#   sbx-linux-test.iso  the same kernel and initramfs; init powers off once
#                       userspace is reached (sbx.test=poweroff), a panic reboots
#                       (and so ends QEMU under -no-reboot)
#   sbx-linux-bench.iso, sbx-linux-bench-direct.iso
#                       the same again with sbx.bench (init prints its uptime and
#                       exit counts, then powers off), differing only in the GRUB
#                       entry they boot: the hypervisor, or Linux directly
LINUX_KERNEL  := $(BUILD)/linux/vmlinuz
INITRAMFS     := $(BUILD)/initramfs.cpio
# The kernel's own messages stay on the serial console, from the very first
# (earlyprintk) on, so that a user and the tests see the whole boot.
LINUX_CMDLINE := console=ttyS0,115200 earlyprintk=serial,ttyS0,115200

# Fetched once: the script resolves what linux-image-amd64 points to today.
$(LINUX_KERNEL):
	sh mk/fetch-kernel.sh $(dir $@)

# The headers of that same kernel, for out-of-tree modules: a KDIR for make -C.
KERNEL_KBUILD := $(BUILD)/linux/kbuild
$(KERNEL_KBUILD)/Makefile: | $(LINUX_KERNEL)
	sh mk/fetch-kernel-headers.sh $(BUILD)/linux

# sbx.ko (guest/driver/): Kbuild writes its objects beside the sources, so it builds
# a copy of them under build/.
SBX_KO := $(BUILD)/driver/sbx.ko
SBX_KO_SOURCES := guest/driver/Kbuild $(wildcard guest/driver/*.[ch] guest/driver/compat/*.h) \
	include/sbx/hypercall.h
$(SBX_KO): $(SBX_KO_SOURCES) $(KERNEL_KBUILD)/Makefile
	rm -rf $(@D) && mkdir -p $(@D) && cp -R guest/driver/. $(@D)/
	$(MAKE) -C $(KERNEL_KBUILD) M=$(abspath $(@D)) SBX_INCLUDE=$(abspath include) modules

# sbxctl (guest/sbxctl/): static, so that the initramfs needs no libc for it.
SBXCTL := $(BUILD)/sbxctl
# guest/common/: the /dev/sbx calls that sbxctl and sbx-agent share.
GUEST_COMMON_SOURCES := guest/common/sbx_device.c
GUEST_COMMON_HEADERS := guest/common/sbx_device.h guest/driver/sbx_ioctl.h \
	include/sbx/hypercall.h include/sbx/service.h include/sbx/status_names.h
LINUX_TOOLS_CPPFLAGS := -Iinclude -Iguest/driver -Iguest/common

SBXCTL_SOURCES := $(wildcard guest/sbxctl/*.c) $(GUEST_COMMON_SOURCES)
$(SBXCTL): $(SBXCTL_SOURCES) guest/sbxctl/sbxctl.h $(GUEST_COMMON_HEADERS)
	$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static $(LINUX_TOOLS_CPPFLAGS) \
		$(SBXCTL_SOURCES) -o $@

# sbx-agent (guest/agent/): the attestation agent, linked dynamically against
# tpm2-tss, json-c and libcrypto (tpm2-tss has no static libraries in Debian).
SBX_AGENT := $(BUILD)/sbx-agent
SBX_AGENT_SOURCES := $(wildcard guest/agent/*.c) $(GUEST_COMMON_SOURCES)
$(SBX_AGENT): $(SBX_AGENT_SOURCES) $(wildcard guest/agent/*.h) $(GUEST_COMMON_HEADERS)
	$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror $(LINUX_TOOLS_CPPFLAGS) \
		$(SBX_AGENT_SOURCES) -o $@ -ltss2-esys -ltss2-mu -ltss2-rc -ltss2-tctildr \
		-ljson-c -lcrypto

# The stock kernel's e1000 driver (QEMU's default NIC), for the agent's network.
# $(wildcard) resolves only once the kernel is unpacked: the rule depends on the
# kernel so that the path exists when it runs.
LINUX_E1000_KO = $(firstword $(wildcard \
	$(BUILD)/linux/unpacked/lib/modules/*/kernel/drivers/net/ethernet/intel/e1000/e1000.ko))

# More modules for the initramfs's /lib/modules (init loads only sbx.ko), e.g. the
# attack module of tests/linux_attacks/.
LINUX_EXTRA_MODULES ?=
# tpm2-tools' multi-call binary (`tpm2 pcrread`), with its libraries and the device
# TCTI that tpm2-tss opens by name.
INITRAMFS_TPM2 := --program /usr/bin/tpm2 --library libtss2-tcti-device.so.0

$(INITRAMFS): guest/initramfs/mkinitramfs.sh guest/initramfs/init guest/initramfs/profile \
		guest/initramfs/selftest $(SBX_KO) $(SBXCTL) $(SBX_AGENT) $(LINUX_EXTRA_MODULES) \
		| $(LINUX_KERNEL)
	e1000=$(LINUX_E1000_KO) && test -n "$$e1000" || \
		{ echo "no e1000.ko under $(BUILD)/linux/unpacked" >&2; exit 1; } && \
	sh guest/initramfs/mkinitramfs.sh $@ --module $(SBX_KO) --module "$$e1000" \
		$(addprefix --module ,$(LINUX_EXTRA_MODULES)) --program $(SBXCTL) \
		--program $(SBX_AGENT) $(INITRAMFS_TPM2)

LINUX_ISO_INPUTS := $(BUILD)/hv.elf policy/default.pol $(BUILD)/securebox.elf \
	$(LINUX_KERNEL) $(INITRAMFS) grub/mkiso.sh grub/grub.cfg.in
LINUX_ISO_COMMON := --hv $(BUILD)/hv.elf --policy policy/default.pol \
	--securebox $(BUILD)/securebox.elf --kernel $(LINUX_KERNEL) --initrd $(INITRAMFS)

$(BUILD)/sbx-linux.iso: $(LINUX_ISO_INPUTS)
	sh grub/mkiso.sh $@ $(LINUX_ISO_COMMON) --cmdline "$(LINUX_CMDLINE)"

$(BUILD)/sbx-linux-test.iso: $(LINUX_ISO_INPUTS)
	sh grub/mkiso.sh $@ $(LINUX_ISO_COMMON) \
		--cmdline "$(LINUX_CMDLINE) sbx.test=poweroff panic=-1"

LINUX_BENCH_CMDLINE := $(LINUX_CMDLINE) sbx.bench panic=-1

$(BUILD)/sbx-linux-bench.iso: $(LINUX_ISO_INPUTS)
	sh grub/mkiso.sh $@ $(LINUX_ISO_COMMON) --cmdline "$(LINUX_BENCH_CMDLINE)" --default 0

$(BUILD)/sbx-linux-bench-direct.iso: $(LINUX_ISO_INPUTS)
	sh grub/mkiso.sh $@ $(LINUX_ISO_COMMON) --cmdline "$(LINUX_BENCH_CMDLINE)" --default 1
