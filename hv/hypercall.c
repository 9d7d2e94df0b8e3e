/* Hypercall dispatch and argument validation. Every buffer is checked by
 * hypercall_check_buffer against the caller's own RAM before a byte is copied. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "active_policy.h"
#include "console.h"
#include "event_log.h"
#include "launch.h"
#include "hypercall.h"
#include "hypercall_buffer.h"
#include "measured_launch.h"
#include "sbx/service.h"
#include "securebox.h"
#include "spinlock.h"

#define HYPERVISOR_VERSION ((0u << 16) | (1u << 8) | 0u)

/* Bounce buffers: the request is read from the caller exactly once, into here, and
 * from here into the securebox; the response takes the reverse path. One pair for
 * all CPUs, used under bounce_lock. */
static uint8_t request_copy[SBX_MESSAGE_MAX];
static uint8_t response_copy[SBX_MESSAGE_MAX];
static struct spinlock bounce_lock;

static enum sbx_status check(const struct partition *caller, uint64_t address, uint64_t size,
			     uint64_t limit)
{
	return hypercall_check_buffer(caller->ram, caller->ram_count, address, size, limit);
}

static bool allowed(const struct hypercall *call, enum policy_service service)
{
	enum policy_caller caller = call->from_user ? POLICY_CALLER_USER : POLICY_CALLER_KERNEL;

	return active_policy.allowed[caller] & (1u << service);
}

/* The service a securebox request asks for, read from the hypervisor's own copy so
 * that the caller cannot change it after the policy check. */
static bool securebox_service_allowed(const struct hypercall *call, const uint8_t *request)
{
	uint32_t service;

	memcpy(&service, request + offsetof(struct sbx_service_header, service), sizeof(service));
	switch (service) {
	case SBX_SERVICE_VERSION:
		return allowed(call, POLICY_SERVICE_SECUREBOX_VERSION);
	case SBX_SERVICE_ECHO:
		return allowed(call, POLICY_SERVICE_SECUREBOX_ECHO);
	case SBX_SERVICE_REPORT:
		return allowed(call, POLICY_SERVICE_SECUREBOX_REPORT);
	case SBX_SERVICE_KEY_CREATE:
		return allowed(call, POLICY_SERVICE_SECUREBOX_KEY_CREATE);
	case SBX_SERVICE_KEY_SIGN:
		return allowed(call, POLICY_SERVICE_SECUREBOX_KEY_SIGN);
	case SBX_SERVICE_KEY_PUBLIC:
		return allowed(call, POLICY_SERVICE_SECUREBOX_KEY_PUBLIC);
	case SBX_SERVICE_SEAL:
		return allowed(call, POLICY_SERVICE_SECUREBOX_SEAL);
	case SBX_SERVICE_UNSEAL:
		return allowed(call, POLICY_SERVICE_SECUREBOX_UNSEAL);
	}
	return false;
}

static void securebox_call_through_bounce(struct vcpu *vcpu, struct hypercall *call)
{
	struct partition *caller = vcpu->partition;
	uint64_t request = call->arguments[0], request_size = call->arguments[1];
	uint64_t response = call->arguments[2], capacity = call->arguments[3];
	uint64_t response_size = 0;

	call->status = check(caller, request, request_size, active_policy.max_request);
	if (call->status == SBX_OK)
		call->status = check(caller, response, capacity, active_policy.max_response);
	if (call->status != SBX_OK)
		return;
	if (request_size < sizeof(struct sbx_service_header)) {
		call->status = SBX_E_INVALID_ARGUMENT;
		return;
	}
	memcpy(request_copy, partition_pointer(caller, request), request_size);
	if (!securebox_service_allowed(call, request_copy)) {
		call->status = SBX_E_DENIED;
		return;
	}
	call->status = securebox_call(vcpu->cpu, request_copy, request_size, response_copy,
				      capacity, &response_size);
	if (call->status != SBX_OK)
		return;
	memcpy(partition_pointer(caller, response), response_copy, response_size);
	call->results[0] = response_size;
}

static void securebox_call_from(struct vcpu *vcpu, struct hypercall *call)
{
	spin_lock(&bounce_lock);
	securebox_call_through_bounce(vcpu, call);
	spin_unlock(&bounce_lock);
}

