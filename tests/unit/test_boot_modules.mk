test_boot_modules_SOURCES := hv/boot_modules.c
