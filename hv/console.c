#include <stdarg.h>
#include <stdint.h>

#include "console.h"
#include "arch/x86/cpu.h"

void print_hex(const void *bytes, size_t length)
{
	const uint8_t *byte = bytes;

	while (length--)
		printk("%02x", *byte++);
}

void panic(const char *format, ...)
{
	va_list arguments;

	printk("sbx: FATAL: ");
	va_start(arguments, format);
	vprintk(format, arguments);
	va_end(arguments);
	printk("\nsbx: halted\n");
	cpu_halt_forever();
}