static void event_log_read(struct partition *caller, struct hypercall *call)
{
	uint64_t buffer = call->arguments[0], capacity = call->arguments[1];
	uint64_t offset = call->arguments[2], length;

	call->status = check(caller, buffer, capacity, SBX_MESSAGE_MAX);
	if (call->status != SBX_OK)
		return;
	if (offset > hypervisor_event_log.size) {
		call->status = SBX_E_INVALID_ARGUMENT;
		return;
	}
	length = hypervisor_event_log.size - offset;
	if (length > capacity)
		length = capacity;
	memcpy(partition_pointer(caller, buffer), hypervisor_event_log.buffer + offset, length);
	call->results[0] = length;
	call->results[1] = hypervisor_event_log.size;
}

static void exit_stats(struct partition *caller, struct hypercall *call)
{
	struct sbx_exit_stats stats = {
		.version = SBX_HYPERCALL_ABI_VERSION,
		.reason_count = SBX_EXIT_REASON_COUNT,
	};
	uint64_t buffer = call->arguments[0], capacity = call->arguments[1];

	if (capacity < sizeof(stats)) {
		call->status = SBX_E_INVALID_ARGUMENT;
		return;
	}
	call->status = check(caller, buffer, sizeof(stats), SBX_MESSAGE_MAX);
	if (call->status != SBX_OK)
		return;
	for (int p = 0; p < SBX_PARTITION_COUNT; p++)
		for (int r = 0; r < SBX_EXIT_REASON_COUNT; r++)
			stats.exits[p][r] = __atomic_load_n(&partitions[p].exits[r],
							    __ATOMIC_RELAXED);
	stats.commodity_vcpus = partitions[SBX_PARTITION_COMMODITY].vcpu_count;
	for (uint32_t v = 0; v < stats.commodity_vcpus; v++)
		stats.vcpu_exits[v] = __atomic_load_n(
			&partitions[SBX_PARTITION_COMMODITY].vcpus[v].exits, __ATOMIC_RELAXED);
	memcpy(partition_pointer(caller, buffer), &stats, sizeof(stats));
	call->results[0] = sizeof(stats);
}

/* The securebox names its two message pages once; they must be whole pages of its
 * own RAM and distinct. */
static enum run_outcome securebox_ready(struct partition *securebox, struct hypercall *call)
{
	uint64_t request = call->arguments[0], response = call->arguments[1];

	if (securebox->request_buffer)
		return partition_protocol_violation(securebox, "SECUREBOX_READY called twice");
	if (request % SBX_MESSAGE_MAX || response % SBX_MESSAGE_MAX || request == response ||
	    check(securebox, request, SBX_MESSAGE_MAX, SBX_MESSAGE_MAX) != SBX_OK ||
	    check(securebox, response, SBX_MESSAGE_MAX, SBX_MESSAGE_MAX) != SBX_OK)
		return partition_protocol_violation(securebox, "SECUREBOX_READY with bad buffers");
	securebox->request_buffer = request;
	securebox->response_buffer = response;
	securebox->state = PARTITION_WAITING;
	call->status = SBX_OK;
	return RUN_SECUREBOX_WAITING;
}

static enum run_outcome securebox_reply(struct partition *securebox, struct hypercall *call)
{
	if (!securebox->request_buffer)
		return partition_protocol_violation(securebox, "reply before SECUREBOX_READY");
	if (call->arguments[0] > SBX_MESSAGE_MAX)
		return partition_protocol_violation(securebox, "reply larger than a message");
	securebox->reply_size = call->arguments[0];
	securebox->state = PARTITION_WAITING;
	call->status = SBX_OK;
	return RUN_SECUREBOX_WAITING;
}

/* The securebox's console: one line of printable ASCII, for the hypervisor to show
 * when the policy's securebox log level asks for it (the securebox decides what
 * to send from the level in its boot information). */
