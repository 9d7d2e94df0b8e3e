/* I/O ports are passed through to the commodity partition, so this is the same
 * UART the hypervisor prints on, and the same code drives it. The UART is set
 * up again all the same: a guest cannot rely on what ran before it. */
#include <stdint.h>

#include "arch/x86/serial.h"
#include "console.h"
#include "format.h"

void console_init(void)
{
	serial_init();
}

void print(const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vprintk(format, arguments);
	va_end(arguments);
}

void vprint(const char *format, va_list arguments)
{
	vprintk(format, arguments);
}

void print_hex(const void *bytes, size_t size)
{
	const uint8_t *byte = bytes;

	for (size_t i = 0; i < size; i++)
		print("%02x", byte[i]);
}
