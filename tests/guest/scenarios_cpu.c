/* The SVM controls the hypervisor keeps to itself: its instructions raise #UD in
 * the commodity partition, and the MSRs that would let a guest leave or subvert
 * SVM raise #GP. */
#include "exceptions.h"
#include "layout.h"
#include "probe.h"
#include "report.h"
#include "scenarios.h"

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
