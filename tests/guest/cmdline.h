/* The guest's command line (boot_info.cmdline): words separated by blanks, in a
 * fixed-size field that need not be NUL-terminated. Pure, unit tested. */
#ifndef SBX_TEST_GUEST_CMDLINE_H
#define SBX_TEST_GUEST_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

bool cmdline_has_word(const char *cmdline, size_t capacity, const char *word);

#endif
