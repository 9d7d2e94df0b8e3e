/* include/sbx/hypercall.h is shared with freestanding and hosted C, and so takes
 * its fixed-width types from <stdint.h>; the kernel has none (-nostdinc), but
 * <linux/types.h> defines the same names. */
#ifndef SBX_COMPAT_STDINT_H
#define SBX_COMPAT_STDINT_H
#include <linux/types.h>
#endif
