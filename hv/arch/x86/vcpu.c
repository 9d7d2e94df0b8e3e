/* SVM exits. Under QEMU TCG there is no next-RIP save and no decode assist, so the
 * hypervisor advances RIP itself by the known length of each intercepted
 * instruction, and never trusts the VMCB's nRIP field. */
#include <string.h>

#include "active_policy.h"
#include "apic_write.h"
#include "console.h"
#include "cpus.h"
#include "host_interrupts.h"
#include "hypercall.h"
#include "local_apic.h"
#include "msr.h"
#include "vcpu.h"
#include "vmcb_check.h"

#define VECTOR_NMI 2

#define INSTRUCTION_LENGTH_VMMCALL 3
#define INSTRUCTION_LENGTH_CPUID   2
#define INSTRUCTION_LENGTH_MSR     2

#define APIC_BASE_BSP    (1ull << 8)
#define APIC_BASE_ENABLE (1ull << 11)

#define CPUID_FEATURES_ECX_X2APIC     (1u << 21)
#define CPUID_FEATURES_ECX_HYPERVISOR (1u << 31)
#define CPUID_EXTENDED_ECX_SVM        (1u << 2)
#define CPUID_HYPERVISOR_BASE         0x40000000u
#define CPUID_SVM_FEATURES            0x8000000au

static struct vmcb_check_limits check_limits;

void vcpu_setup(const struct svm_capabilities *capabilities)
{
	check_limits = (struct vmcb_check_limits){
		.physical_address_bits = capabilities->physical_address_bits,
		.asid_count = capabilities->asid_count,
		.long_mode = true,
		.nested_paging = capabilities->nested_paging,
		.efer_supported = capabilities->efer_supported,
		.cr4_supported = capabilities->cr4_supported,
	};
}

void vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, bool has_error_code,
			   uint32_t error_code)
{
	uint64_t event = vector | VMCB_EVENT_TYPE_EXCEPTION | VMCB_EVENT_VALID;

	if (has_error_code)
		event |= VMCB_EVENT_ERROR_CODE_VALID | ((uint64_t)error_code << 32);
	vcpu->vmcb->control.event_injection = event;
}

/* A guest can raise the same violation in a loop (a scan of hidden memory): the
 * console shows the first few of a run from one instruction, then counts the rest. */
#define VIOLATION_LOG_REPEATS 3

static void flush_violation_log(struct vcpu *vcpu)
{
	if (vcpu->violation_repeats > VIOLATION_LOG_REPEATS)
		printk("sbx: %s: the last violation repeated %lu more times\n",
		       vcpu->partition->name, vcpu->violation_repeats - VIOLATION_LOG_REPEATS);
	vcpu->violation_repeats = 0;
}

static bool log_violation(struct vcpu *vcpu, const char *what, uint64_t rip)
{
	if (vcpu->last_violation == what && vcpu->last_violation_rip == rip &&
	    vcpu->violation_repeats)
		return ++vcpu->violation_repeats <= VIOLATION_LOG_REPEATS;
	flush_violation_log(vcpu);
	vcpu->last_violation = what;
	vcpu->last_violation_rip = rip;
	vcpu->violation_repeats = 1;
	return true;
}

enum run_outcome vcpu_violation(struct vcpu *vcpu, uint8_t vector, const char *what,
				uint64_t detail)
{
	struct partition *partition = vcpu->partition;
	bool delivering = vcpu->vmcb->control.exit_interrupt_info & VMCB_EVENT_VALID;
	bool injecting = partition->violation_response == VIOLATION_INJECT_FAULT && !delivering;

	if (active_policy.hypervisor_log >= POLICY_LOG_ERRORS &&
	    (log_violation(vcpu, what, vcpu->vmcb->state.rip) || !injecting)) {
		printk("sbx: %s: violation: %s 0x%lx at rip 0x%lx", partition->name, what,
		       detail, vcpu->vmcb->state.rip);
		if (injecting)
			printk(": injecting %s\n", vector == VECTOR_UD ? "#UD" : "#GP");
		else
			printk(": stopping the partition\n");
	}
	/* A fault while a fault is being delivered (say, an IDT in hidden memory) would
	 * loop forever: stop instead, as a CPU would triple-fault. */
	if (injecting) {
		vcpu_inject_exception(vcpu, vector, vector == VECTOR_GP, 0);
		return RUN_CONTINUE;
	}
	flush_violation_log(vcpu);
	partition_stop(partition, what);
	return RUN_STOPPED;
}

static void advance_rip(struct vcpu *vcpu, unsigned length)
{
	vcpu->vmcb->state.rip += length;
}

