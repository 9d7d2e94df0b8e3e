/* The VMCB checker: two known-good guests pass, and breaking any one rule names it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/vmcb.h"
#include "arch/x86/vmcb_check.h"

/* Architectural bits, spelled out here rather than taken from the code under test. */
#define CR0_PE    (1ull << 0)
#define CR0_ET    (1ull << 4)
#define CR0_NE    (1ull << 5)
#define CR0_WP    (1ull << 16)
#define CR0_NW    (1ull << 29)
#define CR0_CD    (1ull << 30)
#define CR0_PG    (1ull << 31)
#define CR4_PSE   (1ull << 4)
#define CR4_PAE   (1ull << 5)
#define CR4_PGE   (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_LA57  (1ull << 12)
#define CR4_VMXE  (1ull << 13)
#define CR4_PCIDE (1ull << 17)
#define EFER_SCE  (1ull << 0)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define EFER_SVME (1ull << 12)
#define EFER_FFXSR (1ull << 14)
#define EFER_TCE  (1ull << 15)
#define RFLAGS_FIXED (1ull << 1)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_VM (1ull << 17)

#define CODE_EXECUTE_READ_ACCESSED 0x000b
#define DATA_READ_WRITE_ACCESSED   0x0003
#define DATA_READ_ONLY_ACCESSED    0x0001
#define AVAILABLE_TSS32            0x0009
#define BUSY_TSS16                 0x0003

#define LONG_CS (SEGMENT_P | SEGMENT_S | CODE_EXECUTE_READ_ACCESSED | SEGMENT_L | SEGMENT_G)
#define FLAT32_CS (SEGMENT_P | SEGMENT_S | CODE_EXECUTE_READ_ACCESSED | SEGMENT_DB | SEGMENT_G)
#define FLAT_DATA (SEGMENT_P | SEGMENT_S | DATA_READ_WRITE_ACCESSED | SEGMENT_DB | SEGMENT_G)
#define BUSY_TSS (SEGMENT_P | SEGMENT_TYPE_BUSY_TSS64)

#define GIB (1ull << 30)
#define PHYSICAL_END_48 (1ull << 48)

static struct vmcb vmcb;

static struct vmcb_check_limits default_limits(void)
{
	return (struct vmcb_check_limits){
		.physical_address_bits = 48,
		.asid_count = 16,
		.long_mode = true,
		.nested_paging = true,
		.efer_supported = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | EFER_FFXSR,
		.cr4_supported = CR4_PSE | CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT |
				 CR4_LA57 | CR4_PCIDE,
	};
}

static void set_segment(struct vmcb_segment *segment, uint16_t selector, uint16_t attributes,
			uint32_t limit)
{
	segment->selector = selector;
	segment->attributes = attributes;
	segment->limit = limit;
	segment->base = 0;
}

/* Control area and the state both guests share. */
static void build_common(struct vmcb *v)
{
	memset(v, 0, sizeof(*v));
	v->control.intercept_misc1 = VMCB_INTERCEPT_SHUTDOWN;
	v->control.intercept_misc2 = VMCB_INTERCEPT_VMRUN | VMCB_INTERCEPT_VMMCALL;
	v->control.msrpm_base_pa = 0x3000000;
	v->control.iopm_base_pa = 0x3004000;
	v->control.guest_asid = 1;
	v->state.rflags = RFLAGS_FIXED;
	v->state.dr6 = 0xffff0ff0;
	v->state.dr7 = 0x400;
	v->state.g_pat = 0x0007040600070406ull;
	set_segment(&v->state.tr, 0x28, BUSY_TSS, 0x67);
	set_segment(&v->state.gdtr, 0, 0, 0x37);
	set_segment(&v->state.idtr, 0, 0, 0xfff);
}

static void set_data_segments(struct vmcb *v, uint16_t selector)
{
	set_segment(&v->state.ss, selector, FLAT_DATA, 0xffffffff);
	set_segment(&v->state.ds, selector, FLAT_DATA, 0xffffffff);
	set_segment(&v->state.es, selector, FLAT_DATA, 0xffffffff);
	set_segment(&v->state.fs, selector, FLAT_DATA, 0xffffffff);
	set_segment(&v->state.gs, selector, FLAT_DATA, 0xffffffff);
}

