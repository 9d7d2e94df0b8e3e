/* sbxctl's commands other than `key` (key.c). */
#include <stdio.h>
#include <stdlib.h>

#include "sbxctl.h"

static int no_arguments(const char *command, int argc)
{
	return argc ? fail(SBXCTL_USAGE, "%s takes no arguments", command) : SBXCTL_OK;
}

int command_version(int argc, char **argv)
{
	struct sbx_version_response securebox;
	uint64_t abi, hypervisor;
	uint32_t size;
	char hv_text[16], sb_text[16];
	int status;

	(void)argv;
	if ((status = no_arguments("version", argc)) != SBXCTL_OK ||
	    (status = device_version(&abi, &hypervisor)) != SBXCTL_OK ||
	    (status = securebox_service(SBX_SERVICE_VERSION, NULL, 0, &securebox,
					sizeof(securebox), &size, sizeof(securebox))) != SBXCTL_OK)
		return status;
	version_text(hypervisor, hv_text);
	version_text(securebox.securebox_version, sb_text);
	if (json_output)
		printf("{\"hypervisor_version\":\"%s\",\"abi_version\":%llu,"
		       "\"securebox_version\":\"%s\",\"protocol_version\":%u}\n",
		       hv_text, (unsigned long long)abi, sb_text, securebox.protocol_version);
	else
		printf("version hypervisor %s abi %llu securebox %s protocol %u\n", hv_text,
		       (unsigned long long)abi, sb_text, securebox.protocol_version);
	return SBXCTL_OK;
}

int command_report(int argc, char **argv)
{
	static const char *const names[] = { "--nonce", "--user-data", "--out" };
	const char *values[3] = { 0 };
	struct sbx_report_request request = { 0 };
	struct sbx_report report;
	uint32_t size;
	int status = parse_options(argc, argv, names, values, 3);

	if (status != SBXCTL_OK)
		return status;
	if (!values[0] || hex_decode(values[0], request.nonce, sizeof(request.nonce)))
		return fail(SBXCTL_USAGE, "report: --nonce takes %d bytes in hex", SBX_NONCE_SIZE);
	if (values[1] && hex_decode(values[1], request.user_data, sizeof(request.user_data)))
		return fail(SBXCTL_USAGE, "report: --user-data takes %d bytes in hex",
			    SBX_USER_DATA_SIZE);
	status = securebox_service(SBX_SERVICE_REPORT, &request, sizeof(request), &report,
				   sizeof(report), &size, sizeof(report));
	if (status != SBXCTL_OK)
		return status;
	if (values[2] && (status = write_file(values[2], (uint8_t *)&report, size)) != SBXCTL_OK)
		return status;
	printf(json_output ? "{\"report\":\"" : "report ");
	print_hex((uint8_t *)&report, size);
	printf(json_output ? "\"}\n" : "\n");
	return SBXCTL_OK;
}

/* SEAL and UNSEAL: a file in, the securebox's answer out to a file. */
static int seal_command(const char *command, uint32_t service, size_t input_max,
			int argc, char **argv)
{
	static const char *const names[] = { "--in", "--out" };
	static uint8_t input[SBX_MESSAGE_MAX], output[SBX_MESSAGE_MAX];
	const char *values[2] = { 0 };
	size_t input_size;
	uint32_t output_size;
	int status = parse_options(argc, argv, names, values, 2);

	if (status != SBXCTL_OK)
		return status;
	if (!values[0] || !values[1])
		return fail(SBXCTL_USAGE, "%s needs --in FILE and --out FILE", command);
	if ((status = read_file(values[0], input, input_max, &input_size)) != SBXCTL_OK)
		return status;
	if (!input_size)
		return fail(SBXCTL_FAILED, "%s: %s is empty", command, values[0]);
	status = securebox_service(service, input, input_size, output, sizeof(output),
				   &output_size, 0);
	if (status != SBXCTL_OK || (status = write_file(values[1], output, output_size)))
		return status;
	if (json_output) {
		printf("{\"in_bytes\":%zu,\"out_bytes\":%u,\"out\":", input_size, output_size);
		print_json_string(values[1]);
		printf("}\n");
	} else {
		printf("%s %zu bytes -> %u bytes in %s\n", command, input_size, output_size,
		       values[1]);
	}
	return SBXCTL_OK;
}

int command_seal(int argc, char **argv)
{
	return seal_command("seal", SBX_SERVICE_SEAL, SBX_SEAL_MAX, argc, argv);
}

