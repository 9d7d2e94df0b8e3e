test_startup_page_SOURCES := hv/startup_page.c
