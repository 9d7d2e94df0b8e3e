/* The hypervisor console (COM1): format.h's printk, hex dumps and panic. */
#ifndef SBX_HV_CONSOLE_H
#define SBX_HV_CONSOLE_H

#include <stddef.h>

#include "format.h"

void print_hex(const void *bytes, size_t length);

/* Prints "sbx: FATAL: <message>" and stops this CPU for good. */
_Noreturn void panic(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
