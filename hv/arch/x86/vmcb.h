/* The AMD SVM virtual machine control block (AMD64 APM volume 2, appendix B): a
 * control area at 0x000 and a state save area at 0x400, in one 4 KiB page. */
#ifndef SBX_HV_X86_VMCB_H
#define SBX_HV_X86_VMCB_H

#include <stddef.h>
#include <stdint.h>

/* Intercept vector 3 (offset 0x00c). */
#define VMCB_INTERCEPT_INTR          (1u << 0)
#define VMCB_INTERCEPT_NMI           (1u << 1)
#define VMCB_INTERCEPT_SMI           (1u << 2)
#define VMCB_INTERCEPT_INIT          (1u << 3)
#define VMCB_INTERCEPT_CPUID         (1u << 18)
#define VMCB_INTERCEPT_INVD          (1u << 22)
#define VMCB_INTERCEPT_HLT           (1u << 24)
#define VMCB_INTERCEPT_INVLPGA       (1u << 26)
#define VMCB_INTERCEPT_IOIO_PROT     (1u << 27)
#define VMCB_INTERCEPT_MSR_PROT      (1u << 28)
#define VMCB_INTERCEPT_TASK_SWITCH   (1u << 29)
#define VMCB_INTERCEPT_SHUTDOWN      (1u << 31)

/* Intercept vector 4 (offset 0x010). */
#define VMCB_INTERCEPT_VMRUN         (1u << 0)
#define VMCB_INTERCEPT_VMMCALL       (1u << 1)
#define VMCB_INTERCEPT_VMLOAD        (1u << 2)
#define VMCB_INTERCEPT_VMSAVE        (1u << 3)
#define VMCB_INTERCEPT_STGI          (1u << 4)
#define VMCB_INTERCEPT_CLGI          (1u << 5)
#define VMCB_INTERCEPT_SKINIT        (1u << 6)
#define VMCB_INTERCEPT_RDTSCP        (1u << 7)
#define VMCB_INTERCEPT_ICEBP         (1u << 8)
#define VMCB_INTERCEPT_WBINVD        (1u << 9)
#define VMCB_INTERCEPT_MONITOR       (1u << 10)
#define VMCB_INTERCEPT_MWAIT         (1u << 11)
#define VMCB_INTERCEPT_XSETBV        (1u << 13)

#define VMCB_TLB_CONTROL_DO_NOTHING  0
#define VMCB_TLB_CONTROL_FLUSH_ALL   1

#define VMCB_V_INTR_MASKING          (1ull << 24)
#define VMCB_NP_ENABLE               (1ull << 0)

/* EVENTINJ / EXITINTINFO (offset 0x0a8 / 0x088). */
#define VMCB_EVENT_VECTOR_MASK       0xffull
#define VMCB_EVENT_TYPE_SHIFT        8
#define VMCB_EVENT_TYPE_INTR         (0ull << 8)
#define VMCB_EVENT_TYPE_NMI          (2ull << 8)
#define VMCB_EVENT_TYPE_EXCEPTION    (3ull << 8)
#define VMCB_EVENT_TYPE_SOFT_INT     (4ull << 8)
#define VMCB_EVENT_TYPE_MASK         (7ull << 8)
#define VMCB_EVENT_ERROR_CODE_VALID  (1ull << 11)
#define VMCB_EVENT_RESERVED_MASK     0x7ffff000ull   /* bits 30:12 */
#define VMCB_EVENT_VALID             (1ull << 31)