static enum sbx_exit_reason exit_reason(uint64_t exit_code)
{
	switch (exit_code) {
	case VMEXIT_CPUID:    return SBX_EXIT_CPUID;
	case VMEXIT_MSR:      return SBX_EXIT_MSR;
	case VMEXIT_VMMCALL:  return SBX_EXIT_VMMCALL;
	case VMEXIT_NPF:      return SBX_EXIT_NESTED_PAGE_FAULT;
	case VMEXIT_SHUTDOWN: return SBX_EXIT_SHUTDOWN;
	case VMEXIT_VMRUN: case VMEXIT_VMLOAD: case VMEXIT_VMSAVE: case VMEXIT_STGI:
	case VMEXIT_CLGI: case VMEXIT_SKINIT: case VMEXIT_INVLPGA:
		return SBX_EXIT_SVM_INSTRUCTION;
	case VMEXIT_IOIO:     return SBX_EXIT_IO;
	case VMEXIT_HLT:      return SBX_EXIT_HLT;
	case VMEXIT_INTR: case VMEXIT_NMI:
		return SBX_EXIT_INTERRUPT;
	}
	if (exit_code >= VMEXIT_EXCEPTION_BASE && exit_code < VMEXIT_EXCEPTION_BASE + 32)
		return SBX_EXIT_EXCEPTION;
	return SBX_EXIT_OTHER;
}

/* CPUID passes through, except that SVM is hidden (partitions may not nest), so is
 * x2APIC (its ICR is an MSR the hypervisor does not emulate, and APIC_BASE writes
 * that enable it are refused), and the hypervisor announces itself the standard
 * way. */
static void emulate_cpuid(struct vcpu *vcpu)
{
	struct vmcb_state *state = &vcpu->vmcb->state;
	uint32_t leaf = (uint32_t)state->rax, subleaf = (uint32_t)vcpu->registers.rcx;
	uint32_t eax, ebx, ecx, edx;

	if ((leaf & 0xffffff00u) == CPUID_HYPERVISOR_BASE) {
		eax = ebx = ecx = edx = 0;
		if (leaf == CPUID_HYPERVISOR_BASE) {
			eax = CPUID_HYPERVISOR_BASE;
			memcpy(&ebx, "sbxs", 4);
			memcpy(&ecx, "bxsb", 4);
			memcpy(&edx, "xsbx", 4);
		}
	} else if (leaf == CPUID_SVM_FEATURES) {
		eax = ebx = ecx = edx = 0;
	} else {
		cpuid(leaf, subleaf, &eax, &ebx, &ecx, &edx);
		if (leaf == 1)
			ecx = (ecx | CPUID_FEATURES_ECX_HYPERVISOR) & ~CPUID_FEATURES_ECX_X2APIC;
		if (leaf == 0x80000001u)
			ecx &= ~CPUID_EXTENDED_ECX_SVM;
	}
	state->rax = eax;
	vcpu->registers.rbx = ebx;
	vcpu->registers.rcx = ecx;
	vcpu->registers.rdx = edx;
	advance_rip(vcpu, INSTRUCTION_LENGTH_CPUID);
}

