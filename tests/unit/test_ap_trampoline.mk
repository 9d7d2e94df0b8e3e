# The template is the real assembly, built for the host: the tests check the
# bytes the hypervisor copies, not a stand-in.
test_ap_trampoline_SOURCES := hv/arch/x86/ap_trampoline.c $(BUILD)/unit/ap_trampoline_template.o
test_ap_trampoline_LIBS := $(BUILD)/unit/ap_trampoline_template.o

$(BUILD)/unit/ap_trampoline_template.o: hv/arch/x86/ap_trampoline.S hv/arch/x86/ap_trampoline.h \
		hv/arch/x86/boot_layout.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -Iinclude -Ihv -Wa,--noexecstack -c $< -o $@
