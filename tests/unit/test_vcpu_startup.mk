test_vcpu_startup_SOURCES := hv/vcpu_startup.c
