test_vmcb_check_SOURCES := hv/arch/x86/vmcb_check.c
