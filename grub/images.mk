# Boot modules and ISO images.
#   sbx.iso       the product image: hv, policy, securebox; the kernel and initrd
#                 modules are placeholders until the Linux stage (measured, not run)
#   sbx-test.iso  the test guest (tests/guest) in the kernel's place: attack scenarios
#   sbx-bench.iso the test guest in benchmark mode (`make bench`)
KERNEL_CMDLINE := console=ttyS0

$(BUILD)/modules/%.placeholder:
	@mkdir -p $(dir $@)
	printf 'sbx placeholder %s module: measured, not run (not implemented yet)\n' $* > $@

ISO_INPUTS := $(BUILD)/hv.elf policy/default.pol $(BUILD)/securebox.elf \
	$(BUILD)/modules/initrd.placeholder grub/mkiso.sh grub/grub.cfg.in
ISO_COMMON := --hv $(BUILD)/hv.elf --policy policy/default.pol \
	--securebox $(BUILD)/securebox.elf --initrd $(BUILD)/modules/initrd.placeholder

$(BUILD)/sbx.iso: $(ISO_INPUTS) $(BUILD)/modules/kernel.placeholder
	sh grub/mkiso.sh $@ $(ISO_COMMON) --kernel $(BUILD)/modules/kernel.placeholder \
		--cmdline "$(KERNEL_CMDLINE)"

$(BUILD)/sbx-test.iso: $(ISO_INPUTS) $(BUILD)/sbx-test-guest.elf
	sh grub/mkiso.sh $@ $(ISO_COMMON) --kernel $(BUILD)/sbx-test-guest.elf \
		--cmdline "scenarios"

$(BUILD)/sbx-bench.iso: $(ISO_INPUTS) $(BUILD)/sbx-test-guest.elf
	sh grub/mkiso.sh $@ $(ISO_COMMON) --kernel $(BUILD)/sbx-test-guest.elf \
		--cmdline "bench"
