/*
 * The VMRUN consistency checks of the AMD64 APM, vol. 2: 15.5.1 "Canonicalization and
 * Consistency Checks", 15.20 "Event Injection" and 15.25 "Nested Paging". Silicon
 * answers a broken one with VMEXIT_INVALID; QEMU TCG skips many, so sbx runs them itself
 * and names the rule that broke instead of getting a bare -1 back. Where the APM only
 * calls bits reserved or ignored (table alignment, EVENTINJ), sbx is stricter, and the
 * rule says so.
 *
 * A second group is not in the APM's list. Those rules reject guest state that no
 * guest instruction sequence can produce (zero segment attributes, LMA out of step
 * with LME and PG, reserved RFLAGS bits, a non-canonical RIP). TCG runs such a guest
 * happily, but on silicon it would fault on its first instruction or behave
 * differently, so a guest tested only under TCG would not be tested at all.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcb.h"
#include "vmcb_check.h"

#define CR0_PE    (1ull << 0)
#define CR0_NW    (1ull << 29)
#define CR0_CD    (1ull << 30)
#define CR0_PG    (1ull << 31)
#define CR4_PAE   (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define CR4_PCIDE (1ull << 17)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_SVME (1ull << 12)
#define RFLAGS_ALWAYS_ONE (1ull << 1)
#define RFLAGS_VM         (1ull << 17)
#define RFLAGS_RESERVED   (1ull << 3 | 1ull << 5 | 1ull << 15 | ~0ull << 22)

#define UPPER_32_BITS       0xffffffff00000000ull
/* CR3 bits 11:5 and 2:0: reserved around PCD and PWT when they hold no PCID. */
#define CR3_RESERVED_LOW    0xfe7ull
/* CR3 bits 2:0: reserved below the 32-byte-aligned PAE page-directory-pointer table. */
#define CR3_PAE_RESERVED_LOW 0x7ull

#define MSRPM_SIZE  0x2000ull
#define IOPM_SIZE   0x3000ull
#define PAGE_MASK   0xfffull

#define SEGMENT_TYPE_WRITABLE  0x0002
#define SEGMENT_TYPE_BUSY_TSS16 0x0003

/* Exception vectors every x86-64 CPU defines (APM vol. 2, 8.2), without 2 (the NMI
 * has its own event type) and the reserved 9 and 15. #CP (21), #HV (28), #VC (29) and
 * #SX (30) exist only with shadow stacks, SEV-ES/SNP or INIT redirection, which the
 * limits do not describe and sbx does not use, so they are refused. */
#define INJECTABLE_EXCEPTIONS (1u << 0 | 1u << 1 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6 | \
			       1u << 7 | 1u << 8 | 1u << 10 | 1u << 11 | 1u << 12 | 1u << 13 | \
			       1u << 14 | 1u << 16 | 1u << 17 | 1u << 18 | 1u << 19)
/* #DF, #TS, #NP, #SS, #GP, #PF and #AC push an error code (APM vol. 2, 8.2). */
#define EXCEPTIONS_WITH_ERROR_CODE (1u << 8 | 1u << 10 | 1u << 11 | 1u << 12 | 1u << 13 | \
				    1u << 14 | 1u << 17)

/* PAT memory types: UC, WC, WT, WP, WB, UC-; 2, 3 and 8-255 are reserved. */
#define VALID_PAT_TYPES (1u << 0 | 1u << 1 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 7)

struct check {
	const struct vmcb_control *control;
	const struct vmcb_state *state;
	const struct vmcb_check_limits *limits;
};

struct rule {
	bool (*broken)(const struct check *check);
	const char *message;
};

/* First address past physical memory. MAXPHYADDR is architecturally at most 52, and
 * the cap keeps the shift defined whatever the caller passes. */
static uint64_t physical_address_end(const struct vmcb_check_limits *limits)
{
	unsigned bits = limits->physical_address_bits;

	return 1ull << (bits < 52 ? bits : 52);
}

static uint64_t beyond_physical_address(const struct vmcb_check_limits *limits)
{
	return ~(physical_address_end(limits) - 1);
}

static bool table_outside_physical(uint64_t base, uint64_t size,
				   const struct vmcb_check_limits *limits)
{
	uint64_t end = physical_address_end(limits);

	return base >= end || size > end - base;
}

static unsigned segment_type(const struct vmcb_segment *segment)
{
	return segment->attributes & SEGMENT_TYPE_MASK;
}

static bool segment_present(const struct vmcb_segment *segment)
{
	return segment->attributes & SEGMENT_P;
}

