/* Hypercall dispatch and argument validation. Every buffer is checked by
 * hypercall_check_buffer against the caller's own RAM before a byte is copied. */
#include <stdbool.h>
#include <string.h>

#include "console.h"
#include "event_log.h"
#include "hypercall.h"
#include "hypercall_buffer.h"
#include "measured_launch.h"
#include "securebox.h"

#define HYPERVISOR_VERSION ((0u << 16) | (1u << 8) | 0u)

/* Bounce buffers: the request is read from the caller exactly once, into here, and
 * from here into the securebox; the response takes the reverse path. */
static uint8_t request_copy[SBX_MESSAGE_MAX];
static uint8_t response_copy[SBX_MESSAGE_MAX];

static enum sbx_status check(const struct partition *caller, uint64_t address, uint64_t size,
			     uint64_t limit)
{
	return hypercall_check_buffer(caller->ram, caller->ram_count, address, size, limit);
}

static void securebox_call_from(struct partition *caller, struct hypercall *call)
{
	uint64_t request = call->arguments[0], request_size = call->arguments[1];
	uint64_t response = call->arguments[2], capacity = call->arguments[3];
	uint64_t response_size = 0;

	call->status = check(caller, request, request_size, SBX_MESSAGE_MAX);
	if (call->status == SBX_OK)
		call->status = check(caller, response, capacity, SBX_MESSAGE_MAX);
	if (call->status != SBX_OK)
		return;
	memcpy(request_copy, partition_pointer(caller, request), request_size);
	call->status = securebox_call(request_copy, request_size, response_copy, capacity,
				      &response_size);
	if (call->status != SBX_OK)
		return;
	memcpy(partition_pointer(caller, response), response_copy, response_size);
	call->results[0] = response_size;
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
		memcpy(stats.exits[p], partitions[p].exits, sizeof(stats.exits[p]));
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

enum run_outcome hypercall_dispatch(struct partition *caller, struct hypercall *call)
{
	bool from_securebox = caller->id == SBX_PARTITION_SECUREBOX;

	call->status = SBX_OK;
	switch (call->number) {
	case SBX_HC_VERSION:
		call->results[0] = SBX_HYPERCALL_ABI_VERSION;
		call->results[1] = HYPERVISOR_VERSION;
		return RUN_CONTINUE;
	case SBX_HC_SECUREBOX_CALL:
		if (from_securebox)
			call->status = SBX_E_DENIED;
		else
			securebox_call_from(caller, call);
		return RUN_CONTINUE;
	case SBX_HC_EVENT_LOG_READ:
		event_log_read(caller, call);
		return RUN_CONTINUE;
	case SBX_HC_EXIT_STATS:
		exit_stats(caller, call);
		return RUN_CONTINUE;
	case SBX_HC_SECUREBOX_READY:
		if (!from_securebox)
			break;
		return securebox_ready(caller, call);
	case SBX_HC_SECUREBOX_REPLY_WAIT:
		if (!from_securebox)
			break;
		return securebox_reply(caller, call);
	default:
		call->status = SBX_E_UNKNOWN_CALL;
		return RUN_CONTINUE;
	}
	call->status = SBX_E_DENIED;
	return RUN_CONTINUE;
}