/* A 64-bit guest under nested paging, like the securebox. */
static void build_long_mode(struct vmcb *v)
{
	build_common(v);
	v->control.nested_control = VMCB_NP_ENABLE;
	v->control.nested_cr3 = 0x2000000;
	v->state.cr0 = CR0_PE | CR0_PG | CR0_ET | CR0_NE | CR0_WP;
	v->state.cr3 = 0x1000000;
	v->state.cr4 = CR4_PAE;
	v->state.efer = EFER_LME | EFER_LMA | EFER_SVME | EFER_NXE;
	v->state.rip = 0xffffffff81000000ull;
	set_segment(&v->state.cs, 0x08, LONG_CS, 0xffffffff);
	set_data_segments(v, 0x10);
}

/* A flat 32-bit protected-mode guest with paging off and no nested paging. */
static void build_protected_mode(struct vmcb *v)
{
	build_common(v);
	v->state.cr0 = CR0_PE | CR0_ET;
	v->state.efer = EFER_SVME;
	v->state.rip = 0x100000;
	set_segment(&v->state.cs, 0x08, FLAT32_CS, 0xffffffff);
	set_data_segments(v, 0x10);
}

static void known_good_guests_pass(void **state)
{
	struct vmcb_check_limits limits = default_limits();

	(void)state;
	build_long_mode(&vmcb);
	assert_null(vmcb_check(&vmcb, &limits));
	build_protected_mode(&vmcb);
	assert_null(vmcb_check(&vmcb, &limits));
}

/* A zeroed VMCB breaks almost everything; the first rule in the APM's order wins. */
static void zeroed_vmcb_names_the_first_rule(void **state)
{
	struct vmcb_check_limits limits = default_limits();

	(void)state;
	memset(&vmcb, 0, sizeof(vmcb));
	assert_string_equal(vmcb_check(&vmcb, &limits), "EFER.SVME is clear");
}

enum base_guest { LONG_MODE, PROTECTED_MODE };

struct variant {
	const char *name;
	enum base_guest base;
	void (*change)(struct vmcb *v, struct vmcb_check_limits *limits);
	const char *message;    /* NULL: the variant is legal */
};

static void run_variants(const struct variant *variants, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const struct variant *variant = &variants[i];
		struct vmcb_check_limits limits = default_limits();
		const char *message;

		if (variant->base == LONG_MODE)
			build_long_mode(&vmcb);
		else
			build_protected_mode(&vmcb);
		variant->change(&vmcb, &limits);
		message = vmcb_check(&vmcb, &limits);
		if (variant->message == NULL ? message != NULL :
		    message == NULL || strcmp(message, variant->message) != 0)
			fail_msg("%s: got \"%s\", expected \"%s\"", variant->name,
				 message ? message : "(pass)",
				 variant->message ? variant->message : "(pass)");
	}
}

#define CHANGE(name, body) \
	static void name(struct vmcb *v, struct vmcb_check_limits *limits) \
	{ \
		(void)v; \
		(void)limits; \
		body; \
	}