static unsigned segment_dpl(const struct vmcb_segment *segment)
{
	return (segment->attributes & SEGMENT_DPL_MASK) >> SEGMENT_DPL_SHIFT;
}

static bool long_mode_paging(const struct vmcb_state *state)
{
	return (state->efer & EFER_LME) && (state->cr0 & CR0_PG);
}

static bool long_mode_active(const struct vmcb_state *state)
{
	return state->efer & EFER_LMA;
}

static bool sixty_four_bit_mode(const struct vmcb_state *state)
{
	return long_mode_active(state) && (state->cs.attributes & SEGMENT_L);
}

/* Protected or long mode outside virtual-8086 mode: segment registers hold descriptors. */
static bool descriptor_segments(const struct vmcb_state *state)
{
	return (state->cr0 & CR0_PE) && !(state->rflags & RFLAGS_VM);
}

static bool event_valid(const struct vmcb_control *control)
{
	return control->event_injection & VMCB_EVENT_VALID;
}

static uint64_t event_type(const struct vmcb_control *control)
{
	return control->event_injection & VMCB_EVENT_TYPE_MASK;
}

static unsigned event_vector(const struct vmcb_control *control)
{
	return control->event_injection & VMCB_EVENT_VECTOR_MASK;
}

/* Whether value is a member of a set of values below 32, given as a bit mask. */
static bool in_set(unsigned value, uint32_t set)
{
	return value < 32 && (set & (1u << value));
}

/* 15.5.1: "EFER.SVME is zero." */
static bool svme_clear(const struct check *check)
{
	return !(check->state->efer & EFER_SVME);
}

/* 15.5.1: "CR0.CD is zero and CR0.NW is set." */
static bool nw_without_cd(const struct check *check)
{
	return (check->state->cr0 & CR0_NW) && !(check->state->cr0 & CR0_CD);
}

/* 15.5.1: "CR0[63:32] are not zero." */
static bool cr0_upper_bits(const struct check *check)
{
	return check->state->cr0 & UPPER_32_BITS;
}

/* 15.5.1: "Any MBZ bit of CR3 is set": bits past the physical address width, and bits
 * 63:32 outside long mode, where CR3 is 32 bits. Stricter than the APM: also the low
 * bits the PAE and long-mode formats reserve (with CR4.PCIDE they are the PCID). */
static bool cr3_reserved_bits(const struct check *check)
{
	const struct vmcb_state *state = check->state;
	uint64_t reserved = beyond_physical_address(check->limits);

	if (long_mode_active(state)) {
		if (!(state->cr4 & CR4_PCIDE))
			reserved |= CR3_RESERVED_LOW;
	} else {
		reserved |= UPPER_32_BITS;
		if (state->cr4 & CR4_PAE)
			reserved |= CR3_PAE_RESERVED_LOW;
	}
	return state->cr3 & reserved;
}

/* 15.5.1: "Any MBZ bit of CR4 is set", which includes features this CPU lacks. */
static bool cr4_reserved_bits(const struct check *check)
{
	return check->state->cr4 & ~check->limits->cr4_supported;
}

/* 15.5.1: "DR6[63:32] are not zero." */
static bool dr6_upper_bits(const struct check *check)
{
	return check->state->dr6 & UPPER_32_BITS;
}

/* 15.5.1: "DR7[63:32] are not zero." */
static bool dr7_upper_bits(const struct check *check)
{
	return check->state->dr7 & UPPER_32_BITS;
}

/* 15.5.1: "EFER.LMA or EFER.LME is non-zero and this processor does not support long
 * mode." Checked before the general EFER rule so the message says why. */
static bool long_mode_unsupported(const struct check *check)
{
	return (check->state->efer & (EFER_LME | EFER_LMA)) && !check->limits->long_mode;
}

/* 15.5.1: "Any MBZ bit of EFER is set", which includes features this CPU lacks. */
static bool efer_reserved_bits(const struct check *check)
{
	return check->state->efer & ~check->limits->efer_supported;
}

/* 15.5.1: "EFER.LME and CR0.PG are both set and CR4.PAE is zero." */
static bool long_mode_without_pae(const struct check *check)
{
	return long_mode_paging(check->state) && !(check->state->cr4 & CR4_PAE);
}

/* 15.5.1: "EFER.LME and CR0.PG are both non-zero and CR0.PE is zero." */
static bool long_mode_without_pe(const struct check *check)
{
	return long_mode_paging(check->state) && !(check->state->cr0 & CR0_PE);
}

