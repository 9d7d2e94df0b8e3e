/* APs are started one at a time: they share the one startup page, whose stack
 * and argument are patched for the next AP only once the previous one is online
 * (it has left the trampoline by then). */
#include <string.h>

#include "ap_start.h"
#include "ap_vcpu.h"
#include "ap_trampoline.h"
#include "console.h"
#include "cpu.h"
#include "exceptions.h"
#include "local_apic.h"
#include "memory_layout.h"
#include "monotonic_time.h"
#include "msr.h"

#define APIC_BASE_ENABLE     (1ull << 11)
#define PAGE_BYTES           4096ull
#define LOCAL_APIC_MMIO_SIZE 4096ull
/* Under TCG an AP is in long mode well within a millisecond; the host may be busy
 * with other virtual CPUs, so wait far longer before calling it dead. */
#define AP_ONLINE_TIMEOUT_MICROSECONDS 5000000ull

struct cpu cpus[CPU_TOPOLOGY_MAX];
/* The boot CPU's, which every AP must match: one VMCB check serves all CPUs. */
static struct svm_capabilities boot_capabilities;

static uint64_t read_cr3(void)
{
	uint64_t value;

	__asm__ volatile("mov %%cr3, %0" : "=r"(value));
	return value;
}

static uint64_t read_cr4(void)
{
	uint64_t value;

	__asm__ volatile("mov %%cr4, %0" : "=r"(value));
	return value;
}

static void read_gdt(uint64_t *base, uint16_t *limit)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) pointer;

	__asm__ volatile("sgdt %0" : "=m"(pointer));
	*base = pointer.base;
	*limit = pointer.limit;
}

static _Noreturn void ap_fail(struct cpu *cpu, const char *why)
{
	cpu->failure = why;
	__atomic_store_n(&cpu->state, CPU_FAILED, __ATOMIC_RELEASE);
	cpu_halt_forever();
}

/* The AP's first C code, on its own stack, from the trampoline. */
static _Noreturn void ap_main(struct cpu *cpu)
{
	const char *error;

	exceptions_load();
	if (local_apic_current_id() != cpu->apic_id)
		ap_fail(cpu, "it reports another APIC ID than the MADT gives it");
	error = svm_check(&cpu->svm);
	if (error)
		ap_fail(cpu, error);
	if (memcmp(&cpu->svm, &boot_capabilities, sizeof(cpu->svm)))
		ap_fail(cpu, "its SVM capabilities differ from the boot CPU's");
	svm_enable_host_mode(cpu->host_save_area, cpu->host_state);
	printk("sbx: cpu %u (apic id %u) online in SVM host mode\n", cpu->index, cpu->apic_id);
	__atomic_store_n(&cpu->state, CPU_ONLINE, __ATOMIC_RELEASE);
	if (cpu->vcpu)
		ap_vcpu_run(cpu);
	/* Not the commodity OS's: parked for good, with interrupts and GIF off. */
	cpu_halt_forever();
}

static uint64_t local_apic_base(const struct cpu_topology *topology)
{
	uint64_t base = topology->local_apic_address;

	if (!(rdmsr(MSR_APIC_BASE) & APIC_BASE_ENABLE))
		panic("SMP: the boot CPU's local APIC is disabled (APIC_BASE MSR); cannot start "
		      "the other %u CPUs", topology->count - 1);
	if (base & (PAGE_BYTES - 1) || base > HYPERVISOR_MAPPED_LIMIT - LOCAL_APIC_MMIO_SIZE)
		panic("SMP: the MADT's local APIC address 0x%lx is not a page the hypervisor maps",
		      base);
	return base;
}

static void wait_online(const struct cpu *cpu)
{
	uint64_t start = time_microseconds();
	uint32_t state;

	while ((state = __atomic_load_n(&cpu->state, __ATOMIC_ACQUIRE)) == CPU_OFFLINE) {
		if (time_microseconds() - start > AP_ONLINE_TIMEOUT_MICROSECONDS)
			panic("SMP: cpu %u (apic id %u) did not come up within %llu ms of its "
			      "STARTUP IPIs; the boot stops rather than leave a CPU outside the "
			      "hypervisor", cpu->index, cpu->apic_id,
			      AP_ONLINE_TIMEOUT_MICROSECONDS / 1000);
		cpu_relax();
	}
	if (state == CPU_FAILED)
		panic("SMP: cpu %u (apic id %u) cannot run in SVM host mode: %s", cpu->index,
		      cpu->apic_id, cpu->failure);
}

void ap_start_all(const struct cpu_topology *topology, uint64_t startup_page,
		  uint64_t ap_memory, const struct svm_capabilities *boot_svm)
{
	uint8_t *page = (uint8_t *)(uintptr_t)startup_page;
	size_t parameters_offset = ap_trampoline_parameters - ap_trampoline_start;
	struct ap_start_parameters parameters = {
		.cr3 = read_cr3(),
		.cr4 = read_cr4(),
		/* SVME is each CPU's own step; LMA is status, not to be written. */
		.efer = rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE),
		.entry = (uint64_t)ap_main,
	};
	uint64_t apic_base = local_apic_base(topology);
	const char *error;
	uint64_t next = ap_memory;

	boot_capabilities = *boot_svm;
	read_gdt(&parameters.gdt_base, &parameters.gdt_limit);
	for (uint32_t i = 0; i < topology->count; i++) {
		struct cpu *cpu = &cpus[i];

		if (i == topology->boot_index)
			continue;
		cpu->index = i;
		cpu->apic_id = topology->apic_id[i];
		memset((void *)(uintptr_t)next, 0, AP_PAGES * PAGE_BYTES);
		cpu->stack_top = next + AP_STACK_PAGES * PAGE_BYTES;
		cpu->host_save_area = cpu->stack_top;
		cpu->host_state = cpu->host_save_area + PAGE_BYTES;
		next += AP_PAGES * PAGE_BYTES;

		parameters.stack_top = cpu->stack_top;
		parameters.argument = (uint64_t)cpu;
		error = ap_trampoline_install(page, startup_page, ap_trampoline_start,
					      ap_trampoline_end - ap_trampoline_start,
					      parameters_offset, &parameters);
		if (error)
			panic("SMP: startup trampoline at 0x%lx: %s", startup_page, error);
		error = local_apic_start_cpu(apic_base, cpu->apic_id, startup_page);
		if (error)
			panic("SMP: starting cpu %u (apic id %u): %s", i, cpu->apic_id, error);
		wait_online(cpu);
	}
}
