/* The sbx hypercall ABI, shared by the hypervisor, the securebox, the test guest and
 * (later) the commodity OS's driver and tools.
 *
 * A hypercall is VMMCALL with RAX = call number and arguments in RDI, RSI, RDX, R10.
 * On return RAX holds the status (SBX_OK or a negative SBX_E_*), and results come
 * back in RDI and RSI. Every other register is preserved. Buffers are given by
 * guest-physical address and must lie wholly in one range of the caller's own RAM
 * below 4 GiB, be aligned to SBX_BUFFER_ALIGNMENT and be no larger than the call's
 * limit. A caller at CPL 3
 * gets #UD; an unknown call gets SBX_E_UNKNOWN_CALL. */
#ifndef SBX_HYPERCALL_H
#define SBX_HYPERCALL_H

#include <stdint.h>

/* 2: struct sbx_exit_stats gained the per-vCPU counts of the commodity partition. */
#define SBX_HYPERCALL_ABI_VERSION 2

#define SBX_MESSAGE_MAX       4096u   /* request and response size limit */
#define SBX_BUFFER_ALIGNMENT  8u

enum sbx_hypercall {
	/* Commodity OS -> hypervisor. */
	SBX_HC_VERSION = 0x0001,
	/* out: RDI = SBX_HYPERCALL_ABI_VERSION, RSI = hypervisor version
	 * (major << 16 | minor << 8 | patch). */

	SBX_HC_SECUREBOX_CALL = 0x0002,
	/* in: RDI = request address, RSI = request size (1..SBX_MESSAGE_MAX),
	 *     RDX = response address, R10 = response capacity (1..SBX_MESSAGE_MAX).
	 * The hypervisor copies the request into the securebox once, runs it until
	 * it replies, and copies the reply back. out: RDI = response size. */

	SBX_HC_EVENT_LOG_READ = 0x0003,
	/* in: RDI = buffer address, RSI = capacity (1..SBX_MESSAGE_MAX), RDX = offset
	 * into the hypervisor's event log. out: RDI = bytes copied, RSI = log size. */

	SBX_HC_EXIT_STATS = 0x0004,
	/* in: RDI = buffer address, RSI = capacity (>= sizeof(struct sbx_exit_stats)).
	 * out: RDI = bytes written (a struct sbx_exit_stats). */

	/* Securebox -> hypervisor. */
	SBX_HC_SECUREBOX_READY = 0x0100,
	/* in: RDI = request buffer, RSI = response buffer, both in securebox memory,
	 * page aligned, SBX_MESSAGE_MAX bytes each. Returns when the first request
	 * has been copied into the request buffer: RAX = SBX_OK, RDI = its size. */

	SBX_HC_SECUREBOX_REPLY_WAIT = 0x0101,
	/* in: RDI = response size (bytes of the response buffer to deliver).
	 * Returns with the next request, as SBX_HC_SECUREBOX_READY does. */

	SBX_HC_SECUREBOX_LOG = 0x0102,
	/* in: RDI = text address, RSI = length (1..SBX_LOG_MAX). The hypervisor prints
	 * it as one console line, non-printable bytes shown as '?'. */

	SBX_HC_SECUREBOX_IDENTITY = 0x0103,
	/* in: RDI = address of the identity public key (SBX_PUBLIC_KEY_SIZE bytes,
	 * uncompressed P-256). Once, before SBX_HC_SECUREBOX_READY. The hypervisor
	 * extends its SHA-256 into PCR 18, closes PCRs 17-19 with separators, and fills
	 * the PCR values into the boot information's measurements. */
};

#define SBX_LOG_MAX 128u

enum sbx_status {
	SBX_OK = 0,
	SBX_E_UNKNOWN_CALL = -1,      /* no such hypercall */
	SBX_E_INVALID_ARGUMENT = -2,  /* a size of zero, an offset past the end... */
	SBX_E_BAD_ADDRESS = -3,       /* a buffer not wholly inside the caller's own RAM */
	SBX_E_TOO_LARGE = -4,         /* a size above the call's limit */
	SBX_E_UNALIGNED = -5,         /* a buffer not aligned to SBX_BUFFER_ALIGNMENT */
	SBX_E_DENIED = -6,            /* this caller may not make this call (policy) */
	SBX_E_UNAVAILABLE = -7,       /* the securebox is not running */
	SBX_E_RESPONSE_TOO_LARGE = -8,/* the securebox's reply exceeds the capacity given */
};

/* Exit counts by reason, per partition, as SBX_HC_EXIT_STATS returns them. */
enum sbx_exit_reason {
	SBX_EXIT_CPUID,
	SBX_EXIT_MSR,
	SBX_EXIT_VMMCALL,
	SBX_EXIT_NESTED_PAGE_FAULT,
	SBX_EXIT_SHUTDOWN,
	SBX_EXIT_SVM_INSTRUCTION,     /* VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA */
	SBX_EXIT_EXCEPTION,
	SBX_EXIT_IO,
	SBX_EXIT_HLT,
	SBX_EXIT_INTERRUPT,
	SBX_EXIT_OTHER,
	SBX_EXIT_REASON_COUNT
};

enum sbx_partition_id {
	SBX_PARTITION_COMMODITY,
	SBX_PARTITION_SECUREBOX,
	SBX_PARTITION_COUNT
};

/* The most CPUs the hypervisor runs, and so the most vCPUs a partition has. */
#define SBX_MAX_CPUS 64

struct sbx_exit_stats {
	uint32_t version;             /* SBX_HYPERCALL_ABI_VERSION */
	uint32_t reason_count;        /* SBX_EXIT_REASON_COUNT */
	uint64_t exits[SBX_PARTITION_COUNT][SBX_EXIT_REASON_COUNT];
	/* The commodity partition's vCPUs (vCPU n is Linux's CPU n, in MADT order):
	 * how many the policy gives it, and each one's exits, of every reason. A vCPU
	 * the commodity OS has not started yet has none. */
	uint32_t commodity_vcpus;
	uint32_t reserved;            /* 0 */
	uint64_t vcpu_exits[SBX_MAX_CPUS];
};

#endif
