#include <stddef.h>

#include "local_apic.h"

#include "mmio.h"
#include "monotonic_time.h"
#include "msr.h"

#define CPUID_FEATURES 1
#define INIT_DELAY_MICROSECONDS     10000
#define STARTUP_DELAY_MICROSECONDS  200
/* Delivery takes a bus cycle on silicon and nothing under emulation: a pending
 * bit still set after this long is an APIC that will not send. */
#define DELIVERY_TIMEOUT_MICROSECONDS 100000
#define PAGE_MASK 0xfffull
#define SPURIOUS_APIC_ENABLE 0x100u

struct icr_command icr_init(uint8_t apic_id, int assert)
{
	return (struct icr_command){
		.high = (uint32_t)apic_id << ICR_DESTINATION_SHIFT,
		.low = ICR_DELIVERY_INIT | ICR_TRIGGER_LEVEL | (assert ? ICR_LEVEL_ASSERT : 0),
	};
}

struct icr_command icr_startup(uint8_t apic_id, uint64_t start_page)
{
	return (struct icr_command){
		.high = (uint32_t)apic_id << ICR_DESTINATION_SHIFT,
		.low = ICR_DELIVERY_STARTUP | (uint32_t)(start_page >> 12),
	};
}

uint32_t local_apic_current_id(void)
{
	uint32_t eax, ebx, ecx, edx;

	cpuid(CPUID_FEATURES, 0, &eax, &ebx, &ecx, &edx);
	return ebx >> 24;
}

static void delay(uint64_t microseconds)
{
	uint64_t start = time_microseconds();

	while (time_microseconds() - start < microseconds)
		;
}

static int wait_delivered(uint64_t apic_base)
{
	uint64_t start = time_microseconds();

	while (mmio_read32(apic_base + LOCAL_APIC_ICR_LOW) & ICR_DELIVERY_PENDING)
		if (time_microseconds() - start > DELIVERY_TIMEOUT_MICROSECONDS)
			return -1;
	return 0;
}

static int send(uint64_t apic_base, struct icr_command command)
{
	if (wait_delivered(apic_base))
		return -1;
	mmio_write32(apic_base + LOCAL_APIC_ICR_HIGH, command.high);
	mmio_write32(apic_base + LOCAL_APIC_ICR_LOW, command.low);
	return wait_delivered(apic_base);
}

int local_apic_send_ipi(uint64_t apic_base, uint32_t apic_id, uint32_t command)
{
	uint32_t saved_high = mmio_read32(apic_base + LOCAL_APIC_ICR_HIGH);
	int result = send(apic_base, (struct icr_command){
		.high = apic_id << ICR_DESTINATION_SHIFT,
		.low = command,
	});

	mmio_write32(apic_base + LOCAL_APIC_ICR_HIGH, saved_high);
	return result;
}

void local_apic_enable(uint64_t apic_base, uint8_t spurious_vector)
{
	mmio_write32(apic_base + LOCAL_APIC_SPURIOUS, SPURIOUS_APIC_ENABLE | spurious_vector);
}

const char *local_apic_start_cpu(uint64_t apic_base, uint32_t apic_id, uint64_t start_page)
{
	if (apic_id > LOCAL_APIC_MAX_CPU_ID)
		return "APIC ID above 0xfe: not an xAPIC physical destination";
	if ((start_page & PAGE_MASK) || start_page < STARTUP_PAGE_LOWEST ||
	    start_page >= STARTUP_PAGE_LIMIT)
		return "start page is not a page in [0x1000, 0xa0000)";
	if (send(apic_base, icr_init(apic_id, 1)) || send(apic_base, icr_init(apic_id, 0)))
		return "the local APIC did not deliver INIT";
	delay(INIT_DELAY_MICROSECONDS);
	for (int i = 0; i < 2; i++) {
		if (send(apic_base, icr_startup(apic_id, start_page)))
			return "the local APIC did not deliver STARTUP";
		delay(STARTUP_DELAY_MICROSECONDS);
	}
	return NULL;
}
