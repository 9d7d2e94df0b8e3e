test_securebox_service_SOURCES := $(SECUREBOX_HOST_SOURCES)
test_securebox_service_LIBS := $(SECUREBOX_HOST_MBEDTLS)
$(BUILD)/unit/test_securebox_service: HOST_CPPFLAGS := $(SECUREBOX_CPPFLAGS)
$(BUILD)/unit/test_securebox_service: $(SECUREBOX_HOST_MBEDTLS)
