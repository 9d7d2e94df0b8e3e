/* The benchmark's clock: the TSC, read so that it measures only what lies between
 * two reads. */
#ifndef SBX_TEST_GUEST_CYCLE_COUNTER_H
#define SBX_TEST_GUEST_CYCLE_COUNTER_H

#include <stdint.h>

#include "arch/x86/cpu.h"

/* LFENCE on both sides keeps RDTSC from moving across the code being timed. */
static inline uint64_t ordered_rdtsc(void)
{
	uint64_t tsc;

	__asm__ volatile("lfence" ::: "memory");
	tsc = rdtsc();
	__asm__ volatile("lfence" ::: "memory");
	return tsc;
}

#endif
