/* sbx-agent [--port N] [--tcti CONF]: the attestation agent (attest/README.md). It
 * creates the EK and AK once, keeps them loaded, and then serves sbx-attest on TCP
 * (port 7780, the TPM through /dev/tpmrm0 unless told otherwise, e.g.
 * "swtpm:path=SOCKET" to try it on a host) until the machine stops. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

static int usage(void)
{
	fprintf(stderr, "usage: sbx-agent [--port N] [--tcti CONF]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct agent_tpm tpm;
	char error[AGENT_ERROR_SIZE];
	const char *tcti = AGENT_TCTI;
	unsigned long port = AGENT_PORT;

	for (int i = 1; i < argc; i += 2) {
		char *end;

		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--tcti")) {
			tcti = argv[i + 1];
		} else if (!strcmp(argv[i], "--port")) {
			port = strtoul(argv[i + 1], &end, 10);
			if (!port || port > 65535 || *end)
				return usage();
		} else {
			return usage();
		}
	}
	/* A client that goes away mid-response must cost a failed send, not the agent. */
	signal(SIGPIPE, SIG_IGN);
	if (tpm_open(&tpm, tcti, error)) {
		fprintf(stderr, "sbx-agent: %s\n", error);
		return 1;
	}
	if (!tpm.ek_certificate.size)
		fprintf(stderr, "sbx-agent: %s; identity and evidence will be refused\n",
			tpm.ek_certificate_missing);
	server_run(&tpm, (uint16_t)port);
	return 1;
}
