test_memory_layout_SOURCES := hv/memory_layout.c hv/phys_alloc.c