static void securebox_log(struct partition *securebox, struct hypercall *call)
{
	uint64_t buffer = call->arguments[0], length = call->arguments[1];
	const char *text;

	call->status = check(securebox, buffer, length, SBX_LOG_MAX);
	if (call->status != SBX_OK)
		return;
	text = partition_pointer(securebox, buffer);
	printk("sbx: securebox: ");
	for (uint64_t i = 0; i < length; i++)
		printk("%c", text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?');
	printk("\n");
}

/* The securebox announces its identity public key, once and before it takes
 * requests; the hypervisor measures it into PCR 18 and closes the launch. */
static enum run_outcome securebox_identity(struct partition *securebox, struct hypercall *call)
{
	uint8_t key[SBX_PUBLIC_KEY_SIZE];

	if (securebox->request_buffer || launch.closed)
		return partition_protocol_violation(securebox,
						    "SECUREBOX_IDENTITY after READY or twice");
	if (check(securebox, call->arguments[0], sizeof(key), sizeof(key)) != SBX_OK)
		return partition_protocol_violation(securebox, "SECUREBOX_IDENTITY with a bad buffer");
	memcpy(key, partition_pointer(securebox, call->arguments[0]), sizeof(key));
	/* Only the uncompressed form is ever measured, so a key has one digest. */
	if (key[0] != 0x04)
		return partition_protocol_violation(securebox,
						    "SECUREBOX_IDENTITY with a compressed key");
	printk("sbx: securebox identity key ");
	print_hex(key, sizeof(key));
	printk("\n");
	launch_close(key, sizeof(key));
	securebox_record_pcrs(launch.pcrs);
	call->status = SBX_OK;
	return RUN_CONTINUE;
}

static enum run_outcome securebox_hypercall(struct partition *securebox, struct hypercall *call)
{
	switch (call->number) {
	case SBX_HC_VERSION:
		call->results[0] = SBX_HYPERCALL_ABI_VERSION;
		call->results[1] = HYPERVISOR_VERSION;
		return RUN_CONTINUE;
	case SBX_HC_SECUREBOX_READY:
		return securebox_ready(securebox, call);
	case SBX_HC_SECUREBOX_REPLY_WAIT:
		return securebox_reply(securebox, call);
	case SBX_HC_SECUREBOX_LOG:
		securebox_log(securebox, call);
		return RUN_CONTINUE;
	case SBX_HC_SECUREBOX_IDENTITY:
		return securebox_identity(securebox, call);
	case SBX_HC_SECUREBOX_CALL:
	case SBX_HC_EVENT_LOG_READ:
	case SBX_HC_EXIT_STATS:
		call->status = SBX_E_DENIED;
		return RUN_CONTINUE;
	}
	call->status = SBX_E_UNKNOWN_CALL;
	return RUN_CONTINUE;
}

/* Every commodity call is checked against the policy's allow lists; securebox
 * service requests are checked by service in securebox_call_from. */
static void commodity_hypercall(struct vcpu *vcpu, struct hypercall *call)
{
	struct partition *commodity = vcpu->partition;

	switch (call->number) {
	case SBX_HC_VERSION:
		if (!allowed(call, POLICY_SERVICE_HYPERVISOR_VERSION))
			break;
		call->results[0] = SBX_HYPERCALL_ABI_VERSION;
		call->results[1] = HYPERVISOR_VERSION;
		return;
	case SBX_HC_SECUREBOX_CALL:
		securebox_call_from(vcpu, call);
		return;
	case SBX_HC_EVENT_LOG_READ:
		if (!allowed(call, POLICY_SERVICE_HYPERVISOR_EVENT_LOG))
			break;
		event_log_read(commodity, call);
		return;
	case SBX_HC_EXIT_STATS:
		if (!allowed(call, POLICY_SERVICE_HYPERVISOR_EXIT_STATS))
			break;
		exit_stats(commodity, call);
		return;
	case SBX_HC_SECUREBOX_READY:
	case SBX_HC_SECUREBOX_REPLY_WAIT:
	case SBX_HC_SECUREBOX_LOG:
	case SBX_HC_SECUREBOX_IDENTITY:
		break;
	default:
		call->status = SBX_E_UNKNOWN_CALL;
		return;
	}
	call->status = SBX_E_DENIED;
}

enum run_outcome hypercall_dispatch(struct vcpu *vcpu, struct hypercall *call)
{
	struct partition *caller = vcpu->partition;
	enum run_outcome outcome = RUN_CONTINUE;

	call->status = SBX_OK;
	if (caller->id == SBX_PARTITION_SECUREBOX)
		outcome = securebox_hypercall(caller, call);
	else
		commodity_hypercall(vcpu, call);
	if (active_policy.hypervisor_log >= POLICY_LOG_INFO)
		printk("sbx: %s: hypercall 0x%lx%s: status %ld\n", caller->name, call->number,
		       call->from_user ? " from user space" : "", call->status);
	return outcome;
}
