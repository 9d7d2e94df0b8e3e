/* The project's shared headers (include/sbx/, tests/guest/secret_scan.h) take their
 * fixed-width types from <stdint.h>; the kernel builds with -nostdinc and has none,
 * but <linux/types.h> defines the same names. */
#ifndef SBX_ATTACK_COMPAT_STDINT_H
#define SBX_ATTACK_COMPAT_STDINT_H
#include <linux/types.h>
#include <linux/limits.h>
#ifndef UINT16_MAX
#define UINT16_MAX U16_MAX
#endif
#endif
