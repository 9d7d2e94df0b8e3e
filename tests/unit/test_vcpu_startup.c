/* INIT and STARTUP IPIs from the commodity OS: which are refused and why, and how a
 * target vCPU's start-up state moves. Four CPUs, APIC IDs 0, 2, 4, 6 (MADT order),
 * the commodity partition owning the first three. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vcpu_startup.h"

#define INIT_ASSERT   0x0000c500u
#define INIT_DEASSERT 0x00008500u
#define STARTUP       0x00000600u

static const uint32_t apic_ids[] = { 0, 2, 4, 6 };
static const struct startup_cpus machine = { apic_ids, 4, 0x7 };

static uint32_t to(uint32_t apic_id)
{
	return apic_id << 24;
}

static void linux_sequence_decodes(void **state)
{
	struct startup_ipi ipi;

	(void)state;
	assert_null(startup_ipi_decode(INIT_ASSERT, to(2), 0, &machine, &ipi));
	assert_int_equal(ipi.kind, STARTUP_IPI_INIT);
	assert_int_equal(ipi.target, 1);
	assert_null(startup_ipi_decode(INIT_DEASSERT, to(4), 0, &machine, &ipi));
	assert_int_equal(ipi.kind, STARTUP_IPI_INIT_DEASSERT);
	assert_int_equal(ipi.target, 2);
	assert_null(startup_ipi_decode(STARTUP | 0x9a, to(2), 2, &machine, &ipi));
	assert_int_equal(ipi.kind, STARTUP_IPI_STARTUP);
	assert_int_equal(ipi.vector, 0x9a);
	assert_int_equal(ipi.target, 1);
}

static void refused_destinations(void **state)
{
	struct startup_ipi ipi;

	(void)state;
	assert_string_equal(startup_ipi_decode(INIT_ASSERT, to(6), 0, &machine, &ipi),
			    "the target CPU is not the commodity partition's");
	assert_string_equal(startup_ipi_decode(STARTUP | 0x10, to(6), 0, &machine, &ipi),
			    "the target CPU is not the commodity partition's");
	assert_string_equal(startup_ipi_decode(INIT_ASSERT, to(8), 0, &machine, &ipi),
			    "no CPU has the destination APIC ID");
	assert_string_equal(startup_ipi_decode(INIT_ASSERT, to(0xff), 0, &machine, &ipi),
			    "no CPU has the destination APIC ID");
	assert_string_equal(startup_ipi_decode(INIT_ASSERT, to(0), 0, &machine, &ipi),
			    "an INIT or STARTUP IPI to the sender itself");
	/* Self, all including self, all but self: whatever the destination field. */
	for (uint32_t shorthand = 1; shorthand <= 3; shorthand++)
		assert_string_equal(startup_ipi_decode(INIT_ASSERT | shorthand << 18, to(2), 0,
						       &machine, &ipi),
				    "a destination shorthand (self or all) in an INIT or STARTUP "
				    "IPI");
	assert_string_equal(startup_ipi_decode(STARTUP | 0x800 | 0x10, to(2), 0, &machine, &ipi),
			    "a logical destination in an INIT or STARTUP IPI");
}

static void state_moves_as_a_cpu_would(void **state)
{
	const struct startup_ipi init = { STARTUP_IPI_INIT, 1, 0 };
	const struct startup_ipi deassert = { STARTUP_IPI_INIT_DEASSERT, 1, 0 };
	const struct startup_ipi startup = { STARTUP_IPI_STARTUP, 1, 0x9a };
	const char *refusal;

	(void)state;
	assert_int_equal(startup_next_state(VCPU_WAITING_FOR_INIT, &startup, &refusal),
			 VCPU_WAITING_FOR_INIT);
	assert_null(refusal);
	assert_int_equal(startup_next_state(VCPU_WAITING_FOR_INIT, &init, &refusal),
			 VCPU_WAITING_FOR_STARTUP);
	assert_null(refusal);
	assert_int_equal(startup_next_state(VCPU_WAITING_FOR_STARTUP, &deassert, &refusal),
			 VCPU_WAITING_FOR_STARTUP);
	assert_int_equal(startup_next_state(VCPU_WAITING_FOR_STARTUP, &init, &refusal),
			 VCPU_WAITING_FOR_STARTUP);
	assert_int_equal(startup_next_state(VCPU_WAITING_FOR_STARTUP, &startup, &refusal),
			 VCPU_STARTING);
	assert_null(refusal);
	/* Linux's second STARTUP finds the vCPU on its way: ignored. */
	assert_int_equal(startup_next_state(VCPU_STARTING, &startup, &refusal), VCPU_STARTING);
	assert_null(refusal);
	assert_int_equal(startup_next_state(VCPU_RUNNING, &startup, &refusal), VCPU_RUNNING);
	assert_null(refusal);
	assert_int_equal(startup_next_state(VCPU_RUNNING, &deassert, &refusal), VCPU_RUNNING);
	assert_null(refusal);
}

/* INIT resets a running vCPU (the hypervisor stops it first); one in the middle of
 * starting is left alone; a STARTUP before the reset is done is ignored. */
static void init_resets_a_running_vcpu(void **state)
{
	const struct startup_ipi init = { STARTUP_IPI_INIT, 1, 0 };
	const struct startup_ipi startup = { STARTUP_IPI_STARTUP, 1, 0x9a };
	const char *refusal;

	(void)state;
	assert_int_equal(startup_next_state(VCPU_RUNNING, &init, &refusal), VCPU_RESETTING);
	assert_null(refusal);
	assert_int_equal(startup_next_state(VCPU_RESETTING, &init, &refusal), VCPU_RESETTING);
	assert_null(refusal);
	assert_int_equal(startup_next_state(VCPU_RESETTING, &startup, &refusal), VCPU_RESETTING);
	assert_null(refusal);
	assert_int_equal(startup_next_state(VCPU_STARTING, &init, &refusal), VCPU_STARTING);
	assert_string_equal(refusal, "an INIT to a vCPU that is starting");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linux_sequence_decodes),
		cmocka_unit_test(refused_destinations),
		cmocka_unit_test(state_moves_as_a_cpu_would),
		cmocka_unit_test(init_resets_a_running_vcpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
