/* bool, true and false come from the kernel's own headers. */
#ifndef SBX_ATTACK_COMPAT_STDBOOL_H
#define SBX_ATTACK_COMPAT_STDBOOL_H
#include <linux/stddef.h>
#include <linux/types.h>
#endif
