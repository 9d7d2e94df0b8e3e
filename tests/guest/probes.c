#include <stdint.h>
#include <string.h>

#include <sbx/hypercall.h>
#include <sbx/service.h>

#include "console.h"
#include "fw_cfg.h"
#include "hypercall.h"
#include "probe.h"
#include "probes.h"
#include "securebox_client.h"

#define PROBE_PREFIX "probe-"

static struct securebox_message request, response;
static uint8_t buffer[SBX_MESSAGE_MAX] __attribute__((aligned(SBX_BUFFER_ALIGNMENT)));

/* Parses the digits after `text` up to the end of the word, in `base` (10 or 16,
 * hexadecimal with or without 0x). Returns false on anything else. */
static bool parse_number(const char *text, size_t length, unsigned base, uint64_t *value)
{
	*value = 0;
	if (base == 16 && length > 2 && text[0] == '0' && text[1] == 'x') {
		text += 2;
		length -= 2;
	}
	if (length == 0)
		return false;
	for (size_t i = 0; i < length; i++) {
		char c = text[i];
		unsigned digit;

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else
			return false;
		*value = *value * base + digit;
	}
	return true;
}

static void print_fault_or_ok(const char *word, unsigned result)
{
	if (result == PROBE_NO_FAULT)
		print("sbx-test: probe %s: ok\n", word);
	else
		print("sbx-test: probe %s: fault %u\n", word, result);
}

static void print_status(const char *word, int64_t status)
{
	print("sbx-test: probe %s: %s\n", word, sbx_status_name(status));
}

static int64_t echo(uint64_t request_size, uint64_t response_capacity)
{
	securebox_request(&request, SBX_SERVICE_ECHO,
			  request_size > sizeof(request.header) ?
			  (uint32_t)(request_size - sizeof(request.header)) : 0);
	return hypercall(SBX_HC_SECUREBOX_CALL, (uint64_t)&request, request_size,
			 (uint64_t)&response, response_capacity).status;
}

static int64_t use_service(const char *name, size_t length)
{
	static const struct {
		const char *name;
		uint64_t number;
		uint32_t securebox_service;
	} services[] = {
		{ "hypervisor.version", SBX_HC_VERSION, 0 },
		{ "hypervisor.event-log", SBX_HC_EVENT_LOG_READ, 0 },
		{ "hypervisor.exit-stats", SBX_HC_EXIT_STATS, 0 },
		{ "securebox.version", SBX_HC_SECUREBOX_CALL, SBX_SERVICE_VERSION },
		{ "securebox.echo", SBX_HC_SECUREBOX_CALL, SBX_SERVICE_ECHO },
	};

	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		if (strlen(services[i].name) != length || memcmp(services[i].name, name, length))
			continue;
		if (services[i].securebox_service) {
			securebox_request(&request, services[i].securebox_service, 0);
			return securebox_call(&request, &response).status;
		}
		return hypercall(services[i].number, (uint64_t)buffer, sizeof(buffer), 0, 0).status;
	}
	return SBX_E_INVALID_ARGUMENT;
}

/* Two hex digits a byte; returns the byte count, or -1. */
static int parse_bytes(const char *text, size_t length, uint8_t *out, size_t capacity)
{
	if (length % 2 || length / 2 > capacity)
		return -1;
	for (size_t i = 0; i < length / 2; i++) {
		uint64_t byte;

		if (!parse_number(text + 2 * i, 2, 16, &byte))
			return -1;
		out[i] = (uint8_t)byte;
	}
	return (int)(length / 2);
}

/* SEAL or UNSEAL `text` (hex); prints the answer's payload in hex, or why not. */
static void seal_probe(const char *word, uint32_t service, const char *text, size_t length)
{
	struct hypercall_result result;
	int size = parse_bytes(text, length, request.payload, sizeof(request.payload));

	if (size < 0) {
		print("sbx-test: probe %s: not understood\n", word);
		return;
	}
	securebox_request(&request, service, (uint32_t)size);
	result = securebox_call(&request, &response);
	if (result.status != SBX_OK) {
		print_status(word, result.status);
		return;
	}
	if (response.header.status != SBX_SERVICE_OK) {
		print("sbx-test: probe %s: service status %d\n", word, response.header.status);
		return;
	}
	print("sbx-test: probe %s: %s ", word, service == SBX_SERVICE_SEAL ? "blob" : "data");
	print_hex(response.payload, response.header.length);
	print("\n");
}

