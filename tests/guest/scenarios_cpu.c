/* The SVM controls the hypervisor keeps to itself: its instructions raise #UD in
 * the commodity partition, and the MSRs that would let a guest leave or subvert
 * SVM raise #GP. */
#include "arch/x86/msr.h"
#include "exceptions.h"
#include "probe.h"
#include "report.h"
#include "scenarios.h"
#include "securebox_client.h"

/* A page of our own RAM, offered as a VMCB and as a host save area: were either
 * accepted, the hypervisor would be steered into memory we control. */
static uint8_t own_page[4096] __attribute__((aligned(4096)));

bool vmrun(void)
{
	return expect_fault(probe_vmrun((uint64_t)own_page), VECTOR_UD, "VMRUN with a VMCB at",
			    (uint64_t)own_page);
}

static bool read_efer(uint64_t *efer)
{
	unsigned result = probe_rdmsr(MSR_EFER, efer);

	if (result != PROBE_NO_FAULT)
		return fail("RDMSR of EFER raised vector %u", result);
	return true;
}

bool clear_efer_svme(void)
{
	uint64_t efer;

	if (!read_efer(&efer))
		return false;
	if (!(efer & EFER_SVME))
		return fail("EFER.SVME reads clear before the attack (EFER 0x%lx)", efer);
	if (!expect_fault(probe_wrmsr(MSR_EFER, efer & ~(uint64_t)EFER_SVME), VECTOR_GP,
			  "WRMSR of EFER", efer & ~(uint64_t)EFER_SVME))
		return false;
	if (!read_efer(&efer))
		return false;
	if (!(efer & EFER_SVME))
		return fail("EFER.SVME reads clear after the refused write (EFER 0x%lx)", efer);
	return true;
}

bool write_vm_hsave_pa(void)
{
	return expect_fault(probe_wrmsr(MSR_VM_HSAVE_PA, (uint64_t)own_page), VECTOR_GP,
			    "WRMSR of VM_HSAVE_PA to", (uint64_t)own_page);
}

/* The state VMLOAD and VMSAVE move (FS, GS, KernelGSBase, the syscall and sysenter
 * MSRs): each partition has its own. Were the hypervisor to skip a VMSAVE or VMLOAD
 * around the securebox's run, our values would come back as the securebox's or as
 * stale ones. */
static const uint32_t switched_msrs[] = {
	0xc0000081, /* STAR */           0xc0000082, /* LSTAR */
	0xc0000083, /* CSTAR */          0xc0000084, /* SFMASK */
	0xc0000100, /* FS.base */        0xc0000101, /* GS.base */
	0xc0000102, /* KernelGSBase */   0x00000174, /* SYSENTER_CS */
	0x00000175, /* SYSENTER_ESP */   0x00000176, /* SYSENTER_EIP */
};
#define SWITCHED_MSR_COUNT (sizeof(switched_msrs) / sizeof(switched_msrs[0]))

/* Distinct canonical values; SFMASK and SYSENTER_CS keep only their low 32 bits. */
static uint64_t marker(unsigned index)
{
	return 0x00007ead0000b000ull + ((uint64_t)index << 16) + index * 8;
}

static bool restore_msrs(const uint64_t *saved)
{
	for (unsigned i = 0; i < SWITCHED_MSR_COUNT; i++)
		if (probe_wrmsr(switched_msrs[i], saved[i]) != PROBE_NO_FAULT)
			return fail("restoring MSR 0x%x faulted", switched_msrs[i]);
	return true;
}

bool hidden_state_survives_world_switch(void)
{
	uint64_t saved[SWITCHED_MSR_COUNT], expected[SWITCHED_MSR_COUNT], value;
	bool echoed;

	for (unsigned i = 0; i < SWITCHED_MSR_COUNT; i++) {
		if (probe_rdmsr(switched_msrs[i], &saved[i]) != PROBE_NO_FAULT)
			return fail("RDMSR 0x%x faulted", switched_msrs[i]);
		if (probe_wrmsr(switched_msrs[i], marker(i)) != PROBE_NO_FAULT)
			return fail("WRMSR 0x%x faulted", switched_msrs[i]);
		/* Read back what the CPU kept of the marker, to compare after. */
		if (probe_rdmsr(switched_msrs[i], &expected[i]) != PROBE_NO_FAULT)
			return fail("RDMSR 0x%x faulted", switched_msrs[i]);
	}
	echoed = check_securebox_echo(64);
	for (unsigned i = 0; i < SWITCHED_MSR_COUNT; i++) {
		if (probe_rdmsr(switched_msrs[i], &value) != PROBE_NO_FAULT)
			return fail("RDMSR 0x%x faulted after the securebox call",
				    switched_msrs[i]);
		if (value != expected[i]) {
			restore_msrs(saved);
			return fail("MSR 0x%x was 0x%lx before a securebox call, 0x%lx after",
				    switched_msrs[i], expected[i], value);
		}
	}
	if (!restore_msrs(saved))
		return false;
	return echoed;
}
