/* Formatted output to the hypervisor console (COM1). Supports %s %c %d %u %x %%
 * with the l and ll length modifiers and a zero-padded width (%016llx). */
#ifndef SBX_HV_CONSOLE_H
#define SBX_HV_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

void printk(const char *format, ...) __attribute__((format(printf, 1, 2)));
void print_hex(const void *bytes, size_t length);

/* Prints "sbx: FATAL: <message>" and stops this CPU for good. */
_Noreturn void panic(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
