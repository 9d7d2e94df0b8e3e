# build/reference.json, the verifier's reference values (attest/README.md), from the
# artifacts that build/sbx-linux.iso boots and a calibration boot of that ISO on the
# reference machine (mk/calibrate-platform.sh) for the platform PCRs 0-9.
# guest/linux.mk, included before this file, names the kernel, the initramfs and
# the command line.
SBX_REFERENCE_SOURCES := attest/sbx_reference.c attest/component_digests.c attest/elf_image.c \
	hv/elf_loader.c hv/launch_plan.c $(HOST_SHA256_SOURCES)

$(BUILD)/sbx-reference: $(SBX_REFERENCE_SOURCES) attest/component_digests.h attest/elf_image.h \
		hv/launch_plan.h | $(MBEDTLS_OK)
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror $(HOST_CPPFLAGS) \
		-o $@ $(SBX_REFERENCE_SOURCES) -ljson-c

# The calibration boots the ISO itself, so it follows every change of the ISO (the
# boot image and catalog SeaBIOS measures into PCRs 4 and 5 are in it).
$(BUILD)/platform-pcrs.txt: $(BUILD)/sbx-linux.iso mk/calibrate-platform.sh
	sh mk/calibrate-platform.sh $(BUILD)/sbx-linux.iso $@

$(BUILD)/reference.json: $(BUILD)/sbx-reference $(BUILD)/hv.elf policy/default.pol \
		$(BUILD)/securebox.elf $(LINUX_KERNEL) $(INITRAMFS) $(BUILD)/platform-pcrs.txt \
		guest/linux.mk
	$(BUILD)/sbx-reference --hv $(BUILD)/hv.elf --policy policy/default.pol \
		--securebox $(BUILD)/securebox.elf --kernel $(LINUX_KERNEL) --initrd $(INITRAMFS) \
		--cmdline "$(LINUX_CMDLINE)" --platform-pcrs $(BUILD)/platform-pcrs.txt --out $@

all: $(BUILD)/reference.json
