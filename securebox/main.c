/* The securebox: a server that waits for a request, handles it and replies, for
 * ever. It owns no device and takes no interrupt; the only way in or out is the
 * hypercall the hypervisor returns from with the next request. */
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "heap.h"
#include "hypercall.h"
#include "log.h"
#include "sbx/boot_info.h"
#include "sbx/hypercall.h"
#include "sbx/service.h"
#include "secret.h"
#include "service.h"

/* Page aligned, as SBX_HC_SECUREBOX_READY requires. The identity map makes their
 * addresses their guest-physical addresses. */
static uint8_t request[SBX_MESSAGE_MAX] __attribute__((aligned(4096)));
static uint8_t response[SBX_MESSAGE_MAX] __attribute__((aligned(4096)));

static struct service_context context;

/* There is no console to complain on: an invalid-opcode exception makes the
 * hypervisor stop the securebox and report why (and where, from RIP). */
static _Noreturn void stop(void)
{
	for (;;)
		__asm__ volatile("ud2");
}

/* free() of a pointer the heap never handed out (calloc.c). */
void heap_corrupted(const void *pointer)
{
	(void)pointer;
	stop();
}

/* Has the hypervisor extend the identity key into PCR 18 and close PCRs 17-19; it
 * then writes their values into the boot information. This must precede
 * SBX_HC_SECUREBOX_READY, so the key is measured before any caller can ask for a
 * report. Without a key (no entropy) there is nothing to measure and the
 * hypervisor is not asked. A refusal means a hypervisor this securebox was not
 * built for: stop rather than sign reports with a key no PCR vouches for. */
static void measure_identity(void)
{
	if (context.identity.status != SBX_SERVICE_OK)
		return;
	if (hypercall(SBX_HC_SECUREBOX_IDENTITY, (uintptr_t)context.identity.key.public_key,
		      0).status != SBX_OK)
		stop();
}

/* Called from entry.S, on our own stack. A wrong boot information magic or version
 * means a hypervisor this securebox was not built for: stop rather than guess. */
_Noreturn void securebox_main(struct sbx_securebox_boot_info *boot_info)
{
	struct hypercall_result next;
	size_t request_size, response_size;

	if (boot_info->magic != SBX_SECUREBOX_BOOT_MAGIC ||
	    boot_info->version != SBX_SECUREBOX_BOOT_INFO_VERSION)
		stop();
	secret_generate();
	service_context_init(&context, boot_info);
	measure_identity();
	service_context_bind(&context, boot_info);

	/* Both calls return with the next request in `request`, its size in RDI. */
	next = hypercall(SBX_HC_SECUREBOX_READY, (uintptr_t)request, (uintptr_t)response);
	for (;;) {
		/* A failed wait delivered no request, and a size beyond the buffer
		 * cannot be right: answer either as an empty request, so the reply
		 * is still well formed (E_MALFORMED). */
		request_size = next.rdi;
		if (next.status != SBX_OK || request_size > SBX_MESSAGE_MAX)
			request_size = 0;
		response_size = service_handle(&context, request, request_size, response);
		log_request(boot_info->log_level, request, request_size, response);
		next = hypercall(SBX_HC_SECUREBOX_REPLY_WAIT, response_size, 0);
	}
}
