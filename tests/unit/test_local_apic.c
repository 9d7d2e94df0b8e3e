/* The INIT and STARTUP commands the hypervisor sends to start an application
 * processor: their ICR encodings against the Intel SDM and AMD APM bit layout, and
 * the MultiProcessor Specification's sequence and delays; and the fixed IPI that
 * wakes a waiting AP, which must leave the commodity OS's ICR high as it was; on a
 * simulated xAPIC (mmio.h) and clock (monotonic_time.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/local_apic.h"
#include "arch/x86/mmio.h"
#include "monotonic_time.h"

#define APIC_BASE  0xfee00000ull
#define CLOCK_STEP 7          /* microseconds per time_microseconds() call */
#define MAX_WRITES 16

static struct {
	uintptr_t address;
	uint32_t value;
	uint64_t time;
} writes[MAX_WRITES];
static size_t write_count;
static uint64_t clock_now;
static int never_delivers;   /* the ICR's delivery-pending bit stays set */

uint64_t time_microseconds(void)
{
	clock_now += CLOCK_STEP;
	return clock_now;
}

/* What the commodity OS last wrote into ICR high, before the hypervisor's own IPI. */
#define GUEST_ICR_HIGH 0x05000000u

uint32_t mmio_read32(uintptr_t address)
{
	if (address == APIC_BASE + LOCAL_APIC_ICR_HIGH)
		return GUEST_ICR_HIGH;
	assert_int_equal(address, APIC_BASE + LOCAL_APIC_ICR_LOW);
	return never_delivers ? ICR_DELIVERY_PENDING : 0;
}

void mmio_write32(uintptr_t address, uint32_t value)
{
	assert_true(write_count < MAX_WRITES);
	writes[write_count].address = address;
	writes[write_count].value = value;
	writes[write_count].time = clock_now;
	write_count++;
}

uint8_t mmio_read8(uintptr_t address)
{
	fail_msg("unexpected 8-bit read at 0x%lx", (unsigned long)address);
	return 0;
}

void mmio_write8(uintptr_t address, uint8_t value)
{
	fail_msg("unexpected 8-bit write 0x%x at 0x%lx", value, (unsigned long)address);
}

static int reset(void **state)
{
	(void)state;
	memset(writes, 0, sizeof(writes));
	write_count = 0;
	clock_now = 0;
	never_delivers = 0;
	return 0;
}

static void init_is_level_triggered_to_one_physical_id(void **state)
{
	struct icr_command assert_init = icr_init(3, 1), deassert_init = icr_init(3, 0);

	(void)state;
	assert_int_equal(assert_init.high, 0x03000000);
	assert_int_equal(assert_init.low, 0x0000c500);   /* INIT, level assert, level trigger */
	assert_int_equal(deassert_init.high, 0x03000000);
	assert_int_equal(deassert_init.low, 0x00008500);
}

static void startup_vector_is_the_page_number(void **state)
{
	struct icr_command startup = icr_startup(0xfe, 0x9e000);

	(void)state;
	assert_int_equal(startup.high, 0xfe000000);
	assert_int_equal(startup.low, 0x0000069e);   /* STARTUP, physical, fixed trigger */
	assert_int_equal(icr_startup(1, 0x1000).low, 0x00000601);
}

static void assert_write(size_t index, uint64_t register_offset, uint32_t value)
{
	assert_int_equal(writes[index].address, APIC_BASE + register_offset);
	assert_int_equal(writes[index].value, value);
}

static void start_sends_init_then_two_startups_with_the_delays(void **state)
{
	(void)state;
	assert_null(local_apic_start_cpu(APIC_BASE, 2, 0x9e000));
	assert_int_equal(write_count, 8);
	/* The destination always before the command: writing the low half sends. */
	assert_write(0, LOCAL_APIC_ICR_HIGH, 0x02000000);
	assert_write(1, LOCAL_APIC_ICR_LOW, 0x0000c500);
	assert_write(2, LOCAL_APIC_ICR_HIGH, 0x02000000);
	assert_write(3, LOCAL_APIC_ICR_LOW, 0x00008500);
	assert_write(4, LOCAL_APIC_ICR_HIGH, 0x02000000);
	assert_write(5, LOCAL_APIC_ICR_LOW, 0x0000069e);
	assert_write(6, LOCAL_APIC_ICR_HIGH, 0x02000000);
	assert_write(7, LOCAL_APIC_ICR_LOW, 0x0000069e);
	assert_true(writes[5].time - writes[3].time >= 10000);
	assert_true(writes[7].time - writes[5].time >= 200);
	/* And the second STARTUP gets its 200 us before the caller goes on. */
	assert_true(clock_now - writes[7].time >= 200);
}

