/* Monotonic time for timeouts. The x86 implementation counts TSC ticks calibrated
 * against the PIT at boot; unit tests link a simulated clock instead. */
#ifndef SBX_HV_MONOTONIC_TIME_H
#define SBX_HV_MONOTONIC_TIME_H

#include <stdint.h>

uint64_t time_microseconds(void);

#endif
