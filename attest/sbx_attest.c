/* sbx-attest: the relying party's verifier (attest/README.md, "sbx-attest").
 * `enroll` binds a machine's AK to its EK once; `verify` checks evidence live from
 * the agent or offline from files. Every outcome, errors included, is one JSON
 * verdict per line on standard output and an exit code, so that scripts and tests
 * read both the same way. */
#include "sbx_attest.h"

#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>


#include "evidence.h"

static const char usage[] =
	"usage: sbx-attest enroll [--agent HOST:PORT] [--ek-ca PEM] [--ek-chain PEM] [--state DIR]\n"
	"       sbx-attest verify --agent HOST:PORT [--reference FILE] [--state DIR] [--save FILE]\n"
	"       sbx-attest verify --evidence FILE... [--reference FILE] [--state DIR] [--nonce HEX]\n";

static int beside_binary(const char *directory, const char *name, char *path, size_t size)
{
	int written = snprintf(path, size, "%s/%s", directory, name);

	return written < 0 || (size_t)written >= size ? -1 : 0;
}

/* The defaults are beside the binary, not the working directory, so that
 * build/sbx-attest finds build/tpm-ca and build/attest-state from anywhere. */
int attest_defaults(struct attest_options *options, char *reason, size_t reason_size)
{
	char executable[PATH_MAX];
	ssize_t length = readlink("/proc/self/exe", executable, sizeof(executable) - 1);
	const char *directory;

	memset(options, 0, sizeof(*options));
	options->agent = ATTEST_DEFAULT_AGENT;
	if (length < 0 || (size_t)length >= sizeof(executable) - 1) {
		snprintf(reason, reason_size, "cannot read /proc/self/exe: %s",
			 length < 0 ? strerror(errno) : "path too long");
		return -1;
	}
	executable[length] = '\0';
	directory = dirname(executable);
	if (beside_binary(directory, "tpm-ca/swtpm-localca-rootca-cert.pem", options->ek_ca,
			  sizeof(options->ek_ca)) ||
	    beside_binary(directory, "tpm-ca/issuercert.pem", options->ek_chain,
			  sizeof(options->ek_chain)) ||
	    beside_binary(directory, "attest-state", options->state, sizeof(options->state)) ||
	    beside_binary(directory, "reference.json", options->reference,
			  sizeof(options->reference))) {
		snprintf(reason, reason_size, "the binary's directory path is too long");
		return -1;
	}
	return 0;
}

static int getrandom_entropy(void *context, unsigned char *out, size_t size)
{
	(void)context;
	while (size) {
		ssize_t got = getrandom(out, size, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
		out += got;
		size -= (size_t)got;
	}
	return 0;
}

int attest_random_start(mbedtls_ctr_drbg_context *drbg)
{
	static const unsigned char personalization[] = "sbx-attest";

	mbedtls_ctr_drbg_init(drbg);
	return mbedtls_ctr_drbg_seed(drbg, getrandom_entropy, NULL, personalization,
				     sizeof(personalization) - 1) ? -1 : 0;
}

int attest_refused_response_status(int parse_status)
{
	return parse_status == EVIDENCE_AGENT_ERROR ? VERDICT_ERROR : VERIFY_MALFORMED;
}

int attest_print(const struct verdict *verdict)
{
	char *line = verdict_json(verdict);

	if (!line || fputs(line, stdout) == EOF || fflush(stdout) == EOF) {
		free(line);
		fputs("{\"status\":\"error\",\"reason\":\"cannot write the verdict\",\"checks\":[]}\n",
		      stdout);
		return VERDICT_ERROR;
	}
	free(line);
	return verdict_outcome(verdict);
}

int attest_print_error(const char *check, int status, const char *format, ...)
{
	struct verdict verdict;
	char reason[VERDICT_REASON_SIZE];
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(reason, sizeof(reason), format, arguments);
	va_end(arguments);
	verdict_init(&verdict);
	verdict_fail(&verdict, check, status, "%s", reason);
	return attest_print(&verdict);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "enroll"))
		return enroll_command(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return verify_command(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	fputs(usage, stderr);
	return attest_print_error("usage", VERDICT_ERROR, "expected a command: enroll or verify");
}
