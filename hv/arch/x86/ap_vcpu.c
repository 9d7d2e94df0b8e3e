#include <string.h>

#include "ap_vcpu.h"
#include "console.h"
#include "cpu.h"
#include "host_interrupts.h"
#include "local_apic.h"
#include "monotonic_time.h"
#include "spinlock.h"
#include "vcpu.h"
#include "vcpu_startup.h"
#include "vmcb_setup.h"

/* Any vector of the fixed range: it reaches only a waiting AP, which drops it. */
#define WAKE_VECTOR 0xf0
/* A kicked CPU leaves its guest within microseconds; under emulation its host
 * thread may wait for a time slice on a busy host. */
#define RESET_TIMEOUT_MICROSECONDS 1000000ull
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

static void wake(const struct vcpu *vcpu)
{
	if (local_apic_send_ipi(LOCAL_APIC_DEFAULT_BASE, machine->apic_id[vcpu->index],
				ICR_DELIVERY_FIXED | WAKE_VECTOR))
		printk("sbx: commodity: vcpu %u: the wake-up IPI to its CPU was not delivered\n",
		       vcpu->index);
}

static void kick(const struct vcpu *vcpu)
{
	if (local_apic_send_ipi(LOCAL_APIC_DEFAULT_BASE, machine->apic_id[vcpu->index],
				ICR_DELIVERY_NMI))
		printk("sbx: commodity: vcpu %u: the NMI to its CPU was not delivered\n",
		       vcpu->index);
}

/* INIT is synchronous, as on a CPU: the sender goes on (to its STARTUP) only once
 * the target has stopped, or after the timeout, when it has to be refused. */
static void reset(struct vcpu *target, uint32_t icr_low, uint32_t icr_high)
{
	uint64_t start = time_microseconds();

	kick(target);
	while (__atomic_load_n(&target->startup_state, __ATOMIC_ACQUIRE) == VCPU_RESETTING) {
		if (time_microseconds() - start > RESET_TIMEOUT_MICROSECONDS) {
			refuse(icr_low, icr_high, "the running vCPU did not stop for its INIT");
			return;
		}
		cpu_relax();
	}
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
	else if (next == VCPU_STARTING && current != VCPU_STARTING)
		wake(target);
	else if (next == VCPU_RESETTING && current == VCPU_RUNNING)
		reset(target, icr_low, icr_high);
}

static bool started(const void *context)
{
	const struct vcpu *vcpu = context;

	return __atomic_load_n(&vcpu->startup_state, __ATOMIC_ACQUIRE) == VCPU_STARTING;
}

/* From the STARTUP vector, in the state INIT leaves, with nothing of its last run:
 * no event to deliver, no NMI owed, no TLB entry trusted. The wake-up IPI needs a
 * software-enabled APIC: after INIT it is disabled, and so is it after Linux took
 * the CPU offline. */
static void start(struct vcpu *vcpu, struct cpu *cpu)
{
	local_apic_enable(LOCAL_APIC_DEFAULT_BASE, SPURIOUS_VECTOR);
	host_interrupts_wait_until(started, vcpu);
	vmcb_setup_startup(vcpu->vmcb, vcpu->startup_vector);
	vcpu->vmcb->control.event_injection = 0;
	memset(&vcpu->registers, 0, sizeof(vcpu->registers));
	vcpu->last_cpu = NULL;
	cpu->nmi_owed = false;
	__atomic_store_n(&vcpu->startup_state, VCPU_RUNNING, __ATOMIC_RELEASE);
	printk("sbx: commodity: vcpu %u (apic id %u) started at 0x%x in real mode\n",
	       vcpu->index, cpu->apic_id, (uint32_t)vcpu->startup_vector << 12);
}

/* Every other vCPU leaves its guest at once, sees the partition stopped, and stops:
 * one in a guest HLT with interrupts off would otherwise never exit. */
static void stop_others(const struct vcpu *stopping)
{
	for (uint32_t i = 0; i < commodity->vcpu_count; i++) {
		const struct vcpu *other = &commodity->vcpus[i];

		if (other != stopping &&
		    __atomic_load_n(&other->startup_state, __ATOMIC_ACQUIRE) == VCPU_RUNNING)
			kick(other);
	}
}

void ap_vcpu_serve(struct cpu *cpu, bool running)
{
	struct vcpu *vcpu = cpu->vcpu;

	for (;;) {
		enum run_outcome outcome;

		if (!running)
			start(vcpu, cpu);
		running = false;
		while ((outcome = vcpu_run_once(vcpu, cpu)) == RUN_CONTINUE)
			;
		if (outcome == RUN_STOPPED) {
			stop_others(vcpu);
			return;
		}
		printk("sbx: commodity: vcpu %u reset by INIT, waiting for STARTUP\n",
		       vcpu->index);
	}
}

_Noreturn void ap_vcpu_run(struct cpu *cpu)
{
	ap_vcpu_serve(cpu, false);
	printk("sbx: commodity: vcpu %u stopped: %s\n", cpu->vcpu->index,
	       commodity->stop_reason);
	cpu_halt_forever();
}
