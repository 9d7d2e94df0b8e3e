test_tis_SOURCES := hv/tpm/tis.c
