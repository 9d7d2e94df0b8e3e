test_format_SOURCES := hv/format.c
