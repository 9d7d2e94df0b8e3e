test_local_apic_SOURCES := hv/arch/x86/local_apic.c
