/* time_microseconds() from the TSC, calibrated once against PIT channel 2 (which
 * every PC, and QEMU's i440fx and q35, has). Under TCG the TSC rate is emulated,
 * so calibrating beats trusting CPUID's frequency leaves. */
#include "monotonic_time.h"
#include "cpu.h"
#include "tsc_time.h"

#define PIT_HZ              1193182u
#define PIT_CHANNEL2        0x42
#define PIT_COMMAND         0x43
#define PIT_GATE            0x61
#define PIT_GATE_ENABLE     0x01
#define PIT_SPEAKER         0x02
#define PIT_CHANNEL2_OUTPUT 0x20
#define CALIBRATION_MS      10u
/* If the PIT never counts out, assume 1 GHz rather than hang: timeouts then err
 * on the long side, which only delays a failure report. */
#define FALLBACK_TICKS_PER_MICROSECOND 1000u
#define CALIBRATION_POLL_LIMIT 100000000u

static uint64_t ticks_per_microsecond;
static uint64_t boot_tsc;

int tsc_time_init(void)
{
	uint16_t count = PIT_HZ * CALIBRATION_MS / 1000;
	uint8_t gate = inb(PIT_GATE);
	uint64_t start, elapsed;
	uint32_t polls = 0;

	outb(PIT_GATE, (gate & ~PIT_SPEAKER) | PIT_GATE_ENABLE);
	outb(PIT_COMMAND, 0xb0);   /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CHANNEL2, count & 0xff);
	outb(PIT_CHANNEL2, count >> 8);
	start = rdtsc();
	while (!(inb(PIT_GATE) & PIT_CHANNEL2_OUTPUT) && polls < CALIBRATION_POLL_LIMIT)
		polls++;
	elapsed = rdtsc() - start;
	outb(PIT_GATE, gate);
	boot_tsc = rdtsc();

	ticks_per_microsecond = elapsed / (CALIBRATION_MS * 1000);
	if (polls >= CALIBRATION_POLL_LIMIT || ticks_per_microsecond == 0) {
		ticks_per_microsecond = FALLBACK_TICKS_PER_MICROSECOND;
		return -1;
	}
	return 0;
}

uint64_t tsc_ticks_per_microsecond(void)
{
	return ticks_per_microsecond;
}

uint64_t time_microseconds(void)
{
	return (rdtsc() - boot_tsc) / ticks_per_microsecond;
}
