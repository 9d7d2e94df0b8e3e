/* Hypercall buffer validation. The hypervisor checks, in order: size 0 →
 * SBX_E_INVALID_ARGUMENT; size above SBX_MESSAGE_MAX → SBX_E_TOO_LARGE; address
 * not 8-aligned → SBX_E_UNALIGNED; address + size overflowing, or the buffer not
 * wholly inside one of the caller's RAM ranges → SBX_E_BAD_ADDRESS. Every other
 * argument of each call here is valid, so only the buffer under test is wrong. */
#include "hypercall.h"
#include "report.h"
#include "scenarios.h"
#include "securebox_client.h"

#define ECHO_PAYLOAD_SIZE 8
#define OVERFLOWING_ADDRESS 0xfffffffffffffff8ull
#define OVERFLOWING_SIZE    16
#define END_OF_RAM_SIZE     64
#define EVENT_LOG_CAPACITY  256

/* One alignment unit longer than a message, so that the oversized and the
 * misaligned request still lie in our RAM: only the property under test is bad. */
static uint8_t request_bytes[SBX_MESSAGE_MAX + SBX_BUFFER_ALIGNMENT]
	__attribute__((aligned(SBX_BUFFER_ALIGNMENT)));
static struct securebox_message response;

static uint64_t request_size(void)
{
	return sizeof(struct sbx_service_header) + ECHO_PAYLOAD_SIZE;
}

static uint64_t align_up(uint64_t address)
{
	return (address + SBX_BUFFER_ALIGNMENT - 1) & ~(uint64_t)(SBX_BUFFER_ALIGNMENT - 1);
}

static bool expect(const char *what, uint64_t address, struct hypercall_result result,
		   int64_t expected)
{
	if (result.status == expected)
		return true;
	return fail("%s 0x%lx: %s (%ld), not %s", what, address,
		    sbx_status_name(result.status), result.status,
		    sbx_status_name(expected));
}

/* Our own request buffer always holds a valid ECHO request, so that a request
 * taken from it is wrong only in the way under test. */
static uint64_t valid_request(void)
{
	securebox_request((struct securebox_message *)request_bytes, SBX_SERVICE_ECHO,
			  ECHO_PAYLOAD_SIZE);
	return (uint64_t)request_bytes;
}

static bool securebox_call_with_request(const char *what, uint64_t address, uint64_t size,
					int64_t expected)
{
	valid_request();
	return expect(what, address,
		      hypercall(SBX_HC_SECUREBOX_CALL, address, size, (uint64_t)&response,
				sizeof(response)),
		      expected);
}

/* Every call that takes a buffer, pointed at `address`: the securebox request,
 * and the two the hypervisor would write itself. */
static bool every_buffer_refused(const char *what, uint64_t address)
{
	return securebox_call_with_request(what, address, request_size(), SBX_E_BAD_ADDRESS) &&
	       expect(what, address,
		      hypercall(SBX_HC_EVENT_LOG_READ, address, EVENT_LOG_CAPACITY, 0, 0),
		      SBX_E_BAD_ADDRESS) &&
	       expect(what, address,
		      hypercall(SBX_HC_EXIT_STATS, address, sizeof(struct sbx_exit_stats), 0, 0),
		      SBX_E_BAD_ADDRESS);
}

bool hypercall_buffer_hypervisor(void)
{
	if (!boot_info->hypervisor_count)
		return fail("the boot information lists no hypervisor memory");
	for (uint32_t i = 0; i < boot_info->hypervisor_count; i++)
		if (!every_buffer_refused("buffer in hypervisor memory at",
					  align_up(boot_info->hypervisor[i].start)))
			return false;
	return true;
}

bool hypercall_buffer_securebox(void)
{
	return every_buffer_refused("buffer in securebox memory at",
				    align_up(boot_info->securebox.start));
}

bool hypercall_buffer_end_of_ram(void)
{
	uint64_t end = 0;

	for (uint32_t i = 0; i < boot_info->ram_count; i++)
		if (boot_info->ram[i].end > end)
			end = boot_info->ram[i].end;
	return securebox_call_with_request("64-byte request 8 bytes before the end of RAM at",
					   (end - 8) & ~(uint64_t)(SBX_BUFFER_ALIGNMENT - 1),
					   END_OF_RAM_SIZE, SBX_E_BAD_ADDRESS);
}

bool hypercall_buffer_overflow(void)
{
	return securebox_call_with_request("16-byte request wrapping around from",
					   OVERFLOWING_ADDRESS, OVERFLOWING_SIZE,
					   SBX_E_BAD_ADDRESS);
}

bool hypercall_buffer_oversized(void)
{
	return securebox_call_with_request("request of SBX_MESSAGE_MAX + 1 bytes at",
					   (uint64_t)request_bytes, SBX_MESSAGE_MAX + 1,
					   SBX_E_TOO_LARGE);
}

bool hypercall_buffer_unaligned(void)
{
	return securebox_call_with_request("request at", (uint64_t)request_bytes + 1,
					   request_size(), SBX_E_UNALIGNED);
}

bool hypercall_response_hypervisor(void)
{
	if (!boot_info->hypervisor_count)
		return fail("the boot information lists no hypervisor memory");
	for (uint32_t i = 0; i < boot_info->hypervisor_count; i++) {
		uint64_t address = align_up(boot_info->hypervisor[i].start);

		if (!expect("response buffer in hypervisor memory at", address,
			    hypercall(SBX_HC_SECUREBOX_CALL, valid_request(), request_size(),
				      address, sizeof(response)),
			    SBX_E_BAD_ADDRESS))
			return false;
	}
	return true;
}
