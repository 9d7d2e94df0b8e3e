test_launch_plan_SOURCES := hv/launch_plan.c attest/elf_image.c hv/elf_loader.c
