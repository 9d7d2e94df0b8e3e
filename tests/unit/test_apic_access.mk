test_apic_access_SOURCES := hv/apic_access.c
