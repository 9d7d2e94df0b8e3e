test_guest_walk_SOURCES := hv/arch/x86/guest_walk.c