int command_unseal(int argc, char **argv)
{
	/* A blob: the header and at most SBX_SEAL_MAX bytes of ciphertext. */
	return seal_command("unseal", SBX_SERVICE_UNSEAL,
			    sizeof(struct sbx_sealed_header) + SBX_SEAL_MAX, argc, argv);
}

int command_eventlog(int argc, char **argv)
{
	static const char *const names[] = { "--out" };
	const char *out = NULL;
	uint8_t *log = NULL;
	size_t size;
	int status = parse_options(argc, argv, names, &out, 1);

	if (status != SBXCTL_OK)
		return status;
	status = device_event_log(&log, &size);
	if (status == SBXCTL_OK && out)
		status = write_file(out, log, size);
	if (status == SBXCTL_OK) {
		printf(json_output ? "{\"size\":%zu,\"log\":\"" : "eventlog %zu bytes ", size);
		print_hex(log, size);
		printf(json_output ? "\"}\n" : "\n");
	}
	free(log);
	return status;
}

static const char *const reason_names[SBX_EXIT_REASON_COUNT] = {
	[SBX_EXIT_CPUID] = "cpuid",
	[SBX_EXIT_MSR] = "msr",
	[SBX_EXIT_VMMCALL] = "vmmcall",
	[SBX_EXIT_NESTED_PAGE_FAULT] = "nested_page_fault",
	[SBX_EXIT_SHUTDOWN] = "shutdown",
	[SBX_EXIT_SVM_INSTRUCTION] = "svm_instruction",
	[SBX_EXIT_EXCEPTION] = "exception",
	[SBX_EXIT_IO] = "io",
	[SBX_EXIT_HLT] = "hlt",
	[SBX_EXIT_INTERRUPT] = "interrupt",
	[SBX_EXIT_OTHER] = "other",
};

static const char *const partition_names[SBX_PARTITION_COUNT] = {
	[SBX_PARTITION_COMMODITY] = "commodity",
	[SBX_PARTITION_SECUREBOX] = "securebox",
};

int command_stats(int argc, char **argv)
{
	struct sbx_exit_stats stats;
	int status;

	(void)argv;
	if ((status = no_arguments("stats", argc)) != SBXCTL_OK ||
	    (status = device_exit_stats(&stats)) != SBXCTL_OK)
		return status;
	if (stats.version != SBX_HYPERCALL_ABI_VERSION ||
	    stats.reason_count != SBX_EXIT_REASON_COUNT)
		return fail(SBXCTL_FAILED, "stats: version %u with %u reasons, expected %u and %u",
			    stats.version, stats.reason_count, SBX_HYPERCALL_ABI_VERSION,
			    SBX_EXIT_REASON_COUNT);
	/* A count past the array would have us print memory the reply never filled. */
	if (stats.commodity_vcpus > SBX_MAX_CPUS || stats.reserved)
		return fail(SBXCTL_FAILED, "stats: %u vCPUs (at most %u) and reserved field %u "
			    "(must be 0)", stats.commodity_vcpus, SBX_MAX_CPUS, stats.reserved);
	if (json_output) {
		for (int p = 0; p < SBX_PARTITION_COUNT; p++) {
			printf("%s\"%s\":{", p ? "," : "{", partition_names[p]);
			for (int r = 0; r < SBX_EXIT_REASON_COUNT; r++)
				printf("%s\"%s\":%llu", r ? "," : "", reason_names[r],
				       (unsigned long long)stats.exits[p][r]);
			printf("}");
		}
		printf(",\"vcpus\":[");
		for (uint32_t v = 0; v < stats.commodity_vcpus; v++)
			printf("%s%llu", v ? "," : "", (unsigned long long)stats.vcpu_exits[v]);
		printf("]}\n");
		return SBXCTL_OK;
	}
	for (int p = 0; p < SBX_PARTITION_COUNT; p++) {
		printf("stats %s", partition_names[p]);
		for (int r = 0; r < SBX_EXIT_REASON_COUNT; r++)
			printf(" %s=%llu", reason_names[r], (unsigned long long)stats.exits[p][r]);
		printf("\n");
	}
	printf("stats vcpus %u exits=", stats.commodity_vcpus);
	for (uint32_t v = 0; v < stats.commodity_vcpus; v++)
		printf("%s%llu", v ? "," : "", (unsigned long long)stats.vcpu_exits[v]);
	printf("\n");
	return SBXCTL_OK;
}
