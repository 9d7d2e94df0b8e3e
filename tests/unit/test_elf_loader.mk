test_elf_loader_SOURCES := hv/elf_loader.c
