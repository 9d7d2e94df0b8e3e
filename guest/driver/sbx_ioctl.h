/* The ioctl ABI of /dev/sbx (sbx.ko), shared by the driver and sbxctl. Every
 * ioctl returns 0 once the hypercall was made, whatever its outcome: the
 * hypervisor's own status (enum sbx_status, include/sbx/hypercall.h) is in
 * `status`, so that a caller can name it. A negative return with errno is the
 * driver's own failure: EINVAL for a size out of range, EFAULT for a bad user
 * pointer, ENOMEM, EIO for a size from the hypervisor beyond the buffer given.
 * Pointers travel as __u64 so that the layout is one for all. */
#ifndef SBX_IOCTL_H
#define SBX_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SBX_DEVICE "/dev/sbx"

/* SBX_HC_SECUREBOX_CALL: request and response are at most SBX_MESSAGE_MAX. */
struct sbx_ioc_call {
	__u64 request;             /* in: user address of the request bytes */
	__u64 response;            /* in: user address of the response buffer */
	__u32 request_size;        /* in: 1..SBX_MESSAGE_MAX */
	__u32 response_capacity;   /* in: 1..SBX_MESSAGE_MAX */
	__u32 response_size;       /* out: bytes of the response written */
	__s32 status;              /* out: enum sbx_status */
};

/* SBX_HC_EVENT_LOG_READ: one chunk of the hypervisor's event log. */
struct sbx_ioc_event_log {
	__u64 buffer;              /* in: user address */
	__u32 capacity;            /* in: 1..SBX_MESSAGE_MAX */
	__u32 offset;              /* in: into the log */
	__u32 copied;              /* out: bytes copied into buffer */
	__u32 log_size;            /* out: the whole log's size */
	__s32 status;              /* out: enum sbx_status */
	__u32 reserved;
};

/* SBX_HC_EXIT_STATS: the counts land in `stats` (a struct sbx_exit_stats). */
struct sbx_ioc_exit_stats {
	__u64 stats;               /* in: user address */
	__u32 capacity;            /* in: >= sizeof(struct sbx_exit_stats) */
	__u32 size;                /* out: bytes written */
	__s32 status;              /* out: enum sbx_status */
	__u32 reserved;
};

/* SBX_HC_VERSION. */
struct sbx_ioc_version {
	__u64 abi_version;         /* out: SBX_HYPERCALL_ABI_VERSION */
	__u64 hypervisor_version;  /* out: major << 16 | minor << 8 | patch */
	__s32 status;              /* out: enum sbx_status */
	__u32 reserved;
};

#define SBX_IOC_MAGIC 0xb5
#define SBX_IOC_SECUREBOX_CALL _IOWR(SBX_IOC_MAGIC, 1, struct sbx_ioc_call)
#define SBX_IOC_EVENT_LOG      _IOWR(SBX_IOC_MAGIC, 2, struct sbx_ioc_event_log)
#define SBX_IOC_EXIT_STATS     _IOWR(SBX_IOC_MAGIC, 3, struct sbx_ioc_exit_stats)
#define SBX_IOC_VERSION        _IOR(SBX_IOC_MAGIC, 4, struct sbx_ioc_version)

#endif
