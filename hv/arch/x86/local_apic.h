/* The running CPU's xAPIC, for what the hypervisor itself sends: the INIT and
 * STARTUP IPIs that start an application processor, and the IPI that wakes one to
 * run its vCPU. The command encodings are
 * pure, for the unit tests; sending goes through mmio.h and monotonic_time.h,
 * which the tests replace with a simulated APIC and clock. */
#ifndef SBX_HV_X86_LOCAL_APIC_H
#define SBX_HV_X86_LOCAL_APIC_H

#include <stdint.h>

#define LOCAL_APIC_DEFAULT_BASE 0xfee00000ull
#define LOCAL_APIC_ID           0x020
#define LOCAL_APIC_EOI          0x0b0
#define LOCAL_APIC_SPURIOUS     0x0f0
#define LOCAL_APIC_ICR_LOW      0x300
#define LOCAL_APIC_ICR_HIGH     0x310

#define ICR_DELIVERY_FIXED    0x00000000u
#define ICR_DELIVERY_NMI      0x00000400u
#define ICR_DELIVERY_INIT     0x00000500u
#define ICR_DELIVERY_STARTUP  0x00000600u
#define ICR_DELIVERY_PENDING  0x00001000u   /* read-only: the last IPI is not sent yet */
#define ICR_LEVEL_ASSERT      0x00004000u
#define ICR_TRIGGER_LEVEL     0x00008000u
#define ICR_DESTINATION_SHIFT 24
/* Physical destination 0xff is the broadcast: never a single CPU's ID. */
#define LOCAL_APIC_MAX_CPU_ID 0xfe

/* A STARTUP IPI's vector is the start page's number: the page must lie in
 * [0x1000, 0xa0000): 0xa0-0xbf are reserved vectors, and page 0 holds the real
 * mode interrupt table. */
#define STARTUP_PAGE_LOWEST   0x01000ull
#define STARTUP_PAGE_LIMIT    0xa0000ull

struct icr_command {
	uint32_t high;   /* written first: writing `low` sends */
	uint32_t low;
};

/* INIT, level-triggered, asserted (`assert`) or de-asserted, to one xAPIC ID. */
struct icr_command icr_init(uint8_t apic_id, int assert);

/* STARTUP to one xAPIC ID: the CPU starts in real mode at `start_page` (CS =
 * start_page >> 4, IP = 0). The page must be valid (local_apic_start_cpu checks). */
struct icr_command icr_startup(uint8_t apic_id, uint64_t start_page);

/* An IPI to one xAPIC ID, physical destination: `command` is ICR low's delivery
 * mode and vector (ICR_DELIVERY_FIXED | vector, ICR_DELIVERY_NMI). The ICR is also
 * the commodity OS's (it runs on this CPU, and its ICR high write may be waiting for
 * its ICR low write): ICR high is put back as it was. Returns 0, or -1 if the APIC
 * never delivered. */
int local_apic_send_ipi(uint64_t apic_base, uint32_t apic_id, uint32_t command);

/* Software-enables the running CPU's APIC, which after INIT accepts no fixed
 * interrupt: a parked AP's wake-up IPI is one. */
void local_apic_enable(uint64_t apic_base, uint8_t spurious_vector);

/* The running CPU's xAPIC ID (CPUID leaf 1, EBX bits 31-24): no MMIO needed. */
uint32_t local_apic_current_id(void);

/* INIT (assert, de-assert), 10 ms, STARTUP, 200 us, STARTUP, 200 us: the
 * sequence of the MultiProcessor Specification (B.4), each command sent only
 * once the APIC reports the previous one delivered. Returns NULL, or why it
 * could not (an invalid ID or page, or an APIC that never delivers). */
const char *local_apic_start_cpu(uint64_t apic_base, uint32_t apic_id, uint64_t start_page);

#endif
