test_nested_paging_SOURCES := hv/arch/x86/nested_paging.c