/* APM 15.5.1 */
CHANGE(clear_svme, v->state.efer &= ~EFER_SVME)
CHANGE(set_nw, v->state.cr0 |= CR0_NW)
CHANGE(set_cd_and_nw, v->state.cr0 |= CR0_CD | CR0_NW)
CHANGE(set_cr0_bit32, v->state.cr0 |= 1ull << 32)
CHANGE(set_cr3_bit48, v->state.cr3 |= 1ull << 48)
CHANGE(set_cr3_bit63, v->state.cr3 |= 1ull << 63)
CHANGE(set_cr3_bit5, v->state.cr3 |= 1ull << 5)
CHANGE(set_cr3_bit0, v->state.cr3 |= 1ull << 0)
CHANGE(set_cr3_bit32, v->state.cr3 = 1ull << 32)
CHANGE(pae_cr3_bit0, v->state.cr4 |= CR4_PAE; v->state.cr3 = 0x1000001)
CHANGE(set_cr4_vmxe, v->state.cr4 |= CR4_VMXE)
CHANGE(set_cr4_bit63, v->state.cr4 |= 1ull << 63)
CHANGE(set_dr6_bit32, v->state.dr6 |= 1ull << 32)
CHANGE(set_dr7_bit63, v->state.dr7 |= 1ull << 63)
CHANGE(no_long_mode_cpu, limits->long_mode = false)
CHANGE(set_lme_without_long_mode_cpu, v->state.efer |= EFER_LME; limits->long_mode = false)
CHANGE(set_efer_bit1, v->state.efer |= 1ull << 1)
CHANGE(set_efer_tce, v->state.efer |= EFER_TCE)
CHANGE(set_lme_before_paging, v->state.efer |= EFER_LME)
CHANGE(clear_pae, v->state.cr4 &= ~CR4_PAE)
CHANGE(clear_pe, v->state.cr0 &= ~CR0_PE)
CHANGE(set_cs_d, v->state.cs.attributes |= SEGMENT_DB)
CHANGE(clear_vmrun_intercept, v->control.intercept_misc2 &= ~VMCB_INTERCEPT_VMRUN)
CHANGE(misalign_msrpm, v->control.msrpm_base_pa |= 0x800)
CHANGE(msrpm_at_limit, v->control.msrpm_base_pa = PHYSICAL_END_48)
CHANGE(msrpm_straddles_limit, v->control.msrpm_base_pa = PHYSICAL_END_48 - 0x1000)
CHANGE(msrpm_ends_at_limit, v->control.msrpm_base_pa = PHYSICAL_END_48 - 0x2000)
CHANGE(msrpm_wraps, v->control.msrpm_base_pa = ~0xfffull)
CHANGE(misalign_iopm, v->control.iopm_base_pa |= 0x1)
CHANGE(iopm_at_limit, v->control.iopm_base_pa = PHYSICAL_END_48)
CHANGE(iopm_straddles_limit, v->control.iopm_base_pa = PHYSICAL_END_48 - 0x2000)
CHANGE(iopm_ends_at_limit, v->control.iopm_base_pa = PHYSICAL_END_48 - 0x3000)
CHANGE(clear_asid, v->control.guest_asid = 0)
CHANGE(asid_at_count, v->control.guest_asid = 16)
CHANGE(asid_below_count, v->control.guest_asid = 15)