static bool valid_pat(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t type = (pat >> (8 * i)) & 0xff;

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

/* Only the MSRs set in the permission map reach here (plus any outside its ranges,
 * which always exit). Everything else passes through to hardware. */
static enum run_outcome handle_msr(struct vcpu *vcpu)
{
	struct vmcb_state *state = &vcpu->vmcb->state;
	bool write = vcpu->vmcb->control.exit_info1 == 1;
	uint32_t msr = (uint32_t)vcpu->registers.rcx;
	uint64_t value = (state->rax & 0xffffffffu) | (vcpu->registers.rdx << 32);

	switch (msr) {
	case MSR_EFER:
		if (!write)
			break;
		if (!(value & EFER_SVME))
			return vcpu_violation(vcpu, VECTOR_GP, "clearing EFER.SVME, EFER",
					      value);
		if (value & ~check_limits.efer_supported)
			return vcpu_violation(vcpu, VECTOR_GP, "reserved EFER bits",
					      value);
		/* LMA is the CPU's to set; keep the current value. */
		state->efer = (value & ~EFER_LMA) | (state->efer & EFER_LMA);
		advance_rip(vcpu, INSTRUCTION_LENGTH_MSR);
		return RUN_CONTINUE;
	case MSR_PAT:
		/* TCG ignores G_PAT and would let a guest's write reach the host PAT;
		 * keep the guest's PAT in the VMCB only. */
		if (write) {
			if (!valid_pat(value))
				return vcpu_violation(vcpu, VECTOR_GP, "invalid PAT",
						      value);
			state->g_pat = value;
		} else {
			state->rax = (uint32_t)state->g_pat;
			vcpu->registers.rdx = state->g_pat >> 32;
		}
		advance_rip(vcpu, INSTRUCTION_LENGTH_MSR);
		return RUN_CONTINUE;
	case MSR_APIC_BASE:
		/* Elsewhere, or in x2APIC mode, the ICR would leave the read-only xAPIC
		 * page, and INIT and STARTUP would reach the real APIC. The BSP flag
		 * stays the CPU's. */
		if (!write || (value & ~(APIC_BASE_BSP | APIC_BASE_ENABLE)) !=
			      LOCAL_APIC_DEFAULT_BASE)
			return vcpu_violation(vcpu, VECTOR_GP,
					      "moving the xAPIC or x2APIC mode, APIC_BASE",
					      value);
		wrmsr(MSR_APIC_BASE, (value & ~APIC_BASE_BSP) |
				     (rdmsr(MSR_APIC_BASE) & APIC_BASE_BSP));
		advance_rip(vcpu, INSTRUCTION_LENGTH_MSR);
		return RUN_CONTINUE;
	case MSR_VM_HSAVE_PA:
	case MSR_VM_CR:
	case MSR_SYSCFG:
	case MSR_TOP_MEM:
	case MSR_TOP_MEM2:
		return vcpu_violation(vcpu, VECTOR_GP,
				      write ? "write to protected MSR" : "read of protected MSR",
				      msr);
	}
	/* An MSR outside the permission map's ranges: behave like a CPU without it. */
	vcpu_inject_exception(vcpu, VECTOR_GP, true, 0);
	return RUN_CONTINUE;
}

static enum run_outcome handle_vmmcall(struct vcpu *vcpu)
{
	struct partition *partition = vcpu->partition;
	struct vmcb_state *state = &vcpu->vmcb->state;
	struct guest_registers *registers = &vcpu->registers;
	struct hypercall call = {
		.from_user = state->cpl != 0,
		.number = state->rax,
		.arguments = { registers->rdi, registers->rsi, registers->rdx, registers->r10 },
		.results = { registers->rdi, registers->rsi },
	};
	enum run_outcome outcome;

	/* Unless the policy lets user space call the hypervisor, it gets what a CPU
	 * without a hypervisor gives for VMMCALL. The securebox runs only at CPL 0. */
	if (call.from_user && (partition->id != SBX_PARTITION_COMMODITY ||
			       !active_policy.user_hypercalls)) {
		vcpu_inject_exception(vcpu, VECTOR_UD, false, 0);
		return RUN_CONTINUE;
	}
	outcome = hypercall_dispatch(vcpu, &call);
	if (outcome == RUN_STOPPED)
		return outcome;
	state->rax = (uint64_t)call.status;
	registers->rdi = call.results[0];
	registers->rsi = call.results[1];
	advance_rip(vcpu, INSTRUCTION_LENGTH_VMMCALL);
	return outcome;
}

static const char *npf_kind(uint64_t info)
{
	if (info & NPF_FETCH)
		return "nested page fault (execute) at";
	if (info & NPF_WRITE)
		return "nested page fault (write) at";
	return "nested page fault (read) at";
}

/* The kick an INIT sent (ap_vcpu.c) arrived: the vCPU stops here. */
static bool take_reset(struct vcpu *vcpu)
{
	uint32_t resetting = VCPU_RESETTING;

	return __atomic_compare_exchange_n(&vcpu->startup_state, &resetting,
					   VCPU_WAITING_FOR_STARTUP, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

static enum run_outcome handle_exit(struct vcpu *vcpu)
{
	struct partition *partition = vcpu->partition;
	struct vmcb_control *control = &vcpu->vmcb->control;
	uint64_t code = control->exit_code;

	switch (code) {
	case VMEXIT_CPUID:
		emulate_cpuid(vcpu);
		return RUN_CONTINUE;
	case VMEXIT_MSR:
		return handle_msr(vcpu);
	case VMEXIT_VMMCALL:
		return handle_vmmcall(vcpu);
	case VMEXIT_NPF:
		if (apic_write_is_emulated(partition, control->exit_info1, control->exit_info2))
			return apic_write_emulate(vcpu, control->exit_info2);
		return vcpu_violation(vcpu, VECTOR_GP, npf_kind(control->exit_info1),
				      control->exit_info2);
	case VMEXIT_VMRUN: case VMEXIT_VMLOAD: case VMEXIT_VMSAVE: case VMEXIT_STGI:
	case VMEXIT_CLGI: case VMEXIT_SKINIT: case VMEXIT_INVLPGA:
		return vcpu_violation(vcpu, VECTOR_UD, "SVM instruction, exit code", code);
	case VMEXIT_NMI:
		/* The securebox, which has no IDT, never gets an NMI; a commodity
		 * vCPU gets its own, except the hypervisor's kick for an INIT. */
		host_interrupts_take_nmi();
		if (take_reset(vcpu))
			return RUN_RESET;
		vcpu->cpu->nmi_owed = true;
		return RUN_CONTINUE;
	case VMEXIT_SHUTDOWN:
		flush_violation_log(vcpu);
		printk("sbx: %s: shutdown (triple fault) at rip 0x%lx (vcpu %u)\n",
		       partition->name, vcpu->vmcb->state.rip, vcpu->index);
		partition_stop(partition, "shutdown (triple fault)");
		return RUN_STOPPED;
	case VMEXIT_IOIO:
		return vcpu_violation(vcpu, VECTOR_GP, "port I/O, exit info", control->exit_info1);
	case VMEXIT_HLT:
		return vcpu_violation(vcpu, VECTOR_GP, "HLT", 0);
	case VMEXIT_INVALID:
	case VMEXIT_INVALID_32:
		printk("sbx: %s: VMRUN rejected the VMCB\n", partition->name);
		partition_stop(partition, "invalid VMCB");
		return RUN_STOPPED;
	}
	if (code >= VMEXIT_EXCEPTION_BASE && code < VMEXIT_EXCEPTION_BASE + 32) {
		printk("sbx: %s: exception %lu (error code 0x%lx) at rip 0x%lx\n",
		       partition->name, code - VMEXIT_EXCEPTION_BASE, control->exit_info1,
		       vcpu->vmcb->state.rip);
		partition_stop(partition, "unhandled exception");
		return RUN_STOPPED;
	}
	printk("sbx: %s: unexpected exit code 0x%lx\n", partition->name, code);
	partition_stop(partition, "unexpected exit");
	return RUN_STOPPED;
}

enum run_outcome vcpu_run_once(struct vcpu *vcpu, struct cpu *cpu)
{
	struct partition *partition = vcpu->partition;
	struct vmcb *vmcb = vcpu->vmcb;

	if (partition_stopped(partition))
		return RUN_STOPPED;
	if (!vcpu->launched) {
		const char *broken = vmcb_check(vmcb, &check_limits);

		if (broken) {
			printk("sbx: %s: VMCB fails the APM consistency checks: %s\n",
			       partition->name, broken);
			partition_stop(partition, "invalid VMCB");
			return RUN_STOPPED;
		}
		npt_freeze(&partition->npt);
		vcpu->launched = true;
	}
	/* The first run anywhere, and every move to another CPU, starts from a clean
	 * TLB for this ASID: the nested page tables never change once a partition
	 * runs (npt_freeze), but the guest's own translations on the CPU it left may
	 * be stale. */
	vmcb->control.tlb_control = vcpu->last_cpu == cpu ? VMCB_TLB_CONTROL_DO_NOTHING :
							    VMCB_TLB_CONTROL_FLUSH_ALL;
	/* An NMI the hypervisor took on this CPU for this vCPU (it may be an INIT's
	 * kick that reached the CPU while it ran the securebox). */
	if (cpu->nmi_owed && vcpu == cpu->vcpu &&
	    !(vmcb->control.event_injection & VMCB_EVENT_VALID)) {
		cpu->nmi_owed = false;
		if (take_reset(vcpu))
			return RUN_RESET;
		vmcb->control.event_injection = VMCB_EVENT_TYPE_NMI | VMCB_EVENT_VALID |
						VECTOR_NMI;
	}
	vcpu->cpu = cpu;
	vcpu->last_cpu = cpu;
	svm_run(&vcpu->registers, (uint64_t)(uintptr_t)vmcb, cpu->host_state);
	/* An event whose delivery this exit cut short must be delivered again. */
	vmcb->control.event_injection =
		(vmcb->control.exit_interrupt_info & VMCB_EVENT_VALID) ?
		vmcb->control.exit_interrupt_info : 0;
	__atomic_fetch_add(&partition->exits[exit_reason(vmcb->control.exit_code)], 1,
			   __ATOMIC_RELAXED);
	__atomic_fetch_add(&vcpu->exits, 1, __ATOMIC_RELAXED);
	return handle_exit(vcpu);
}
