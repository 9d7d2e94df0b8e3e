/* COM1 at 115200 8N1, polled: the hypervisor's only console. */
#include "serial.h"

#include "cpu.h"

#define COM1 0x3f8
#define UART_DATA          0
#define UART_INTERRUPTS    1
#define UART_FIFO_CONTROL  2
#define UART_LINE_CONTROL  3
#define UART_MODEM_CONTROL 4
#define UART_LINE_STATUS   5
#define LINE_CONTROL_DLAB  0x80
#define LINE_CONTROL_8N1   0x03
#define LINE_STATUS_THR_EMPTY 0x20
#define DIVISOR_115200     1

void serial_init(void)
{
	outb(COM1 + UART_INTERRUPTS, 0);
	outb(COM1 + UART_LINE_CONTROL, LINE_CONTROL_DLAB);
	outb(COM1 + UART_DATA, DIVISOR_115200 & 0xff);
	outb(COM1 + UART_INTERRUPTS, DIVISOR_115200 >> 8);
	outb(COM1 + UART_LINE_CONTROL, LINE_CONTROL_8N1);
	outb(COM1 + UART_FIFO_CONTROL, 0xc7);   /* enable and clear FIFOs */
	outb(COM1 + UART_MODEM_CONTROL, 0x03);  /* DTR, RTS; interrupts stay off */
}

void serial_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	while (!(inb(COM1 + UART_LINE_STATUS) & LINE_STATUS_THR_EMPTY))
		cpu_relax();
	outb(COM1 + UART_DATA, (uint8_t)c);
}
