/* GCC's own <stddef.h> would redefine the kernel's offsetof and NULL; take the
 * kernel's. */
#ifndef SBX_ATTACK_COMPAT_STDDEF_H
#define SBX_ATTACK_COMPAT_STDDEF_H
#include <linux/stddef.h>
#include <linux/types.h>
#endif
