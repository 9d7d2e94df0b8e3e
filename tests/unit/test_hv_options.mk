test_hv_options_SOURCES := hv/hv_options.c
