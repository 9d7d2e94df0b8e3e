# Linux as the commodity OS: Debian's stock kernel (mk/fetch-kernel.sh), our
# initramfs (guest/initramfs/), and the ISOs that boot them under the hypervisor.
#   sbx-linux.iso       an interactive busybox shell on the serial console
#   sbx-linux-test.iso  the same kernel and initramfs; init powers off once
#                       userspace is reached (sbx.test=poweroff), a panic reboots
#                       (and so ends QEMU under -no-reboot)
LINUX_KERNEL  := $(BUILD)/linux/vmlinuz
INITRAMFS     := $(BUILD)/initramfs.cpio
# The kernel's own messages stay on the serial console, from the very first
# (earlyprintk) on, so that a user and the tests see the whole boot.
LINUX_CMDLINE := console=ttyS0,115200 earlyprintk=serial,ttyS0,115200

# Fetched once: the script resolves what linux-image-amd64 points to today.
$(LINUX_KERNEL):
	sh mk/fetch-kernel.sh $(dir $@)

$(INITRAMFS): guest/initramfs/mkinitramfs.sh guest/initramfs/init guest/initramfs/profile
	sh guest/initramfs/mkinitramfs.sh $@

LINUX_ISO_INPUTS := $(BUILD)/hv.elf policy/default.pol $(BUILD)/securebox.elf \
	$(LINUX_KERNEL) $(INITRAMFS) grub/mkiso.sh grub/grub.cfg.in
LINUX_ISO_COMMON := --hv $(BUILD)/hv.elf --policy policy/default.pol \
	--securebox $(BUILD)/securebox.elf --kernel $(LINUX_KERNEL) --initrd $(INITRAMFS)

$(BUILD)/sbx-linux.iso: $(LINUX_ISO_INPUTS)
	sh grub/mkiso.sh $@ $(LINUX_ISO_COMMON) --cmdline "$(LINUX_CMDLINE)"

$(BUILD)/sbx-linux-test.iso: $(LINUX_ISO_INPUTS)
	sh grub/mkiso.sh $@ $(LINUX_ISO_COMMON) \
		--cmdline "$(LINUX_CMDLINE) sbx.test=poweroff panic=-1"
