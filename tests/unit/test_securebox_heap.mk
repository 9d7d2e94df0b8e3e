test_securebox_heap_SOURCES := securebox/heap.c
