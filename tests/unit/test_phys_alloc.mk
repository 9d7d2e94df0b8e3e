test_phys_alloc_SOURCES := hv/phys_alloc.c
