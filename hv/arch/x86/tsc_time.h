#ifndef SBX_HV_X86_TSC_TIME_H
#define SBX_HV_X86_TSC_TIME_H

#include <stdint.h>

/* Returns 0, or -1 if the PIT did not count and a fallback rate is in use. */
int tsc_time_init(void);
uint64_t tsc_ticks_per_microsecond(void);

#endif