static const struct variant apm_rules[] = {
	{ "SVME clear", LONG_MODE, clear_svme, "EFER.SVME is clear" },
	{ "NW without CD", LONG_MODE, set_nw, "CR0.NW set with CR0.CD clear" },
	{ "NW with CD", LONG_MODE, set_cd_and_nw, NULL },
	{ "CR0 bit 32", PROTECTED_MODE, set_cr0_bit32, "CR0[63:32] not zero" },
	{ "CR3 bit 48 with 48-bit addresses", LONG_MODE, set_cr3_bit48, "CR3 sets a reserved bit" },
	{ "CR3 bit 63", LONG_MODE, set_cr3_bit63, "CR3 sets a reserved bit" },
	{ "CR3 bit 5 in long mode", LONG_MODE, set_cr3_bit5, "CR3 sets a reserved bit" },
	{ "CR3 bit 0 in long mode", LONG_MODE, set_cr3_bit0, "CR3 sets a reserved bit" },
	{ "CR3 bit 32 outside long mode", PROTECTED_MODE, set_cr3_bit32, "CR3 sets a reserved bit" },
	{ "CR3 bit 0 with PAE", PROTECTED_MODE, pae_cr3_bit0, "CR3 sets a reserved bit" },
	{ "CR4.VMXE", LONG_MODE, set_cr4_vmxe, "CR4 sets an unsupported or reserved bit" },
	{ "CR4 bit 63", PROTECTED_MODE, set_cr4_bit63, "CR4 sets an unsupported or reserved bit" },
	{ "DR6 bit 32", LONG_MODE, set_dr6_bit32, "DR6[63:32] not zero" },
	{ "DR7 bit 63", LONG_MODE, set_dr7_bit63, "DR7[63:32] not zero" },
	{ "long mode on a 32-bit CPU", LONG_MODE, no_long_mode_cpu,
	  "EFER.LME or EFER.LMA set without long mode support" },
	{ "LME on a 32-bit CPU", PROTECTED_MODE, set_lme_without_long_mode_cpu,
	  "EFER.LME or EFER.LMA set without long mode support" },
	{ "EFER bit 1", LONG_MODE, set_efer_bit1, "EFER sets an unsupported or reserved bit" },
	{ "EFER.TCE unsupported", LONG_MODE, set_efer_tce,
	  "EFER sets an unsupported or reserved bit" },
	{ "LME before paging is on", PROTECTED_MODE, set_lme_before_paging, NULL },
	{ "long mode without PAE", LONG_MODE, clear_pae,
	  "EFER.LME and CR0.PG set with CR4.PAE clear" },
	{ "long mode without PE", LONG_MODE, clear_pe,
	  "EFER.LME and CR0.PG set with CR0.PE clear" },
	{ "CS.L and CS.D", LONG_MODE, set_cs_d, "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D all set" },
	{ "VMRUN not intercepted", LONG_MODE, clear_vmrun_intercept, "VMRUN intercept clear" },
	{ "MSRPM misaligned", LONG_MODE, misalign_msrpm, "MSRPM base not page aligned" },
	{ "MSRPM at the limit", LONG_MODE, msrpm_at_limit,
	  "MSRPM extends past the maximum physical address" },
	{ "MSRPM's second page past the limit", LONG_MODE, msrpm_straddles_limit,
	  "MSRPM extends past the maximum physical address" },
	{ "MSRPM ending at the limit", LONG_MODE, msrpm_ends_at_limit, NULL },
	{ "MSRPM wrapping around", LONG_MODE, msrpm_wraps,
	  "MSRPM extends past the maximum physical address" },
	{ "IOPM misaligned", LONG_MODE, misalign_iopm, "IOPM base not page aligned" },
	{ "IOPM at the limit", LONG_MODE, iopm_at_limit,
	  "IOPM extends past the maximum physical address" },
	{ "IOPM's third page past the limit", LONG_MODE, iopm_straddles_limit,
	  "IOPM extends past the maximum physical address" },
	{ "IOPM ending at the limit", LONG_MODE, iopm_ends_at_limit, NULL },
	{ "ASID zero", LONG_MODE, clear_asid, "ASID is zero" },
	{ "ASID at the count", PROTECTED_MODE, asid_at_count, "ASID not below the CPU's ASID count" },
	{ "ASID just below the count", PROTECTED_MODE, asid_below_count, NULL },
};

static void apm_vmrun_checks(void **state)
{
	(void)state;
	run_variants(apm_rules, sizeof(apm_rules) / sizeof(apm_rules[0]));
}

#define EVENT(type, vector) (VMCB_EVENT_VALID | (type) | (vector))

/* APM 15.20 */
CHANGE(inject_type1, v->control.event_injection = VMCB_EVENT_VALID | 1ull << 8 | 32)
CHANGE(inject_type7, v->control.event_injection = VMCB_EVENT_VALID | 7ull << 8 | 32)
CHANGE(inject_reserved_bit, v->control.event_injection =
       EVENT(VMCB_EVENT_TYPE_INTR, 32) | 1ull << 12)
CHANGE(inject_exception_2, v->control.event_injection = EVENT(VMCB_EVENT_TYPE_EXCEPTION, 2))
CHANGE(inject_exception_9, v->control.event_injection = EVENT(VMCB_EVENT_TYPE_EXCEPTION, 9))
CHANGE(inject_exception_15, v->control.event_injection = EVENT(VMCB_EVENT_TYPE_EXCEPTION, 15))
CHANGE(inject_exception_32, v->control.event_injection = EVENT(VMCB_EVENT_TYPE_EXCEPTION, 32))
CHANGE(inject_exception_255, v->control.event_injection =
       EVENT(VMCB_EVENT_TYPE_EXCEPTION, 255))
CHANGE(inject_ud_with_error_code, v->control.event_injection =
       EVENT(VMCB_EVENT_TYPE_EXCEPTION, 6) | VMCB_EVENT_ERROR_CODE_VALID)
CHANGE(inject_interrupt_with_error_code, v->control.event_injection =
       EVENT(VMCB_EVENT_TYPE_INTR, 13) | VMCB_EVENT_ERROR_CODE_VALID)
CHANGE(inject_gp_in_real_mode, v->state.cr0 &= ~CR0_PE; v->state.tr.attributes = 0;
       v->control.event_injection = EVENT(VMCB_EVENT_TYPE_EXCEPTION, 13) |
				    VMCB_EVENT_ERROR_CODE_VALID)