/* 15.5.1: "EFER.LME, CR0.PG, CR4.PAE, CS.L, and CS.D are all non-zero." */
static bool long_mode_cs_l_and_d(const struct check *check)
{
	const struct vmcb_state *state = check->state;
	uint16_t l_and_d = SEGMENT_L | SEGMENT_DB;

	return long_mode_paging(state) && (state->cr4 & CR4_PAE) &&
	       (state->cs.attributes & l_and_d) == l_and_d;
}

/* 15.5.1: "The VMRUN intercept bit is clear." */
static bool vmrun_not_intercepted(const struct check *check)
{
	return !(check->control->intercept_misc2 & VMCB_INTERCEPT_VMRUN);
}

/* 15.11: the CPU ignores bits 11:0 of the MSRPM base; a set one means sbx lost track
 * of the page it meant. */
static bool msrpm_unaligned(const struct check *check)
{
	return check->control->msrpm_base_pa & PAGE_MASK;
}

/* 15.5.1: "The MSR or IOIO intercept tables extend to a physical address that is greater
 * than or equal to the maximum supported physical address." */
static bool msrpm_outside_physical(const struct check *check)
{
	return table_outside_physical(check->control->msrpm_base_pa, MSRPM_SIZE, check->limits);
}

/* 15.10: the CPU ignores bits 11:0 of the IOPM base; a set one means sbx lost track
 * of the page it meant. */
static bool iopm_unaligned(const struct check *check)
{
	return check->control->iopm_base_pa & PAGE_MASK;
}

/* 15.5.1: the IOIO intercept table rule, as for the MSRPM. */
static bool iopm_outside_physical(const struct check *check)
{
	return table_outside_physical(check->control->iopm_base_pa, IOPM_SIZE, check->limits);
}

/* 15.20: "Reserved values of TYPE have been specified" (1, 5, 6 and 7). */
static bool event_type_reserved(const struct check *check)
{
	uint64_t type = event_type(check->control);

	return event_valid(check->control) &&
	       type != VMCB_EVENT_TYPE_INTR && type != VMCB_EVENT_TYPE_NMI &&
	       type != VMCB_EVENT_TYPE_EXCEPTION && type != VMCB_EVENT_TYPE_SOFT_INT;
}

/* 15.20 calls EVENTINJ bits 30:12 reserved. Stricter than the APM: a set one means a
 * corrupted field. */
static bool event_reserved_bits(const struct check *check)
{
	return event_valid(check->control) &&
	       (check->control->event_injection & VMCB_EVENT_RESERVED_MASK);
}

/* 15.20: "TYPE = 3 (exception) has been specified with a vector that does not
 * correspond to an exception (this includes vector 2, which is an NMI)." */
static bool event_vector_not_exception(const struct check *check)
{
	const struct vmcb_control *control = check->control;

	return event_valid(control) && event_type(control) == VMCB_EVENT_TYPE_EXCEPTION &&
	       !in_set(event_vector(control), INJECTABLE_EXCEPTIONS);
}

/* 15.20: EV pushes an error code. Stricter than the APM: only the exceptions that have
 * one push it, and only in protected mode (8.2); any other event would hand the guest
 * handler a shifted stack. */
static bool event_error_code_without_one(const struct check *check)
{
	const struct vmcb_control *control = check->control;

	return event_valid(control) && (control->event_injection & VMCB_EVENT_ERROR_CODE_VALID) &&
	       (event_type(control) != VMCB_EVENT_TYPE_EXCEPTION ||
		!in_set(event_vector(control), EXCEPTIONS_WITH_ERROR_CODE) ||
		!(check->state->cr0 & CR0_PE));
}

/* 15.5.1: "ASID is equal to zero." (ASID 0 is the host's.) */
static bool asid_zero(const struct check *check)
{
	return check->control->guest_asid == 0;
}

/* 15.16: guest ASIDs run from 1 to one less than CPUID 0x8000000A EBX. */
static bool asid_out_of_range(const struct check *check)
{
	return check->control->guest_asid >= check->limits->asid_count;
}

static bool nested_paging_enabled(const struct check *check)
{
	return check->control->nested_control & VMCB_NP_ENABLE;
}

/* 15.25: NP_ENABLE is reserved without CPUID 0x8000000A EDX[0]; TCG honours it
 * anyway. */
static bool nested_paging_unsupported(const struct check *check)
{
	return nested_paging_enabled(check) && !check->limits->nested_paging;
}

/* 15.25, nested paging and VMRUN: "Any MBZ bit of nCR3 is set." nCR3 has the format of
 * the host's long-mode CR3, whose reserved low bits are refused as for CR3. */
