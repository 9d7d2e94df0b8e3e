/* The verdicts on the commodity OS's xAPIC writes: INIT and STARTUP IPIs never
 * performed (vcpu_startup decides what they mean) whatever the destination, level,
 * shorthand or vector; no local vector table entry with INIT delivery; every other
 * delivery mode and register performed; offsets that are no register refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "apic_access.h"

#define ICR_LOW  0x300
#define ICR_HIGH 0x310
#define EOI      0x0b0
#define LVT_TIMER 0x320
#define LVT_LINT0 0x350
#define LVT_LINT1 0x360
#define LVT_ERROR 0x370

static void init_and_startup_are_never_performed(void **state)
{
	(void)state;
	/* What Linux's wakeup_secondary_cpu_via_init sends: INIT assert, de-assert, SIPI. */
	assert_int_equal(apic_access_judge(ICR_LOW, 0x0000c500), APIC_WRITE_STARTUP_IPI);
	assert_int_equal(apic_access_judge(ICR_LOW, 0x00008500), APIC_WRITE_STARTUP_IPI);
	assert_int_equal(apic_access_judge(ICR_LOW, 0x0000069e), APIC_WRITE_STARTUP_IPI);
	/* Shorthands (self, all, all but self), logical mode, any other bits. */
	assert_int_equal(apic_access_judge(ICR_LOW, 0x000c4500), APIC_WRITE_STARTUP_IPI);
	assert_int_equal(apic_access_judge(ICR_LOW, 0x00040500), APIC_WRITE_STARTUP_IPI);
	assert_int_equal(apic_access_judge(ICR_LOW, 0xfff80e08), APIC_WRITE_STARTUP_IPI);
	assert_int_equal(apic_access_judge(ICR_LOW, 0xfff80d08), APIC_WRITE_STARTUP_IPI);
}

static void other_ipis_and_registers_are_performed(void **state)
{
	(void)state;
	assert_int_equal(apic_access_judge(ICR_LOW, 0x000400fd), APIC_WRITE_PERFORM); /* fixed, self */
	assert_int_equal(apic_access_judge(ICR_LOW, 0x00000100), APIC_WRITE_PERFORM); /* lowest prio */
	assert_int_equal(apic_access_judge(ICR_LOW, 0x00000200), APIC_WRITE_PERFORM); /* SMI */
	assert_int_equal(apic_access_judge(ICR_LOW, 0x00040400), APIC_WRITE_PERFORM); /* NMI self */
	assert_int_equal(apic_access_judge(ICR_LOW, 0x00000700), APIC_WRITE_PERFORM); /* ExtINT */
	/* The destination half: only the low half sends. */
	assert_int_equal(apic_access_judge(ICR_HIGH, 0x0000c500), APIC_WRITE_PERFORM);
	assert_int_equal(apic_access_judge(EOI, 0), APIC_WRITE_PERFORM);
	/* What Linux writes into the local vector table: fixed, NMI, ExtINT, masked. */
	assert_int_equal(apic_access_judge(LVT_TIMER, 0x000200ec), APIC_WRITE_PERFORM);
	assert_int_equal(apic_access_judge(LVT_LINT0, 0x00000700), APIC_WRITE_PERFORM);
	assert_int_equal(apic_access_judge(LVT_LINT1, 0x00000400), APIC_WRITE_PERFORM);
	assert_int_equal(apic_access_judge(LVT_ERROR, 0x000000fe), APIC_WRITE_PERFORM);
	assert_int_equal(apic_access_judge(LVT_LINT0, 0x00010000), APIC_WRITE_PERFORM);
}

/* LINT0 and LINT1 may deliver INIT on silicon: the CPU under the hypervisor would
 * reset. Masked or not (unmasking is one more write), in every LVT entry. */
static void lvt_entries_that_would_init_this_cpu(void **state)
{
	static const uint32_t entries[] = { 0x2f0, 0x320, 0x330, 0x340, 0x350, 0x360, 0x370 };

	(void)state;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		assert_int_equal(apic_access_judge(entries[i], 0x00000500), APIC_WRITE_LVT_INIT);
		assert_int_equal(apic_access_judge(entries[i], 0x00018500), APIC_WRITE_LVT_INIT);
		assert_int_equal(apic_access_judge(entries[i], 0x00000600), APIC_WRITE_LVT_INIT);
	}
	/* The registers around the table are not entries. */
	assert_int_equal(apic_access_judge(0x2e0, 0x500), APIC_WRITE_PERFORM);
	assert_int_equal(apic_access_judge(0x380, 0x500), APIC_WRITE_PERFORM);
}

static void offsets_that_are_no_register(void **state)
{
	(void)state;
	assert_int_equal(apic_access_judge(ICR_LOW + 4, 0x500), APIC_WRITE_NOT_A_REGISTER);
	assert_int_equal(apic_access_judge(ICR_LOW - 1, 0), APIC_WRITE_NOT_A_REGISTER);
	assert_int_equal(apic_access_judge(0x1000, 0), APIC_WRITE_NOT_A_REGISTER);
	assert_int_equal(apic_access_judge(0xffffff00, 0), APIC_WRITE_NOT_A_REGISTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_and_startup_are_never_performed),
		cmocka_unit_test(other_ipis_and_registers_are_performed),
		cmocka_unit_test(lvt_entries_that_would_init_this_cpu),
		cmocka_unit_test(offsets_that_are_no_register),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