CHANGE(inject_gp, v->control.event_injection = EVENT(VMCB_EVENT_TYPE_EXCEPTION, 13) |
	       VMCB_EVENT_ERROR_CODE_VALID | 0x1234ull << 32)
CHANGE(inject_ud, v->control.event_injection = EVENT(VMCB_EVENT_TYPE_EXCEPTION, 6))
CHANGE(inject_nmi, v->control.event_injection = EVENT(VMCB_EVENT_TYPE_NMI, 2))
CHANGE(inject_soft_int, v->control.event_injection = EVENT(VMCB_EVENT_TYPE_SOFT_INT, 0x80))
CHANGE(invalid_event_not_valid, v->control.event_injection = 7ull << 8 | 1ull << 12 | 2)

static const struct variant event_rules[] = {
	{ "type 1", LONG_MODE, inject_type1, "EVENTINJ type reserved" },
	{ "type 7", LONG_MODE, inject_type7, "EVENTINJ type reserved" },
	{ "bit 12", LONG_MODE, inject_reserved_bit, "EVENTINJ sets a reserved bit" },
	{ "exception 2 (NMI)", LONG_MODE, inject_exception_2,
	  "EVENTINJ exception vector is not an exception" },
	{ "exception 9", LONG_MODE, inject_exception_9,
	  "EVENTINJ exception vector is not an exception" },
	{ "exception 15", LONG_MODE, inject_exception_15,
	  "EVENTINJ exception vector is not an exception" },
	{ "exception 32", LONG_MODE, inject_exception_32,
	  "EVENTINJ exception vector is not an exception" },
	{ "exception 255", LONG_MODE, inject_exception_255,
	  "EVENTINJ exception vector is not an exception" },
	{ "#UD with an error code", LONG_MODE, inject_ud_with_error_code,
	  "EVENTINJ error code on an event without one" },
	{ "interrupt with an error code", LONG_MODE, inject_interrupt_with_error_code,
	  "EVENTINJ error code on an event without one" },
	{ "#GP with an error code in real mode", PROTECTED_MODE, inject_gp_in_real_mode,
	  "EVENTINJ error code on an event without one" },
	{ "#GP with an error code", LONG_MODE, inject_gp, NULL },
	{ "#UD", PROTECTED_MODE, inject_ud, NULL },
	{ "NMI", LONG_MODE, inject_nmi, NULL },
	{ "INT 0x80", LONG_MODE, inject_soft_int, NULL },
	{ "garbage with the valid bit clear", LONG_MODE, invalid_event_not_valid, NULL },
};

static void event_injection_checks(void **state)
{
	(void)state;
	run_variants(event_rules, sizeof(event_rules) / sizeof(event_rules[0]));
}

/* APM 15.25 */
CHANGE(no_nested_paging_cpu, limits->nested_paging = false)
CHANGE(ncr3_bit48, v->control.nested_cr3 |= 1ull << 48)
CHANGE(ncr3_bit5, v->control.nested_cr3 |= 1ull << 5)
CHANGE(ncr3_pwt_pcd, v->control.nested_cr3 |= 0x18)
CHANGE(g_pat_type2, v->state.g_pat = 0x0007040600070206ull)
CHANGE(g_pat_type3_top, v->state.g_pat = 0x0307040600070406ull)
CHANGE(g_pat_reserved_bit, v->state.g_pat = 0x0007040600070416ull)
CHANGE(g_pat_all_types, v->state.g_pat = 0x0007060504010000ull)
CHANGE(garbage_without_nested_paging, v->state.g_pat = 0x0808080808080808ull;
       v->control.nested_cr3 = ~0ull)

