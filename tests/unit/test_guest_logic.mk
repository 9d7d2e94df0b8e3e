test_guest_logic_SOURCES := tests/guest/secret_scan.c tests/guest/statistics.c \
	tests/guest/cmdline.c
