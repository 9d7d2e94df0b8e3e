/* Straight to the UART, a character at a time: no buffer, so output written just
 * before a hang or a fault is not lost. */
#include <stdbool.h>
#include <stdint.h>

#include "format.h"
#include "spinlock.h"
#include "arch/x86/serial.h"

static void print_string(const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		serial_putc(*s++);
}

static void print_number(uint64_t value, unsigned base, bool negative, unsigned width)
{
	char digits[24];
	unsigned count = 0;

	do {
		digits[count++] = "0123456789abcdef"[value % base];
		value /= base;
	} while (value);
	if (negative)
		serial_putc('-');
	while (width > count + negative) {
		serial_putc('0');
		width--;
	}
	while (count)
		serial_putc(digits[--count]);
}

/* One message at a time: CPUs share the UART. */
static struct spinlock console_lock;

static void format_to_serial(const char *format, va_list arguments)
{
	for (; *format; format++) {
		unsigned width = 0;
		bool is_long = false;

		if (*format != '%') {
			serial_putc(*format);
			continue;
		}
		format++;
		while (*format >= '0' && *format <= '9')
			width = width * 10 + (unsigned)(*format++ - '0');
		while (*format == 'l') {
			is_long = true;
			format++;
		}
		switch (*format) {
		case 's':
			print_string(va_arg(arguments, const char *));
			break;
		case 'c':
			serial_putc((char)va_arg(arguments, int));
			break;
		case 'd': {
			int64_t value = is_long ? va_arg(arguments, int64_t)
						: va_arg(arguments, int);

			print_number(value < 0 ? -(uint64_t)value : (uint64_t)value, 10,
				     value < 0, width);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t value = is_long ? va_arg(arguments, uint64_t)
						 : va_arg(arguments, unsigned);

			print_number(value, *format == 'u' ? 10 : 16, false, width);
			break;
		}
		case '%':
			serial_putc('%');
			break;
		case '\0':
			return;
		default:
			/* An unsupported conversion is a bug in the caller: show it. */
			serial_putc('%');
			serial_putc(*format);
		}
	}
}

void vprintk(const char *format, va_list arguments)
{
	spin_lock(&console_lock);
	format_to_serial(format, arguments);
	spin_unlock(&console_lock);
}

void printk(const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vprintk(format, arguments);
	va_end(arguments);
}