static const struct variant nested_paging_rules[] = {
	{ "NP on a CPU without it", LONG_MODE, no_nested_paging_cpu,
	  "nested paging enabled without CPU support" },
	{ "nCR3 bit 48", LONG_MODE, ncr3_bit48, "nCR3 sets a reserved bit" },
	{ "nCR3 bit 5", LONG_MODE, ncr3_bit5, "nCR3 sets a reserved bit" },
	{ "nCR3 PWT and PCD", LONG_MODE, ncr3_pwt_pcd, NULL },
	{ "G_PAT type 2", LONG_MODE, g_pat_type2, "G_PAT holds an invalid memory type" },
	{ "G_PAT type 3 in the top entry", LONG_MODE, g_pat_type3_top,
	  "G_PAT holds an invalid memory type" },
	{ "G_PAT reserved bit 4", LONG_MODE, g_pat_reserved_bit,
	  "G_PAT holds an invalid memory type" },
	{ "G_PAT with every valid type", LONG_MODE, g_pat_all_types, NULL },
	{ "G_PAT and nCR3 unused without NP", PROTECTED_MODE, garbage_without_nested_paging, NULL },
};

static void nested_paging_checks(void **state)
{
	(void)state;
	run_variants(nested_paging_rules, sizeof(nested_paging_rules) /
		     sizeof(nested_paging_rules[0]));
}

/* State outside the APM's VMRUN list that no guest could be in. */
CHANGE(clear_lma, v->state.efer &= ~EFER_LMA)
CHANGE(set_lma_without_paging, v->state.efer |= EFER_LMA)
CHANGE(clear_rflags_bit1, v->state.rflags = 0)
CHANGE(set_rflags_bit3, v->state.rflags |= 1ull << 3)
CHANGE(set_rflags_bit5, v->state.rflags |= 1ull << 5)
CHANGE(set_rflags_bit15, v->state.rflags |= 1ull << 15)
CHANGE(set_rflags_bit22, v->state.rflags |= 1ull << 22)
CHANGE(set_rflags_if, v->state.rflags |= RFLAGS_IF)
CHANGE(set_rflags_vm_long, v->state.rflags |= RFLAGS_VM)
CHANGE(real_mode_cpl3, v->state.cr0 &= ~CR0_PE; v->state.cpl = 3)
CHANGE(real_mode, v->state.cr0 &= ~CR0_PE; v->state.cs.attributes = 0;
       v->state.ss.attributes = 0; v->state.tr.attributes = 0)
CHANGE(rip_non_canonical, v->state.rip = 0x0000800000000000ull)
CHANGE(rip_top_of_lower_half, v->state.rip = 0x00007fffffffffffull)
CHANGE(rip_la57, v->state.cr4 |= CR4_LA57; v->state.rip = 0xff00000000000000ull)
CHANGE(rip_above_la57, v->state.cr4 |= CR4_LA57; v->state.rip = 0xfe00000000000000ull)
CHANGE(rip_above_4g_protected, v->state.rip = 4 * GIB)
CHANGE(compatibility_mode_high_rip, v->state.cs.attributes = FLAT32_CS)
CHANGE(compatibility_mode, v->state.cs.attributes = FLAT32_CS; v->state.rip = 0x100000)
CHANGE(zero_cs_long, v->state.cs.attributes = 0)
CHANGE(data_cs_long, v->state.cs.attributes = SEGMENT_P | SEGMENT_S | SEGMENT_L |
	       DATA_READ_WRITE_ACCESSED)
CHANGE(system_cs_protected, v->state.cs.attributes = SEGMENT_P | SEGMENT_DB |
	       CODE_EXECUTE_READ_ACCESSED)
CHANGE(zero_ss_protected, v->state.ss.attributes = 0)
CHANGE(read_only_ss, v->state.ss.attributes = SEGMENT_P | SEGMENT_S | SEGMENT_DB |
	       DATA_READ_ONLY_ACCESSED)
CHANGE(code_ss, v->state.ss.attributes = FLAT32_CS)
CHANGE(system_ss, v->state.ss.attributes = SEGMENT_P | DATA_READ_WRITE_ACCESSED)
CHANGE(null_ss_long, v->state.ss.selector = 0; v->state.ss.attributes = 0)
CHANGE(ss_dpl3_at_cpl0, v->state.ss.attributes |= 3 << SEGMENT_DPL_SHIFT)
CHANGE(ss_dpl3_at_cpl3, v->state.ss.attributes |= 3 << SEGMENT_DPL_SHIFT;
       v->state.cs.attributes |= 3 << SEGMENT_DPL_SHIFT; v->state.cpl = 3)
