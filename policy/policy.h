/* An sbx policy: what the commodity OS may touch and call, and how the hypervisor
 * reacts. One parser (policy/policy_parser.c) fills this structure, both inside the
 * hypervisor (freestanding) and in the host tool sbx-policy. The language is
 * specified in policy/README.md. Every field has a secure default (see
 * policy_defaults): what a file does not grant is denied. */
#ifndef SBX_POLICY_H
#define SBX_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_VERSION 1
#define POLICY_MAX_LINE 256          /* bytes, without the newline */
#define POLICY_MAX_SIZE 65536        /* bytes of policy text */
#define POLICY_MAX_RANGES 16         /* hide + read-only statements together */

#define POLICY_SECUREBOX_MEMORY_MIN (2ull << 20)
#define POLICY_SECUREBOX_MEMORY_MAX (64ull << 20)
#define POLICY_SECUREBOX_MEMORY_DEFAULT (4ull << 20)
#define POLICY_MESSAGE_MIN 16u       /* a service header */
#define POLICY_MESSAGE_MAX 4096u     /* SBX_MESSAGE_MAX */
#define POLICY_TPM_LOCALITY_COUNT 5  /* TIS localities 0-4 */
/* The language's bound on "cpus": the hypervisor's per-CPU arrays (CPU_TOPOLOGY_MAX)
 * hold this many, so no policy can ask for a CPU it has no room to track. A machine
 * may have fewer: the hypervisor refuses such a policy at launch. */
#define POLICY_CPUS_MAX 64

enum policy_caller {
	POLICY_CALLER_KERNEL,        /* the commodity OS at CPL 0 */
	POLICY_CALLER_USER,          /* the commodity OS at CPL 3 */
	POLICY_CALLER_COUNT
};

/* Everything a caller can ask for, as a bit in policy.allowed[caller]. */
enum policy_service {
	POLICY_SERVICE_HYPERVISOR_VERSION,    /* "hypervisor.version": SBX_HC_VERSION */
	POLICY_SERVICE_HYPERVISOR_EVENT_LOG,  /* "hypervisor.event-log": SBX_HC_EVENT_LOG_READ */
	POLICY_SERVICE_HYPERVISOR_EXIT_STATS, /* "hypervisor.exit-stats": SBX_HC_EXIT_STATS */
	POLICY_SERVICE_SECUREBOX_VERSION,     /* "securebox.version": SBX_SERVICE_VERSION */
	POLICY_SERVICE_SECUREBOX_ECHO,        /* "securebox.echo": SBX_SERVICE_ECHO */
	POLICY_SERVICE_SECUREBOX_REPORT,      /* "securebox.report": SBX_SERVICE_REPORT */
	POLICY_SERVICE_SECUREBOX_KEY_CREATE,  /* "securebox.key-create" */
	POLICY_SERVICE_SECUREBOX_KEY_SIGN,    /* "securebox.key-sign" */
	POLICY_SERVICE_SECUREBOX_KEY_PUBLIC,  /* "securebox.key-public" */
	POLICY_SERVICE_SECUREBOX_SEAL,        /* "securebox.seal" */
	POLICY_SERVICE_SECUREBOX_UNSEAL,      /* "securebox.unseal" */
	POLICY_SERVICE_COUNT
};

enum policy_range_kind {
	POLICY_RANGE_HIDDEN,         /* "hide": absent from the commodity's nested tables */
	POLICY_RANGE_READ_ONLY,      /* "read-only": mapped, not writable */
};

enum policy_violation {
	POLICY_VIOLATION_STOP,       /* "stop": stop the partition */
	POLICY_VIOLATION_FAULT,      /* "fault": inject #GP or #UD and let it continue */
};

enum policy_log_level {
	POLICY_LOG_NONE,             /* "none" */
	POLICY_LOG_ERRORS,           /* "errors": failures and violations */
	POLICY_LOG_INFO,             /* "info": also one line per request or hypercall */
};

struct policy_location {
	uint32_t line;               /* 1-based */
	uint32_t column;             /* 1-based, of the offending token */
};

struct policy_range {
	uint64_t start;              /* physical, 4 KiB aligned */
	uint64_t size;               /* 4 KiB multiple, > 0 */
	enum policy_range_kind kind;
	struct policy_location location;
};

struct policy {
	uint64_t securebox_memory;                      /* "securebox-memory" */
	uint32_t cpus;                                  /* "cpus": 1 to POLICY_CPUS_MAX */
	struct policy_location cpus_location;           /* line 0: no "cpus" statement */
	uint32_t range_count;
	struct policy_range ranges[POLICY_MAX_RANGES];  /* "hide", "read-only" */
	uint8_t tpm_localities;                         /* "tpm-localities": bit n = locality n */
	bool user_hypercalls;                           /* "user-hypercalls allow|deny" */
	uint32_t allowed[POLICY_CALLER_COUNT];          /* "allow": bit = enum policy_service */
	uint32_t max_request;                           /* "max-request" */
	uint32_t max_response;                          /* "max-response" */
	enum policy_violation commodity_violation;      /* "on-violation commodity" */
	enum policy_violation securebox_violation;      /* "on-violation securebox" */
	enum policy_log_level hypervisor_log;           /* "log hypervisor" */
	enum policy_log_level securebox_log;            /* "log securebox" */
};

struct policy_error {
	struct policy_location location;   /* line 0: the file as a whole */
	const char *message;               /* static text */
};

/* The defaults: securebox-memory 4M, cpus 1, no extra ranges, tpm-localities 0,
 * user-hypercalls deny, nothing allowed, max-request and max-response 4096,
 * on-violation stop for both partitions, log errors for both. */
void policy_defaults(struct policy *policy);

/* Parses `size` bytes of policy text. Returns 0 and fills `policy`, or -1 and fills
 * `error` with the first problem; `policy` is then unspecified. Reads no byte
 * beyond `size`; `text` need not be NUL-terminated. A parsed range always ends below
 * 2^64, so `start + size` never overflows. */
int policy_parse(const char *text, size_t size, struct policy *policy, struct policy_error *error);

/* Second stage, once the hypervisor knows its memory: a range may not overlap any of
 * `protected` (hypervisor and securebox memory), each given as { start, end } with
 * `end` exclusive (an empty pair protects nothing). Returns 0, or -1 with `error`
 * pointing at the offending statement (the first range, in file order, that
 * overlaps). */
int policy_check_ranges(const struct policy *policy, const uint64_t (*protected)[2],
			size_t protected_count, struct policy_error *error);

/* The words of the language, e.g. "securebox.echo", "kernel", "fault", "errors";
 * "unknown" for a value outside the enum. */
const char *policy_service_name(enum policy_service service);
const char *policy_caller_name(enum policy_caller caller);
const char *policy_violation_name(enum policy_violation violation);
const char *policy_log_level_name(enum policy_log_level level);

#endif
