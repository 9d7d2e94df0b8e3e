#include <stdbool.h>
#include <string.h>

#include "arch/x86/msr.h"
#include "console.h"
#include "entropy.h"

#define CPUID_FEATURES_ECX_RDRAND (1u << 30)
#define RDRAND_RETRIES 10

static bool has_rdrand(void)
{
	uint32_t eax, ebx, ecx, edx;

	cpuid(1, 0, &eax, &ebx, &ecx, &edx);
	return ecx & CPUID_FEATURES_ECX_RDRAND;
}

/* RDRAND may transiently fail (CF clear); the vendors' guidance is a few retries. */
static bool rdrand64(uint64_t *value)
{
	for (int i = 0; i < RDRAND_RETRIES; i++) {
		uint8_t ok;

		__asm__ volatile("rdrand %0; setc %1" : "=r"(*value), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

static void tpm_random(struct tpm *tpm, uint8_t *out, size_t size)
{
	struct tpm_error error;

	if (tpm_get_random(tpm, out, size, &error))
		panic("TPM: %s failed: %s", error.command, error.reason);
}

size_t entropy_gather(struct tpm *tpm, uint8_t *out, size_t size)
{
	bool rdrand = has_rdrand();

	if (!tpm && !rdrand)
		return 0;
	memset(out, 0, size);
	if (tpm)
		tpm_random(tpm, out, size);
	if (rdrand)
		for (size_t offset = 0; offset < size; offset += sizeof(uint64_t)) {
			uint64_t value;
			size_t length = size - offset < sizeof(value) ? size - offset
								      : sizeof(value);

			if (!rdrand64(&value)) {
				if (!tpm)
					return 0;
				break;
			}
			for (size_t i = 0; i < length; i++)
				out[offset + i] ^= (uint8_t)(value >> (8 * i));
		}
	return size;
}
