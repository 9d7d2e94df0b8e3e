/* Formatted output to COM1, shared by the hypervisor's console and the test
 * guest's. Supports %s %c %d %u %x %% with the l and ll length modifiers (both
 * mean 64 bits) and a zero-padded width (%016llx). "\n" goes out as "\r\n". */
#ifndef SBX_HV_FORMAT_H
#define SBX_HV_FORMAT_H

#include <stdarg.h>

void printk(const char *format, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *format, va_list arguments) __attribute__((format(printf, 1, 0)));

#endif