static void an_apic_that_never_delivers_is_an_error_not_a_hang(void **state)
{
	(void)state;
	never_delivers = 1;
	assert_string_equal(local_apic_start_cpu(APIC_BASE, 2, 0x9e000),
			    "the local APIC did not deliver INIT");
	assert_int_equal(write_count, 0);
}

static void invalid_destinations_and_pages_are_refused_before_sending(void **state)
{
	static const uint64_t bad_pages[] = { 0, 0x9e001, 0xa0000, 0xff000, 0x100000 };

	(void)state;
	assert_string_equal(local_apic_start_cpu(APIC_BASE, 0xff, 0x9e000),
			    "APIC ID above 0xfe: not an xAPIC physical destination");
	assert_non_null(local_apic_start_cpu(APIC_BASE, 0x100, 0x9e000));
	for (size_t i = 0; i < sizeof(bad_pages) / sizeof(bad_pages[0]); i++)
		assert_string_equal(local_apic_start_cpu(APIC_BASE, 1, bad_pages[i]),
				    "start page is not a page in [0x1000, 0xa0000)");
	assert_int_equal(write_count, 0);
	assert_null(local_apic_start_cpu(APIC_BASE, 1, 0x1000));
	assert_null(local_apic_start_cpu(APIC_BASE, 0xfe, 0x9f000));
}

static void wake_up_ipi_puts_the_guests_destination_back(void **state)
{
	(void)state;
	assert_int_equal(local_apic_send_ipi(APIC_BASE, 2, ICR_DELIVERY_FIXED | 0xf0), 0);
	assert_int_equal(write_count, 3);
	assert_write(0, LOCAL_APIC_ICR_HIGH, 0x02000000);
	assert_write(1, LOCAL_APIC_ICR_LOW, 0x000000f0);   /* fixed, physical, no shorthand */
	/* A guest that wrote ICR high and has yet to write ICR low must find it intact. */
	assert_write(2, LOCAL_APIC_ICR_HIGH, GUEST_ICR_HIGH);
}

static void kick_is_an_nmi_to_one_physical_id(void **state)
{
	(void)state;
	assert_int_equal(local_apic_send_ipi(APIC_BASE, 3, ICR_DELIVERY_NMI), 0);
	assert_write(0, LOCAL_APIC_ICR_HIGH, 0x03000000);
	assert_write(1, LOCAL_APIC_ICR_LOW, 0x00000400);
	assert_write(2, LOCAL_APIC_ICR_HIGH, GUEST_ICR_HIGH);
}

static void wake_up_ipi_never_delivered_is_an_error(void **state)
{
	(void)state;
	never_delivers = 1;
	assert_int_equal(local_apic_send_ipi(APIC_BASE, 2, ICR_DELIVERY_FIXED | 0xf0), -1);
	assert_int_equal(write_count, 1);
	assert_write(0, LOCAL_APIC_ICR_HIGH, GUEST_ICR_HIGH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(init_is_level_triggered_to_one_physical_id, reset),
		cmocka_unit_test_setup(startup_vector_is_the_page_number, reset),
		cmocka_unit_test_setup(start_sends_init_then_two_startups_with_the_delays, reset),
		cmocka_unit_test_setup(an_apic_that_never_delivers_is_an_error_not_a_hang, reset),
		cmocka_unit_test_setup(wake_up_ipi_puts_the_guests_destination_back, reset),
		cmocka_unit_test_setup(wake_up_ipi_never_delivered_is_an_error, reset),
		cmocka_unit_test_setup(kick_is_an_nmi_to_one_physical_id, reset),
		cmocka_unit_test_setup(invalid_destinations_and_pages_are_refused_before_sending,
				       reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