CHANGE(zero_tr_long, v->state.tr.attributes = 0)
CHANGE(zero_tr_protected, v->state.tr.attributes = 0)
CHANGE(available_tss, v->state.tr.attributes = SEGMENT_P | AVAILABLE_TSS32)
CHANGE(busy_tss16_long, v->state.tr.attributes = SEGMENT_P | BUSY_TSS16)
CHANGE(busy_tss16_protected, v->state.tr.attributes = SEGMENT_P | BUSY_TSS16)
CHANGE(tss_with_s_bit, v->state.tr.attributes |= SEGMENT_S)
CHANGE(virtual_8086, v->state.rflags |= RFLAGS_VM; v->state.cpl = 3;
       v->state.cs.attributes = 0xf3; v->state.ss.attributes = 0xf3)

static const struct variant sanity_rules[] = {
	{ "LMA clear in long mode", LONG_MODE, clear_lma,
	  "EFER.LMA differs from EFER.LME and CR0.PG" },
	{ "LMA set without paging", PROTECTED_MODE, set_lma_without_paging,
	  "EFER.LMA differs from EFER.LME and CR0.PG" },
	{ "RFLAGS bit 1 clear", LONG_MODE, clear_rflags_bit1, "RFLAGS bit 1 clear" },
	{ "RFLAGS bit 3", LONG_MODE, set_rflags_bit3, "RFLAGS sets a reserved bit" },
	{ "RFLAGS bit 5", PROTECTED_MODE, set_rflags_bit5, "RFLAGS sets a reserved bit" },
	{ "RFLAGS bit 15", LONG_MODE, set_rflags_bit15, "RFLAGS sets a reserved bit" },
	{ "RFLAGS bit 22", LONG_MODE, set_rflags_bit22, "RFLAGS sets a reserved bit" },
	{ "RFLAGS.IF", LONG_MODE, set_rflags_if, NULL },
	{ "RFLAGS.VM in long mode", LONG_MODE, set_rflags_vm_long, "RFLAGS.VM set in long mode" },
	{ "CPL 3 in real mode", PROTECTED_MODE, real_mode_cpl3, "CPL not 0 with CR0.PE clear" },
	{ "real mode with zero attributes", PROTECTED_MODE, real_mode, NULL },
	{ "RIP non-canonical", LONG_MODE, rip_non_canonical, "RIP not canonical in 64-bit mode" },
	{ "RIP at the top of the lower half", LONG_MODE, rip_top_of_lower_half, NULL },
	{ "RIP canonical only with LA57", LONG_MODE, rip_la57, NULL },
	{ "RIP non-canonical with LA57", LONG_MODE, rip_above_la57,
	  "RIP not canonical in 64-bit mode" },
	{ "RIP above 4 GiB in protected mode", PROTECTED_MODE, rip_above_4g_protected,
	  "RIP above 4 GiB outside 64-bit mode" },
	{ "RIP above 4 GiB in compatibility mode", LONG_MODE, compatibility_mode_high_rip,
	  "RIP above 4 GiB outside 64-bit mode" },
	{ "compatibility mode", LONG_MODE, compatibility_mode, NULL },
	{ "CS attributes zero in long mode", LONG_MODE, zero_cs_long, "CS not present" },
	{ "CS a data segment in long mode", LONG_MODE, data_cs_long, "CS not a code segment" },
	{ "CS a system segment", PROTECTED_MODE, system_cs_protected, "CS not a code segment" },
	{ "SS attributes zero", PROTECTED_MODE, zero_ss_protected, "SS not present" },
	{ "SS read-only", PROTECTED_MODE, read_only_ss, "SS not a writable data segment" },
	{ "SS a code segment", PROTECTED_MODE, code_ss, "SS not a writable data segment" },
	{ "SS a system segment", PROTECTED_MODE, system_ss, "SS not a writable data segment" },
	{ "null SS in 64-bit mode", LONG_MODE, null_ss_long, NULL },
	{ "SS.DPL 3 at CPL 0", LONG_MODE, ss_dpl3_at_cpl0, "SS.DPL differs from CPL" },
	{ "SS.DPL 3 at CPL 3", PROTECTED_MODE, ss_dpl3_at_cpl3, NULL },
	{ "TR attributes zero in long mode", LONG_MODE, zero_tr_long, "TR not present" },
	{ "TR attributes zero in protected mode", PROTECTED_MODE, zero_tr_protected,
	  "TR not present" },
	{ "TR an available TSS", PROTECTED_MODE, available_tss, "TR not a busy TSS" },
	{ "TR a 16-bit TSS in long mode", LONG_MODE, busy_tss16_long, "TR not a busy TSS" },
	{ "TR a 16-bit TSS in protected mode", PROTECTED_MODE, busy_tss16_protected, NULL },
	{ "TR with the S bit", LONG_MODE, tss_with_s_bit, "TR not a busy TSS" },
	{ "virtual-8086 mode", PROTECTED_MODE, virtual_8086, NULL },
};

