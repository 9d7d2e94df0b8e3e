test_securebox_service_SOURCES := securebox/service.c
