test_arena_SOURCES := hv/arena.c
