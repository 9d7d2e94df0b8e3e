/* The hypercall ABI as the commodity partition sees it: what it may call, what
 * it may not, and from which privilege level. */
#include <string.h>

#include "exceptions.h"
#include "hypercall.h"
#include "probe.h"
#include "report.h"
#include "scenarios.h"
#include "securebox_client.h"

#define UNKNOWN_HYPERCALL 0x7777
#define ECHO_PAYLOAD_SIZE 200
#define VMMCALL_LENGTH    3
#define EVENT_LOG_SIGNATURE_OFFSET 32   /* after TCG_PCClientPCREvent's fixed fields */
#define EVENT_LOG_SIGNATURE "Spec ID Event03"   /* 16 bytes with its NUL, as logged */

#define PRESERVED_REGISTER_COUNT 12

/* In the bit order of hypercall_changed_registers(). */
static const char *const preserved_register_names[PRESERVED_REGISTER_COUNT] = {
	"RBX", "RCX", "RDX", "RBP", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
};

static uint8_t request_page[4096] __attribute__((aligned(4096)));
static uint8_t response_page[4096] __attribute__((aligned(4096)));
static uint8_t event_log[4096] __attribute__((aligned(SBX_BUFFER_ALIGNMENT)));
static struct sbx_exit_stats stats;

static bool expect_status(const char *call, struct hypercall_result result, int64_t expected)
{
	if (result.status == expected)
		return true;
	return fail("%s returned %s (%ld), not %s", call, sbx_status_name(result.status),
		    result.status, sbx_status_name(expected));
}

bool null_hypercall(void)
{
	struct hypercall_result result = hypercall(SBX_HC_VERSION, 0, 0, 0, 0);
	uint64_t changed;
	unsigned count = 0, first = 0;

	if (!expect_status("SBX_HC_VERSION", result, SBX_OK))
		return false;
	if (result.rdi != SBX_HYPERCALL_ABI_VERSION)
		return fail("SBX_HC_VERSION reports ABI version %lu, not %u", result.rdi,
			    SBX_HYPERCALL_ABI_VERSION);

	changed = hypercall_changed_registers(SBX_HC_VERSION);
	for (unsigned i = 0; i < PRESERVED_REGISTER_COUNT; i++)
		if (changed & (1ull << i) && !count++)
			first = i;
	if (count == 1)
		return fail("SBX_HC_VERSION changed %s, which the ABI preserves",
			    preserved_register_names[first]);
	if (count)
		return fail("SBX_HC_VERSION changed %s and %u more registers the ABI preserves",
			    preserved_register_names[first], count - 1);
	return true;
}

bool securebox_echo(void)
{
	return check_securebox_version() && check_securebox_echo(ECHO_PAYLOAD_SIZE);
}

bool securebox_still_answers(void)
{
	return check_securebox_echo(ECHO_PAYLOAD_SIZE);
}

bool cpl3_hypercall(void)
{
	uint64_t vmmcall = (uint64_t)user_vmmcall_instruction;
	unsigned result = probe_user_vmmcall(SBX_HC_VERSION);

	if (result == VECTOR_GP && last_fault.rip == vmmcall + VMMCALL_LENGTH)
		return fail("VMMCALL in ring 3 returned to ring 3 instead of raising #UD");
	if (result != VECTOR_UD)
		return fail("ring 3 VMMCALL ended with vector %u at 0x%lx, not #UD", result,
			    last_fault.rip);
	if (last_fault.rip != vmmcall)
		return fail("#UD at 0x%lx, not at the VMMCALL (0x%lx)", last_fault.rip, vmmcall);
	if ((last_fault.cs & 3) != 3)
		return fail("#UD taken with CS 0x%lx, not in ring 3", last_fault.cs);
	return true;
}

bool unknown_hypercall(void)
{
	return expect_status("hypercall 0x7777", hypercall(UNKNOWN_HYPERCALL, 0, 0, 0, 0),
			     SBX_E_UNKNOWN_CALL);
}

/* Our own pages as arguments: were the calls accepted, the hypervisor would
 * write to nothing but commodity memory. */
bool securebox_only_hypercall(void)
{
	return expect_status("SBX_HC_SECUREBOX_READY",
			     hypercall(SBX_HC_SECUREBOX_READY, (uint64_t)request_page,
				       (uint64_t)response_page, 0, 0),
			     SBX_E_DENIED) &&
	       expect_status("SBX_HC_SECUREBOX_REPLY_WAIT",
			     hypercall(SBX_HC_SECUREBOX_REPLY_WAIT, 0, 0, 0, 0), SBX_E_DENIED);
}

bool event_log_read(void)
{
	struct hypercall_result result;
	uint64_t copied, total;

	result = hypercall(SBX_HC_EVENT_LOG_READ, (uint64_t)event_log, sizeof(event_log), 0, 0);
	if (!expect_status("SBX_HC_EVENT_LOG_READ at offset 0", result, SBX_OK))
		return false;
	copied = result.rdi;
	total = result.rsi;
	if (!total || !copied)
		return fail("the event log has %lu bytes, %lu copied", total, copied);
	if (copied > sizeof(event_log) || copied > total)
		return fail("%lu bytes copied into %lu of a %lu-byte log", copied,
			    sizeof(event_log), total);
	if (copied < EVENT_LOG_SIGNATURE_OFFSET + sizeof(EVENT_LOG_SIGNATURE) ||
	    memcmp(event_log + EVENT_LOG_SIGNATURE_OFFSET, EVENT_LOG_SIGNATURE,
		   sizeof(EVENT_LOG_SIGNATURE)))
		return fail("the event log does not start with a Spec ID Event03 header");

	result = hypercall(SBX_HC_EVENT_LOG_READ, (uint64_t)event_log, sizeof(event_log),
			   total + 1, 0);
	return expect_status("SBX_HC_EVENT_LOG_READ past the end", result,
			     SBX_E_INVALID_ARGUMENT);
}

/* Run after the attacks, so the commodity has caused nested page faults. */
bool exit_stats(void)
{
	struct hypercall_result result;
	const uint64_t *commodity = stats.exits[SBX_PARTITION_COMMODITY];
	const uint64_t *securebox = stats.exits[SBX_PARTITION_SECUREBOX];

	memset(&stats, 0, sizeof(stats));
	result = hypercall(SBX_HC_EXIT_STATS, (uint64_t)&stats, sizeof(stats), 0, 0);
	if (!expect_status("SBX_HC_EXIT_STATS", result, SBX_OK))
		return false;
	if (result.rdi != sizeof(stats))
		return fail("SBX_HC_EXIT_STATS wrote %lu bytes, not %lu", result.rdi, sizeof(stats));
	if (stats.version != SBX_HYPERCALL_ABI_VERSION ||
	    stats.reason_count != SBX_EXIT_REASON_COUNT)
		return fail("version %u reason_count %u, expected %u and %u", stats.version,
			    stats.reason_count, SBX_HYPERCALL_ABI_VERSION, SBX_EXIT_REASON_COUNT);
	if (!commodity[SBX_EXIT_VMMCALL] || !commodity[SBX_EXIT_NESTED_PAGE_FAULT] ||
	    !securebox[SBX_EXIT_VMMCALL])
		return fail("commodity VMMCALL %lu, commodity NPF %lu, securebox VMMCALL %lu: "
			    "each should be > 0",
			    commodity[SBX_EXIT_VMMCALL], commodity[SBX_EXIT_NESTED_PAGE_FAULT],
			    securebox[SBX_EXIT_VMMCALL]);
	return true;
}
