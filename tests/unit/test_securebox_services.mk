test_securebox_services_SOURCES := $(SECUREBOX_HOST_SOURCES)
test_securebox_services_LIBS := $(SECUREBOX_HOST_MBEDTLS)
$(BUILD)/unit/test_securebox_services: HOST_CPPFLAGS := $(SECUREBOX_CPPFLAGS)
$(BUILD)/unit/test_securebox_services: $(SECUREBOX_HOST_MBEDTLS)