/* Exit codes (EXITCODE, offset 0x070). */
#define VMEXIT_EXCEPTION_BASE 0x040
#define VMEXIT_INTR           0x060
#define VMEXIT_NMI            0x061
#define VMEXIT_SMI            0x062
#define VMEXIT_INIT           0x063
#define VMEXIT_CPUID          0x072
#define VMEXIT_INVD           0x076
#define VMEXIT_HLT            0x078
#define VMEXIT_INVLPGA        0x07a
#define VMEXIT_IOIO           0x07b
#define VMEXIT_MSR            0x07c
#define VMEXIT_TASK_SWITCH    0x07d
#define VMEXIT_SHUTDOWN       0x07f
#define VMEXIT_VMRUN          0x080
#define VMEXIT_VMMCALL        0x081
#define VMEXIT_VMLOAD         0x082
#define VMEXIT_VMSAVE         0x083
#define VMEXIT_STGI           0x084
#define VMEXIT_CLGI           0x085
#define VMEXIT_SKINIT         0x086
#define VMEXIT_RDTSCP         0x087
#define VMEXIT_ICEBP          0x088
#define VMEXIT_WBINVD         0x089
#define VMEXIT_MONITOR        0x08a
#define VMEXIT_MWAIT          0x08b
#define VMEXIT_XSETBV         0x08d
#define VMEXIT_NPF            0x400
/* TCG reports an invalid VMCB as a 32-bit -1, silicon as a 64-bit -1. */
#define VMEXIT_INVALID_32     0xffffffffull
#define VMEXIT_INVALID        0xffffffffffffffffull

/* NPF EXITINFO1 bits (a #PF-style error code). */
#define NPF_PRESENT   (1ull << 0)
#define NPF_WRITE     (1ull << 1)
#define NPF_USER      (1ull << 2)
#define NPF_FETCH     (1ull << 4)

/* Segment attributes: descriptor bits 8-15 in 0-7, bits 20-23 in 8-11. */
#define SEGMENT_TYPE_MASK      0x000f
#define SEGMENT_S              0x0010   /* code or data (not system) */
#define SEGMENT_DPL_SHIFT      5
#define SEGMENT_DPL_MASK       0x0060
#define SEGMENT_P              0x0080
#define SEGMENT_AVL            0x0100
#define SEGMENT_L              0x0200
#define SEGMENT_DB             0x0400
#define SEGMENT_G              0x0800
#define SEGMENT_TYPE_CODE      0x0008   /* in the type field: code segment */
#define SEGMENT_TYPE_ACCESSED  0x0001
#define SEGMENT_TYPE_BUSY_TSS64 0x000b
#define SEGMENT_TYPE_BUSY_TSS16 0x0003
#define SEGMENT_TYPE_LDT       0x0002