static bool ncr3_reserved_bits(const struct check *check)
{
	uint64_t reserved = beyond_physical_address(check->limits) | CR3_RESERVED_LOW;

	return nested_paging_enabled(check) && (check->control->nested_cr3 & reserved);
}

/* 15.25, nested paging and VMRUN: "Any G_PAT.PA field has an unsupported type encoding
 * or any reserved field in G_PAT has a non-zero value." */
static bool g_pat_invalid(const struct check *check)
{
	uint64_t g_pat = check->state->g_pat;
	unsigned entry;

	if (!nested_paging_enabled(check))
		return false;
	for (entry = 0; entry < 8; entry++) {
		if (!in_set((g_pat >> (entry * 8)) & 0xff, VALID_PAT_TYPES))
			return true;
	}
	return false;
}

/* Beyond the APM list: the CPU sets LMA itself when paging is enabled with LME (vol. 2,
 * 14.6); a VMCB that says otherwise describes a mode no guest can be in. */
static bool lma_inconsistent(const struct check *check)
{
	return long_mode_active(check->state) != long_mode_paging(check->state);
}

/* Beyond the APM list: RFLAGS bit 1 reads as one on every CPU (vol. 2, "RFLAGS Register"). */
static bool rflags_bit1_clear(const struct check *check)
{
	return !(check->state->rflags & RFLAGS_ALWAYS_ONE);
}

/* Beyond the APM list: RFLAGS bits 3, 5, 15 and 63:22 are reserved, read as zero. */
static bool rflags_reserved_bits(const struct check *check)
{
	return check->state->rflags & RFLAGS_RESERVED;
}

/* Beyond the APM list: long mode has no virtual-8086 mode (vol. 2, "Virtual-8086 Mode"). */
static bool virtual_8086_in_long_mode(const struct check *check)
{
	return long_mode_active(check->state) && (check->state->rflags & RFLAGS_VM);
}

/* Beyond the APM list: real mode runs at CPL 0; a VMCB CPL field saying otherwise puts
 * the guest's privilege checks at odds with its mode. */
static bool cpl_nonzero_in_real_mode(const struct check *check)
{
	return !(check->state->cr0 & CR0_PE) && check->state->cpl != 0;
}

/* Beyond the APM list: in 64-bit mode RIP must be canonical (48 bits, 57 with LA57),
 * else the first fetch faults (vol. 2, "Canonical Address Format"). */
static bool rip_not_canonical(const struct check *check)
{
	const struct vmcb_state *state = check->state;
	unsigned address_bits = (state->cr4 & CR4_LA57) ? 57 : 48;
	uint64_t sign_bits = state->rip >> (address_bits - 1);

	return sixty_four_bit_mode(state) && sign_bits != 0 &&
	       sign_bits != ~0ull >> (address_bits - 1);
}

/* Beyond the APM list: outside 64-bit mode EIP is 32 bits wide. */
static bool rip_above_4g(const struct check *check)
{
	return !sixty_four_bit_mode(check->state) && (check->state->rip & UPPER_32_BITS);
}

/* Beyond the APM list: in protected and long mode CS was loaded from a present
 * descriptor. Zero attributes (TCG runs them) would make the guest's code 16-bit. */
static bool cs_not_present(const struct check *check)
{
	return descriptor_segments(check->state) && !segment_present(&check->state->cs);
}

/* Beyond the APM list: only a code segment can be loaded into CS. */
static bool cs_not_code(const struct check *check)
{
	const struct vmcb_segment *cs = &check->state->cs;

	return descriptor_segments(check->state) &&
	       (!(cs->attributes & SEGMENT_S) || !(segment_type(cs) & SEGMENT_TYPE_CODE));
}

/* Beyond the APM list: outside long mode SS must be present (64-bit mode allows a null
 * SS at CPL 0-2). */
static bool ss_not_present(const struct check *check)
{
	return descriptor_segments(check->state) && !long_mode_active(check->state) &&
	       !segment_present(&check->state->ss);
}

/* Beyond the APM list: only a writable data segment can be loaded into SS. */
static bool ss_not_writable_data(const struct check *check)
{
	const struct vmcb_segment *ss = &check->state->ss;
	unsigned type = segment_type(ss);

	return descriptor_segments(check->state) && !long_mode_active(check->state) &&
	       (!(ss->attributes & SEGMENT_S) || (type & SEGMENT_TYPE_CODE) ||
		!(type & SEGMENT_TYPE_WRITABLE));
}

/* Beyond the APM list: SS.DPL is the CPL in protected and long mode (15.5.1 keeps CPL
 * in its own field, which must agree with it). */
