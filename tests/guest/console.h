/* COM1 output, through the hypervisor's own UART driver and formatter: print()
 * takes printk's formats (hv/format.h). "\n" goes out as "\r\n". */
#ifndef SBX_TEST_GUEST_CONSOLE_H
#define SBX_TEST_GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

void console_init(void);
void print(const char *format, ...) __attribute__((format(printf, 1, 2)));
void vprint(const char *format, va_list arguments) __attribute__((format(printf, 1, 0)));
/* `size` bytes as lowercase hex digits, two a byte, with nothing around them. */
void print_hex(const void *bytes, size_t size);

#endif
