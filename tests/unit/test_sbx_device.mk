# /dev/sbx calls shared by sbxctl and sbx-agent (guest/common/sbx_device.c), against
# a scripted driver: open, ioctl and close are wrapped at link time.
test_sbx_device_SOURCES := guest/common/sbx_device.c
test_sbx_device_LIBS := -Wl,--wrap=open -Wl,--wrap=ioctl -Wl,--wrap=close
$(BUILD)/unit/test_sbx_device: HOST_CPPFLAGS += -Iguest/common -Iguest/driver
