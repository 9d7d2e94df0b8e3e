/* QEMU's fw_cfg interface (I/O ports 0x510/0x511): how a system test hands the
 * guest data that no measurement covers, such as a sealed blob from an earlier
 * boot, without changing the kernel command line (which is measured). */
#ifndef SBX_TEST_GUEST_FW_CFG_H
#define SBX_TEST_GUEST_FW_CFG_H

#include <stddef.h>

/* Copies the fw_cfg file `name` into `out` (NUL-terminated, at most capacity - 1
 * bytes) and returns its length, or -1 when there is no such file or it does not
 * fit. */
int fw_cfg_read_file(const char *name, char *out, size_t capacity);

#endif
