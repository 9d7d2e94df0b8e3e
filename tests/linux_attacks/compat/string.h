/* tests/guest/secret_scan.c is shared with the bare-metal test guest, which has its
 * own libc; in the kernel its memcpy and memset are <linux/string.h>'s. */
#ifndef SBX_ATTACK_COMPAT_STRING_H
#define SBX_ATTACK_COMPAT_STRING_H
#include <linux/string.h>
#endif
