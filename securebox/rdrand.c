#include <string.h>

#include "rdrand.h"

#define CPUID_FEATURES 1u
#define CPUID_FEATURES_ECX_RDRAND (1u << 30)
#define RDRAND_RETRIES 10

/* In the securebox CPUID exits to the hypervisor, which passes this leaf through. */
bool rdrand_available(void)
{
	uint32_t eax = CPUID_FEATURES, ebx, ecx = 0, edx;

	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return (ecx & CPUID_FEATURES_ECX_RDRAND) != 0;
}

static bool rdrand64(uint64_t *value)
{
	bool ok;

	for (int i = 0; i < RDRAND_RETRIES; i++) {
		__asm__ volatile("rdrand %0" : "=r"(*value), "=@ccc"(ok));
		if (ok)
			return true;
	}
	return false;
}

bool rdrand_fill(uint8_t *buffer, size_t size)
{
	uint64_t value;
	size_t chunk;

	while (size > 0) {
		if (!rdrand64(&value))
			return false;
		chunk = size < sizeof(value) ? size : sizeof(value);
		memcpy(buffer, &value, chunk);
		buffer += chunk;
		size -= chunk;
	}
	return true;
}
