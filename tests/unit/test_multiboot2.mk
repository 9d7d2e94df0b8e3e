test_multiboot2_SOURCES := hv/multiboot2.c