static bool ss_dpl_not_cpl(const struct check *check)
{
	return descriptor_segments(check->state) &&
	       segment_dpl(&check->state->ss) != check->state->cpl;
}

/* Beyond the APM list: a protected-mode guest takes interrupts and I/O permission
 * checks through TR, so TR must hold a present TSS; zero attributes are not one. */
static bool tr_not_present(const struct check *check)
{
	return (check->state->cr0 & CR0_PE) && !segment_present(&check->state->tr);
}

/* Beyond the APM list: LTR marks the TSS busy, so TR always holds a busy TSS: the
 * 64-bit one in long mode, a 32- or 16-bit one outside it. */
static bool tr_not_busy_tss(const struct check *check)
{
	const struct vmcb_state *state = check->state;
	unsigned type = segment_type(&state->tr);
	bool busy_tss = type == SEGMENT_TYPE_BUSY_TSS64 ||
			(!long_mode_active(state) && type == SEGMENT_TYPE_BUSY_TSS16);

	return (state->cr0 & CR0_PE) && ((state->tr.attributes & SEGMENT_S) || !busy_tss);
}

/* In the order of the APM's list, then nested paging, then sbx's own rules, so the
 * first message names the most basic fault. RIP comes after CS, whose L bit decides
 * how wide RIP is. */
static const struct rule rules[] = {
	{ svme_clear, "EFER.SVME is clear" },
	{ nw_without_cd, "CR0.NW set with CR0.CD clear" },
	{ cr0_upper_bits, "CR0[63:32] not zero" },
	{ cr3_reserved_bits, "CR3 sets a reserved bit" },
	{ cr4_reserved_bits, "CR4 sets an unsupported or reserved bit" },
	{ dr6_upper_bits, "DR6[63:32] not zero" },
	{ dr7_upper_bits, "DR7[63:32] not zero" },
	{ long_mode_unsupported, "EFER.LME or EFER.LMA set without long mode support" },
	{ efer_reserved_bits, "EFER sets an unsupported or reserved bit" },
	{ long_mode_without_pae, "EFER.LME and CR0.PG set with CR4.PAE clear" },
	{ long_mode_without_pe, "EFER.LME and CR0.PG set with CR0.PE clear" },
	{ long_mode_cs_l_and_d, "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D all set" },
	{ vmrun_not_intercepted, "VMRUN intercept clear" },
	{ msrpm_unaligned, "MSRPM base not page aligned" },
	{ msrpm_outside_physical, "MSRPM extends past the maximum physical address" },
	{ iopm_unaligned, "IOPM base not page aligned" },
	{ iopm_outside_physical, "IOPM extends past the maximum physical address" },
	{ event_type_reserved, "EVENTINJ type reserved" },
	{ event_reserved_bits, "EVENTINJ sets a reserved bit" },
	{ event_vector_not_exception, "EVENTINJ exception vector is not an exception" },
	{ event_error_code_without_one, "EVENTINJ error code on an event without one" },
	{ asid_zero, "ASID is zero" },
	{ asid_out_of_range, "ASID not below the CPU's ASID count" },
	{ nested_paging_unsupported, "nested paging enabled without CPU support" },
	{ ncr3_reserved_bits, "nCR3 sets a reserved bit" },
	{ g_pat_invalid, "G_PAT holds an invalid memory type" },
	{ lma_inconsistent, "EFER.LMA differs from EFER.LME and CR0.PG" },
	{ rflags_bit1_clear, "RFLAGS bit 1 clear" },
	{ rflags_reserved_bits, "RFLAGS sets a reserved bit" },
	{ virtual_8086_in_long_mode, "RFLAGS.VM set in long mode" },
	{ cpl_nonzero_in_real_mode, "CPL not 0 with CR0.PE clear" },
	{ cs_not_present, "CS not present" },
	{ cs_not_code, "CS not a code segment" },
	{ ss_not_present, "SS not present" },
	{ ss_not_writable_data, "SS not a writable data segment" },
	{ ss_dpl_not_cpl, "SS.DPL differs from CPL" },
	{ tr_not_present, "TR not present" },
	{ tr_not_busy_tss, "TR not a busy TSS" },
	{ rip_not_canonical, "RIP not canonical in 64-bit mode" },
	{ rip_above_4g, "RIP above 4 GiB outside 64-bit mode" },
};

const char *vmcb_check(const struct vmcb *vmcb, const struct vmcb_check_limits *limits)
{
	const struct check check = {
		.control = &vmcb->control,
		.state = &vmcb->state,
		.limits = limits,
	};
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (rules[i].broken(&check))
			return rules[i].message;
	}
	return NULL;
}
