test_hypercall_buffer_SOURCES := hv/hypercall_buffer.c hv/memory_layout.c hv/phys_alloc.c
