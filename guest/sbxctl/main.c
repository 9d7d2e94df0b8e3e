/* sbxctl: the securebox and the hypervisor, from the commodity OS's shell, through
 * /dev/sbx (sbx.ko). */
#include <stdio.h>
#include <string.h>

#include "sbxctl.h"

static const char usage[] =
	"usage: sbxctl [--json] COMMAND [OPTIONS]\n"
	"  version                          hypervisor, ABI and securebox versions\n"
	"  report --nonce HEX [--user-data HEX] [--out FILE]\n"
	"                                   a signed REPORT (32-byte nonce, 64-byte user\n"
	"                                   data); prints its payload in hex\n"
	"  key create --usage auth|document --label TEXT\n"
	"  key sign --handle N --usage auth|document --digest HEX\n"
	"  key public --handle N\n"
	"  seal --in FILE --out FILE        seal up to 2048 bytes to this boot's measurements\n"
	"  unseal --in FILE --out FILE\n"
	"  eventlog [--out FILE]            the hypervisor's event log (hex without --out)\n"
	"  stats                            exits by partition and reason, and by\n"
	"                                   commodity vCPU\n"
	"  calls --count N [--cpus LIST]    N securebox ECHO calls (1..10000000), one\n"
	"                                   thread pinned to each CPU of LIST (0,1,...;\n"
	"                                   default: every CPU it may run on), each reply\n"
	"                                   checked; prints the calls per second\n"
	"  cpuid [--cpus LIST]              on each CPU, CPUID's hypervisor bit and the\n"
	"                                   signature of leaf 0x40000000\n"
	"Exit status: 0 success, 1 a refusal (the status is named), 2 a usage error.\n";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "version", command_version },   { "report", command_report },
	{ "key", command_key },           { "seal", command_seal },
	{ "unseal", command_unseal },     { "eventlog", command_eventlog },
	{ "stats", command_stats },       { "calls", command_calls },
	{ "cpuid", command_cpuid },
};

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return SBXCTL_OK;
		}
		if (strcmp(argv[i], "--json") != 0)
			return fail(SBXCTL_USAGE, "unknown option %s (see --help)", argv[i]);
		json_output = true;
	}
	if (i == argc) {
		fputs(usage, stderr);
		return SBXCTL_USAGE;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].run(argc - i - 1, argv + i + 1);
	return fail(SBXCTL_USAGE, "unknown command %s (see --help)", argv[i]);
}