static bool word_starts(const char *word, size_t length, const char *prefix, size_t *value_at)
{
	size_t size = strlen(prefix);

	if (length < size || memcmp(word, prefix, size))
		return false;
	*value_at = size;
	return true;
}

static void run_probe(const char *word, size_t length)
{
	size_t at;
	uint64_t value;
	uint8_t byte;

	if (word_starts(word, length, "probe-read=", &at) &&
	    parse_number(word + at, length - at, 16, &value))
		print_fault_or_ok(word, probe_read8(value, &byte));
	else if (word_starts(word, length, "probe-write=", &at) &&
		 parse_number(word + at, length - at, 16, &value))
		print_fault_or_ok(word, probe_write8(value, 0x5a));
	else if (length == strlen("probe-user-hypercall") &&
		 !memcmp(word, "probe-user-hypercall", length))
		/* #UD: refused; anything else (the HLT after it faulting in ring 3):
		 * the hypervisor returned to user space. */
		print("sbx-test: probe %s: %s\n", word,
		      probe_user_vmmcall(SBX_HC_VERSION) == 6 ? "ud" : "returned");
	else if (word_starts(word, length, "probe-service=", &at))
		print_status(word, use_service(word + at, length - at));
	else if (word_starts(word, length, "probe-request=", &at) &&
		 parse_number(word + at, length - at, 10, &value))
		print_status(word, echo(value, sizeof(response)));
	else if (word_starts(word, length, "probe-seal=", &at))
		seal_probe(word, SBX_SERVICE_SEAL, word + at, length - at);
	else if (word_starts(word, length, "probe-unseal=", &at))
		seal_probe(word, SBX_SERVICE_UNSEAL, word + at, length - at);
	else if (length == strlen("probe-unseal-fw-cfg") &&
		 !memcmp(word, "probe-unseal-fw-cfg", length)) {
		static char blob[2 * SBX_MESSAGE_MAX + 1];
		int size = fw_cfg_read_file("opt/sbx/blob", blob, sizeof(blob));

		if (size < 0)
			print("sbx-test: probe %s: no blob\n", word);
		else
			seal_probe(word, SBX_SERVICE_UNSEAL, blob, (size_t)size);
	} else if (word_starts(word, length, "probe-response=", &at) &&
		 parse_number(word + at, length - at, 10, &value))
		print_status(word, echo(sizeof(request.header) + 8, value));
	else
		print("sbx-test: probe %s: not understood\n", word);
}

/* Calls `each` for every blank-separated word starting with "probe-". */
static void for_each_probe(const char *cmdline, size_t capacity,
			   void (*each)(const char *word, size_t length, bool *found), bool *found)
{
	char word[256];
	size_t i = 0;

	while (i < capacity && cmdline[i]) {
		size_t start, length;

		while (i < capacity && cmdline[i] == ' ')
			i++;
		start = i;
		while (i < capacity && cmdline[i] && cmdline[i] != ' ')
			i++;
		length = i - start;
		if (length > strlen(PROBE_PREFIX) && length < sizeof(word) &&
		    !memcmp(cmdline + start, PROBE_PREFIX, strlen(PROBE_PREFIX))) {
			memcpy(word, cmdline + start, length);
			word[length] = '\0';
			each(word, length, found);
		}
	}
}

static void note(const char *word, size_t length, bool *found)
{
	(void)word;
	(void)length;
	*found = true;
}

static void run(const char *word, size_t length, bool *found)
{
	(void)found;
	run_probe(word, length);
}

bool probes_requested(const char *cmdline, size_t capacity)
{
	bool found = false;

	for_each_probe(cmdline, capacity, note, &found);
	return found;
}

void probes_run(const char *cmdline, size_t capacity)
{
	for_each_probe(cmdline, capacity, run, NULL);
	print("sbx-test: probes done\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
