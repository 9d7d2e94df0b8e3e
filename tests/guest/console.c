/* COM1 as a 16550 at 115200 8N1, polled. I/O ports are passed through to the
 * commodity partition, so this is the same UART the hypervisor prints on. */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/cpu.h"
#include "console.h"

#define COM1               0x3f8
#define UART_DATA          0
#define UART_INTERRUPTS    1
#define UART_FIFO_CONTROL  2
#define UART_LINE_CONTROL  3
#define UART_MODEM_CONTROL 4
#define UART_LINE_STATUS   5
#define LINE_CONTROL_DLAB  0x80
#define LINE_CONTROL_8N1   0x03
#define LINE_STATUS_THR_EMPTY 0x20
#define FIFO_ENABLE_AND_CLEAR 0xc7
#define MODEM_DTR_RTS      0x03
#define DIVISOR_115200     1

void console_init(void)
{
	outb(COM1 + UART_INTERRUPTS, 0);
	outb(COM1 + UART_LINE_CONTROL, LINE_CONTROL_DLAB);
	outb(COM1 + UART_DATA, DIVISOR_115200 & 0xff);
	outb(COM1 + UART_INTERRUPTS, DIVISOR_115200 >> 8);
	outb(COM1 + UART_LINE_CONTROL, LINE_CONTROL_8N1);
	outb(COM1 + UART_FIFO_CONTROL, FIFO_ENABLE_AND_CLEAR);
	outb(COM1 + UART_MODEM_CONTROL, MODEM_DTR_RTS);
}

static void put_char(char c)
{
	if (c == '\n')
		put_char('\r');
	while (!(inb(COM1 + UART_LINE_STATUS) & LINE_STATUS_THR_EMPTY))
		cpu_relax();
	outb(COM1 + UART_DATA, (uint8_t)c);
}

static void put_string(const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		put_char(*s++);
}

static void put_number(uint64_t value, unsigned base, bool negative, unsigned width)
{
	char digits[24];
	unsigned count = 0;

	do {
		digits[count++] = "0123456789abcdef"[value % base];
		value /= base;
	} while (value);
	if (negative)
		put_char('-');
	while (width > count + negative) {
		put_char('0');
		width--;
	}
	while (count)
		put_char(digits[--count]);
}

void vprint(const char *format, va_list arguments)
{
	for (; *format; format++) {
		unsigned width = 0;
		bool is_long = false;

		if (*format != '%') {
			put_char(*format);
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
			put_string(va_arg(arguments, const char *));
			break;
		case 'c':
			put_char((char)va_arg(arguments, int));
			break;
		case 'd': {
			int64_t value = is_long ? va_arg(arguments, int64_t)
						: va_arg(arguments, int);

			put_number(value < 0 ? -(uint64_t)value : (uint64_t)value, 10,
				   value < 0, width);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t value = is_long ? va_arg(arguments, uint64_t)
						 : va_arg(arguments, unsigned);

			put_number(value, *format == 'u' ? 10 : 16, false, width);
			break;
		}
		case '%':
			put_char('%');
			break;
		case '\0':
			return;
		default:
			/* An unsupported conversion is a bug in the caller: show it. */
			put_char('%');
			put_char(*format);
		}
	}
}

void print(const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vprint(format, arguments);
	va_end(arguments);
}
