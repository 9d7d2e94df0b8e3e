#include <string.h>

#include "ap_vcpu.h"
#include "console.h"
#include "cpu.h"
#include "host_interrupts.h"
#include "local_apic.h"
#include "spinlock.h"
#include "vcpu.h"
#include "vcpu_startup.h"
#include "vmcb_setup.h"

/* Any vector of the fixed range: it reaches only a waiting AP, which drops it. */
#define WAKE_VECTOR 0xf0
#define SPURIOUS_VECTOR 0xff
/* Linux sends a handful of INIT and STARTUP IPIs per CPU it tries to start; a guest
 * that keeps sending them would flood the console. */
#define REFUSALS_ALWAYS_LOGGED 16

static struct partition *const commodity = &partitions[SBX_PARTITION_COMMODITY];
static const struct cpu_topology *machine;
static uint64_t owned;
/* Two vCPUs may start the same third one at once: each INIT and STARTUP moves the
 * target's state under this lock. */
static struct spinlock startup_lock;
static uint64_t refused_count;

const char *ap_vcpu_assign(const struct cpu_topology *topology, uint32_t count)
{
	if (count == 0 || count > topology->count)
		return "more CPUs for the commodity OS than the machine has";
	if (topology->boot_index >= count)
		return "the boot CPU is not among the commodity OS's first CPUs";
	machine = topology;
	for (uint32_t i = 0; i < count; i++) {
		struct vcpu *vcpu = &commodity->vcpus[i];

		vcpu->startup_state = i == topology->boot_index ? VCPU_RUNNING :
								  VCPU_WAITING_FOR_INIT;
		cpus[i].vcpu = vcpu;
		owned |= 1ull << i;
	}
	commodity->vcpu_count = count;
	return NULL;
}

static void refuse(uint32_t icr_low, uint32_t icr_high, const char *why)
{
	uint64_t count = __atomic_add_fetch(&refused_count, 1, __ATOMIC_RELAXED);

	if (count <= REFUSALS_ALWAYS_LOGGED || (count & (count - 1)) == 0)
		printk("sbx: commodity: refused INIT/STARTUP IPI, ICR 0x%x to apic id %u: %s "
		       "(%lu refused)\n", icr_low, icr_high >> ICR_DESTINATION_SHIFT, why, count);
}

void ap_vcpu_startup_ipi(struct vcpu *sender, uint32_t icr_low, uint32_t icr_high)
{
	const struct startup_cpus known = { machine->apic_id, machine->count, owned };
	enum vcpu_startup_state current, next;
	struct startup_ipi ipi;
	struct vcpu *target;
	const char *refusal = startup_ipi_decode(icr_low, icr_high, sender->index, &known, &ipi);

	if (refusal) {
		refuse(icr_low, icr_high, refusal);
		return;
	}
	target = &commodity->vcpus[ipi.target];
	spin_lock(&startup_lock);
	current = __atomic_load_n(&target->startup_state, __ATOMIC_ACQUIRE);
	next = startup_next_state(current, &ipi, &refusal);
	if (next == VCPU_STARTING && current != VCPU_STARTING)
		target->startup_vector = ipi.vector;
	__atomic_store_n(&target->startup_state, next, __ATOMIC_RELEASE);
	spin_unlock(&startup_lock);
	if (refusal)
		refuse(icr_low, icr_high, refusal);
	else if (next == VCPU_STARTING && current != VCPU_STARTING &&
		 local_apic_send_fixed(LOCAL_APIC_DEFAULT_BASE, machine->apic_id[ipi.target],
				       WAKE_VECTOR))
		printk("sbx: commodity: vcpu %u: the wake-up IPI to its CPU was not delivered\n",
		       ipi.target);
}

static bool started(const void *context)
{
	const struct vcpu *vcpu = context;

	return __atomic_load_n(&vcpu->startup_state, __ATOMIC_ACQUIRE) == VCPU_STARTING;
}

_Noreturn void ap_vcpu_run(struct cpu *cpu)
{
	struct vcpu *vcpu = cpu->vcpu;

	local_apic_enable(LOCAL_APIC_DEFAULT_BASE, SPURIOUS_VECTOR);
	host_interrupts_wait_until(started, vcpu);
	vmcb_setup_startup(vcpu->vmcb, vcpu->startup_vector);
	memset(&vcpu->registers, 0, sizeof(vcpu->registers));
	__atomic_store_n(&vcpu->startup_state, VCPU_RUNNING, __ATOMIC_RELEASE);
	printk("sbx: commodity: vcpu %u (apic id %u) started at 0x%x in real mode\n",
	       vcpu->index, cpu->apic_id, (uint32_t)vcpu->startup_vector << 12);
	while (vcpu_run_once(vcpu, cpu) != RUN_STOPPED)
		;
	printk("sbx: commodity: vcpu %u stopped: %s\n", vcpu->index,
	       commodity->stop_reason);
	cpu_halt_forever();
}
