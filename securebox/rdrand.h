/* RDRAND, on CPUs that have it: a source of entropy independent of the hypervisor's
 * seed, which entropy.c mixes in before every key is made. */
#ifndef SBX_SECUREBOX_RDRAND_H
#define SBX_SECUREBOX_RDRAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CPUID.1:ECX[30]. QEMU's qemu64 model lacks it; -cpu max and most hardware have it. */
bool rdrand_available(void);

/* Fills `size` bytes from RDRAND. False when it kept failing (the retry limit
 * Intel recommends, ten tries per value, was reached): a CPU whose generator has
 * failed must not be trusted for keys. Only call when rdrand_available(). */
bool rdrand_fill(uint8_t *buffer, size_t size);

#endif
