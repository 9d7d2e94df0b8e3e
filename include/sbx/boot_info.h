/* What the hypervisor hands each partition at entry. */
#ifndef SBX_BOOT_INFO_H
#define SBX_BOOT_INFO_H

#include <stdint.h>

/* The securebox is entered in 64-bit mode at its ELF entry point with RDI = the
 * guest-physical address of this page. Its guest-physical space is [0, memory_size),
 * all of it its own RAM; the hypervisor has identity-mapped it in page tables that
 * live at the top of that space (from page_tables_start). */
#define SBX_SECUREBOX_BOOT_MAGIC 0x53424f42u   /* "BOBS" */
#define SBX_SECUREBOX_BOOT_INFO_VERSION 1

/* How much the securebox logs through SBX_HC_SECUREBOX_LOG (the policy's
 * "log securebox" statement). */
enum sbx_log_level {
	SBX_LOG_NONE = 0,
	SBX_LOG_ERRORS = 1,            /* rejected requests */
	SBX_LOG_INFO = 2,              /* also one line per request */
};

#define SBX_SEED_MAX 64
#define SBX_ROOT_SECRET_SIZE 32

/* Where the sealing root secret comes from (SECURITY.md says what each guarantees). */
enum sbx_root_secret_kind {
	SBX_ROOT_SECRET_NONE = 0,      /* no entropy at all: sealing refused */
	SBX_ROOT_SECRET_PER_BOOT = 1,  /* random for this boot: sealed data does not
	                                * survive a reboot */
	SBX_ROOT_SECRET_TPM = 2,       /* derived by the TPM from the measurements, with a
	                                * key only locality 2 can use */
};

/* What the hypervisor measured, for the securebox's reports. The hypervisor fills
 * the digests before the securebox starts, and the PCRs when it answers
 * SBX_HC_SECUREBOX_IDENTITY (they cover the identity key and the separators). */
struct sbx_securebox_measurements {
	uint32_t flags;                                   /* SBX_REPORT_FLAG_* */
	uint32_t reserved;
	uint8_t component_digests[6][32];                 /* enum sbx_measured_component */
	uint8_t pcrs[3][32];                              /* PCR 17, 18, 19, SHA-256 */
	uint8_t boot_id[16];
};

struct sbx_securebox_boot_info {
	uint32_t magic;
	uint32_t version;              /* 1 */
	uint64_t memory_size;
	uint64_t image_end;            /* first byte after the loaded ELF segments */
	uint64_t page_tables_start;    /* [image_end, page_tables_start) is free */
	uint32_t log_level;            /* enum sbx_log_level */
	uint32_t seed_size;            /* bytes of seed; 0: no entropy, refuse keys */
	uint8_t seed[SBX_SEED_MAX];    /* from TPM2_GetRandom, and RDRAND when the CPU
	                                * has it; the securebox wipes it after use */
	uint32_t root_secret_kind;     /* enum sbx_root_secret_kind */
	uint32_t reserved;
	uint8_t root_secret[SBX_ROOT_SECRET_SIZE];
	struct sbx_securebox_measurements measurements;
};

/* An ELF commodity guest (the test guest) is entered like a multiboot kernel: 32-bit
 * protected mode, paging off, flat segments, EAX = SBX_GUEST_BOOT_MAGIC, EBX = the
 * physical address of this structure (below 4 GiB). It describes the machine as the
 * guest sees it, and (for attack tests) where the protected ranges are. */
#define SBX_GUEST_BOOT_MAGIC 0x53425847u       /* "GXBS" */
#define SBX_GUEST_BOOT_INFO_VERSION 1
#define SBX_GUEST_MAX_RANGES 32

struct sbx_guest_range {
	uint64_t start;   /* inclusive */
	uint64_t end;     /* exclusive */
};

struct sbx_guest_boot_info {
	uint32_t magic;
	uint32_t version;                      /* 1 */
	uint32_t ram_count;                    /* RAM the guest owns */
	uint32_t hypervisor_count;             /* hypervisor memory, hidden */
	struct sbx_guest_range ram[SBX_GUEST_MAX_RANGES];
	struct sbx_guest_range hypervisor[SBX_GUEST_MAX_RANGES];
	struct sbx_guest_range securebox;      /* securebox memory, hidden */
	uint64_t tpm_base;                     /* TIS locality 0; 1-4 follow, hidden */
	char cmdline[256];                     /* the kernel module's arguments */
};

#endif