struct vmcb_segment {
	uint16_t selector;
	uint16_t attributes;
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

struct vmcb_control {
	uint32_t intercept_cr;          /* 0x000: reads 0-15, writes 16-31 */
	uint32_t intercept_dr;          /* 0x004 */
	uint32_t intercept_exceptions;  /* 0x008 */
	uint32_t intercept_misc1;       /* 0x00c: vector 3 */
	uint32_t intercept_misc2;       /* 0x010: vector 4 */
	uint32_t intercept_misc3;       /* 0x014: vector 5 */
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_threshold;/* 0x03c */
	uint16_t pause_filter_count;    /* 0x03e */
	uint64_t iopm_base_pa;          /* 0x040 */
	uint64_t msrpm_base_pa;         /* 0x048 */
	uint64_t tsc_offset;            /* 0x050 */
	uint32_t guest_asid;            /* 0x058 */
	uint8_t tlb_control;            /* 0x05c */
	uint8_t reserved_05d[3];
	uint64_t virtual_interrupt;     /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING... */
	uint64_t interrupt_shadow;      /* 0x068 */
	uint64_t exit_code;             /* 0x070 */
	uint64_t exit_info1;            /* 0x078 */
	uint64_t exit_info2;            /* 0x080 */
	uint64_t exit_interrupt_info;   /* 0x088 */
	uint64_t nested_control;        /* 0x090: NP_ENABLE... */
	uint64_t avic_apic_bar;         /* 0x098 */
	uint64_t ghcb_pa;               /* 0x0a0 */
	uint64_t event_injection;       /* 0x0a8 */
	uint64_t nested_cr3;            /* 0x0b0 */
	uint64_t virtualization_ext;    /* 0x0b8: LBR virtualization, VMSAVE/VMLOAD virt. */
	uint32_t clean_bits;            /* 0x0c0 */
	uint32_t reserved_0c4;
	uint64_t next_rip;              /* 0x0c8 */
	uint8_t bytes_fetched;          /* 0x0d0 */
	uint8_t guest_instruction_bytes[15];
	uint8_t reserved_0e0[0x400 - 0x0e0];
} __attribute__((packed));

struct vmcb_state {
	struct vmcb_segment es;         /* 0x400 */
	struct vmcb_segment cs;         /* 0x410 */
	struct vmcb_segment ss;         /* 0x420 */
	struct vmcb_segment ds;         /* 0x430 */
	struct vmcb_segment fs;         /* 0x440 */
	struct vmcb_segment gs;         /* 0x450 */
	struct vmcb_segment gdtr;       /* 0x460 */
	struct vmcb_segment ldtr;       /* 0x470 */
	struct vmcb_segment idtr;       /* 0x480 */
	struct vmcb_segment tr;         /* 0x490 */
	uint8_t reserved_4a0[0x4cb - 0x4a0];
	uint8_t cpl;                    /* 0x4cb */
	uint32_t reserved_4cc;
	uint64_t efer;                  /* 0x4d0 */
	uint8_t reserved_4d8[0x548 - 0x4d8];
	uint64_t cr4;                   /* 0x548 */
	uint64_t cr3;                   /* 0x550 */
	uint64_t cr0;                   /* 0x558 */
	uint64_t dr7;                   /* 0x560 */
	uint64_t dr6;                   /* 0x568 */
	uint64_t rflags;                /* 0x570 */
	uint64_t rip;                   /* 0x578 */
	uint8_t reserved_580[0x5d8 - 0x580];
	uint64_t rsp;                   /* 0x5d8 */
	uint64_t s_cet;                 /* 0x5e0 */
	uint64_t ssp;                   /* 0x5e8 */
	uint64_t isst_addr;             /* 0x5f0 */
	uint64_t rax;                   /* 0x5f8 */
	uint64_t star;                  /* 0x600 */
	uint64_t lstar;                 /* 0x608 */
	uint64_t cstar;                 /* 0x610 */
	uint64_t sfmask;                /* 0x618 */
	uint64_t kernel_gs_base;        /* 0x620 */
	uint64_t sysenter_cs;           /* 0x628 */
	uint64_t sysenter_esp;          /* 0x630 */
	uint64_t sysenter_eip;          /* 0x638 */
	uint64_t cr2;                   /* 0x640 */
	uint8_t reserved_648[0x668 - 0x648];
	uint64_t g_pat;                 /* 0x668 */
	uint64_t dbgctl;                /* 0x670 */
	uint64_t br_from;               /* 0x678 */
	uint64_t br_to;                 /* 0x680 */
	uint64_t last_exception_from;   /* 0x688 */
	uint64_t last_exception_to;     /* 0x690 */
	uint8_t reserved_698[0x1000 - 0x698];
} __attribute__((packed));

struct vmcb {
	struct vmcb_control control;
	struct vmcb_state state;
} __attribute__((packed, aligned(4096)));

_Static_assert(offsetof(struct vmcb, control.iopm_base_pa) == 0x040, "vmcb layout");
_Static_assert(offsetof(struct vmcb, control.guest_asid) == 0x058, "vmcb layout");
_Static_assert(offsetof(struct vmcb, control.exit_code) == 0x070, "vmcb layout");
_Static_assert(offsetof(struct vmcb, control.event_injection) == 0x0a8, "vmcb layout");
_Static_assert(offsetof(struct vmcb, control.nested_cr3) == 0x0b0, "vmcb layout");
_Static_assert(offsetof(struct vmcb, control.next_rip) == 0x0c8, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.cs) == 0x410, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.tr) == 0x490, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.cpl) == 0x4cb, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.efer) == 0x4d0, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.cr4) == 0x548, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.rip) == 0x578, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.rsp) == 0x5d8, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.rax) == 0x5f8, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.cr2) == 0x640, "vmcb layout");
_Static_assert(offsetof(struct vmcb, state.g_pat) == 0x668, "vmcb layout");
_Static_assert(sizeof(struct vmcb) == 0x1000, "vmcb layout");

#endif
