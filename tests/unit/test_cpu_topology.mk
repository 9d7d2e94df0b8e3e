# CPU discovery from the ACPI MADT, on the tables QEMU's SeaBIOS and OVMF build
# (tests/unit/fixtures/acpi_*, captured by tests/unit/fixtures/capture_acpi_tables.py).
test_cpu_topology_SOURCES := hv/cpu_topology.c
