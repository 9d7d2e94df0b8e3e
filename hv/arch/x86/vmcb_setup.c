#include <string.h>

#include "arch/x86/boot_layout.h"
#include "msr.h"
#include "vmcb_setup.h"

#define CODE_ATTRIBUTES  (SEGMENT_TYPE_CODE | 0x3 | SEGMENT_S | SEGMENT_P)   /* exec/read, accessed */
#define DATA_ATTRIBUTES  (0x3 | SEGMENT_S | SEGMENT_P)                       /* read/write, accessed */
#define TSS_ATTRIBUTES   (SEGMENT_TYPE_BUSY_TSS64 | SEGMENT_P)
#define FLAT_LIMIT       0xffffffffu
#define RFLAGS_RESERVED_ONE 0x2
#define DR6_RESET 0xffff0ff0ull
#define DR7_RESET 0x400ull
#define CR0_ET_NE (CR0_ET | CR0_NE)

static struct vmcb_segment segment(uint16_t selector, uint16_t attributes, uint32_t limit)
{
	return (struct vmcb_segment){ .selector = selector, .attributes = attributes,
				      .limit = limit, .base = 0 };
}

void vmcb_setup_controls(struct vmcb *vmcb, const struct vmcb_controls *controls)
{
	memset(&vmcb->control, 0, sizeof(vmcb->control));
	vmcb->control.intercept_exceptions = controls->intercept_exceptions;
	vmcb->control.intercept_misc1 = controls->intercept_misc1;
	vmcb->control.intercept_misc2 = controls->intercept_misc2;
	vmcb->control.msrpm_base_pa = controls->msr_permission_map;
	vmcb->control.iopm_base_pa = controls->io_permission_map;
	vmcb->control.guest_asid = controls->asid;
	vmcb->control.nested_control = VMCB_NP_ENABLE;
	vmcb->control.nested_cr3 = controls->nested_cr3;
	vmcb->control.virtual_interrupt = controls->virtual_interrupt;
}

static void setup_common(struct vmcb *vmcb, uint64_t entry, uint16_t code_attributes)
{
	struct vmcb_state *state = &vmcb->state;
	struct vmcb_segment data = segment(GDT_DATA, DATA_ATTRIBUTES | SEGMENT_DB | SEGMENT_G,
					   FLAT_LIMIT);

	memset(state, 0, sizeof(*state));
	state->cs = segment(GDT_CODE64, code_attributes, FLAT_LIMIT);
	state->ds = state->es = state->ss = state->fs = state->gs = data;
	state->tr = segment(0, TSS_ATTRIBUTES, 0x67);
	state->gdtr.limit = 0xffff;
	state->idtr.limit = 0;
	state->rip = entry;
	state->rflags = RFLAGS_RESERVED_ONE;
	state->dr6 = DR6_RESET;
	state->dr7 = DR7_RESET;
	state->g_pat = PAT_DEFAULT;
	state->cpl = 0;
}

void vmcb_setup_long_mode(struct vmcb *vmcb, uint64_t entry, uint64_t cr3)
{
	setup_common(vmcb, entry, CODE_ATTRIBUTES | SEGMENT_L | SEGMENT_G);
	vmcb->state.cr0 = CR0_LONG_MODE;
	vmcb->state.cr3 = cr3;
	vmcb->state.cr4 = CR4_PAE;
	vmcb->state.efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
}

void vmcb_setup_long_mode_with_gdt(struct vmcb *vmcb, uint64_t entry, uint64_t cr3,
				   const struct vmcb_guest_gdt *gdt)
{
	struct vmcb_state *state = &vmcb->state;

	vmcb_setup_long_mode(vmcb, entry, cr3);
	state->cs.selector = gdt->code_selector;
	state->ds.selector = state->es.selector = state->ss.selector = gdt->data_selector;
	state->fs.selector = state->gs.selector = gdt->data_selector;
	state->gdtr.base = gdt->base;
	state->gdtr.limit = gdt->limit;
}

void vmcb_setup_protected_mode(struct vmcb *vmcb, uint64_t entry)
{
	setup_common(vmcb, entry, CODE_ATTRIBUTES | SEGMENT_DB | SEGMENT_G);
	vmcb->state.cs.selector = GDT_CODE32;
	vmcb->state.cr0 = CR0_PE | CR0_ET_NE;
	vmcb->state.efer = EFER_SVME;
}

/* Real-mode segments as INIT leaves them: 64 KiB limit, present, accessed. */
#define REAL_MODE_LIMIT        0xffffu
#define REAL_MODE_LDT          (SEGMENT_TYPE_LDT | SEGMENT_P)
#define REAL_MODE_TSS          (SEGMENT_TYPE_BUSY_TSS16 | SEGMENT_P)
#define CR0_AFTER_INIT         (CR0_CD | CR0_NW | CR0_ET)

void vmcb_setup_startup(struct vmcb *vmcb, uint8_t vector)
{
	struct vmcb_state *state = &vmcb->state;
	struct vmcb_segment data = segment(0, DATA_ATTRIBUTES, REAL_MODE_LIMIT);

	memset(state, 0, sizeof(*state));
	state->cs = segment((uint16_t)(vector << 8), CODE_ATTRIBUTES, REAL_MODE_LIMIT);
	state->cs.base = (uint64_t)vector << 12;
	state->ds = state->es = state->ss = state->fs = state->gs = data;
	state->ldtr = segment(0, REAL_MODE_LDT, REAL_MODE_LIMIT);
	state->tr = segment(0, REAL_MODE_TSS, REAL_MODE_LIMIT);
	state->gdtr.limit = REAL_MODE_LIMIT;
	state->idtr.limit = REAL_MODE_LIMIT;
	state->rip = 0;
	state->rflags = RFLAGS_RESERVED_ONE;
	state->dr6 = DR6_RESET;
	state->dr7 = DR7_RESET;
	state->g_pat = PAT_DEFAULT;
	state->cr0 = CR0_AFTER_INIT;
	/* SVME is the one bit VMRUN insists on: the guest sees EFER as 0 otherwise. */
	state->efer = EFER_SVME;
}
