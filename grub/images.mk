# Boot modules and ISO images. Until the securebox and Linux stages land, the
# securebox, kernel and initrd modules are placeholder files: real bytes that are
# measured, and that the hypervisor reports as not run.
KERNEL_CMDLINE := console=ttyS0

$(BUILD)/modules/%.placeholder:
	@mkdir -p $(dir $@)
	printf 'sbx placeholder %s module: measured, not run (not implemented yet)\n' $* > $@

BOOT_MODULES := $(BUILD)/hv.elf policy/default.policy $(BUILD)/modules/securebox.placeholder \
	$(BUILD)/modules/kernel.placeholder $(BUILD)/modules/initrd.placeholder

$(BUILD)/sbx.iso: $(BOOT_MODULES) grub/mkiso.sh grub/grub.cfg.in
	sh grub/mkiso.sh $@ --hv $(BUILD)/hv.elf --policy policy/default.policy \
		--securebox $(BUILD)/modules/securebox.placeholder \
		--kernel $(BUILD)/modules/kernel.placeholder \
		--initrd $(BUILD)/modules/initrd.placeholder --cmdline "$(KERNEL_CMDLINE)"
