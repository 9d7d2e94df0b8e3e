test_linux_boot_params_SOURCES := hv/linux_boot_params.c