static void sanity_checks(void **state)
{
	(void)state;
	run_variants(sanity_rules, sizeof(sanity_rules) / sizeof(sanity_rules[0]));
}

/* The same VMCB passes or fails with what the CPU reports. */
CHANGE(cr3_bit45, v->state.cr3 |= 1ull << 45)
CHANGE(cr3_bit45_on_40_bits, v->state.cr3 |= 1ull << 45; limits->physical_address_bits = 40)
CHANGE(msrpm_near_40_bits, v->control.msrpm_base_pa = (1ull << 40) - 0x2000)
CHANGE(msrpm_near_40_bits_on_40_bits, v->control.msrpm_base_pa = (1ull << 40) - 0x1000;
       limits->physical_address_bits = 40)
CHANGE(ncr3_bit45_on_40_bits, v->control.nested_cr3 |= 1ull << 45;
       limits->physical_address_bits = 40)
CHANGE(asid_8_of_8, v->control.guest_asid = 8; limits->asid_count = 8)
CHANGE(nxe_unsupported, limits->efer_supported &= ~EFER_NXE)
CHANGE(pae_unsupported, limits->cr4_supported &= ~CR4_PAE)
CHANGE(pcid_cr3, v->state.cr4 |= CR4_PCIDE; v->state.cr3 |= 0x5a5)
CHANGE(pcid_cr3_unsupported, v->state.cr4 |= CR4_PCIDE; v->state.cr3 |= 0x5a5;
       limits->cr4_supported &= ~CR4_PCIDE)
CHANGE(huge_physical_address_bits, limits->physical_address_bits = 200)

static const struct variant limit_rules[] = {
	{ "CR3 bit 45 with 48-bit addresses", LONG_MODE, cr3_bit45, NULL },
	{ "CR3 bit 45 with 40-bit addresses", LONG_MODE, cr3_bit45_on_40_bits,
	  "CR3 sets a reserved bit" },
	{ "MSRPM below 1 TiB", LONG_MODE, msrpm_near_40_bits, NULL },
	{ "MSRPM across 1 TiB with 40-bit addresses", LONG_MODE, msrpm_near_40_bits_on_40_bits,
	  "MSRPM extends past the maximum physical address" },
	{ "nCR3 bit 45 with 40-bit addresses", LONG_MODE, ncr3_bit45_on_40_bits,
	  "nCR3 sets a reserved bit" },
	{ "ASID 8 of 8", LONG_MODE, asid_8_of_8, "ASID not below the CPU's ASID count" },
	{ "EFER.NXE unsupported", LONG_MODE, nxe_unsupported,
	  "EFER sets an unsupported or reserved bit" },
	{ "CR4.PAE unsupported", LONG_MODE, pae_unsupported,
	  "CR4 sets an unsupported or reserved bit" },
	{ "PCID in CR3", LONG_MODE, pcid_cr3, NULL },
	{ "PCID without PCIDE support", LONG_MODE, pcid_cr3_unsupported,
	  "CR4 sets an unsupported or reserved bit" },
	{ "MAXPHYADDR capped at 52", LONG_MODE, huge_physical_address_bits, NULL },
};

static void limits_matter(void **state)
{
	(void)state;
	run_variants(limit_rules, sizeof(limit_rules) / sizeof(limit_rules[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_good_guests_pass),
		cmocka_unit_test(zeroed_vmcb_names_the_first_rule),
		cmocka_unit_test(apm_vmrun_checks),
		cmocka_unit_test(event_injection_checks),
		cmocka_unit_test(nested_paging_checks),
		cmocka_unit_test(sanity_checks),
		cmocka_unit_test(limits_matter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
