/* Writes the seeds of fuzz_attestation and fuzz_attestation_fields from the
 * software attester: the trusted machine's evidence, and evidence of machines that
 * differ in one respect each, so that the fuzzers start next to every kind of
 * verdict. Usage: fuzz_attestation.seeds JSON_DIR FIELDS_DIR. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attestation_fixture.h"

static const char agent_error[] =
	"{\"sbx_attest\":1,\"response\":\"error\",\"error\":\"TPM2_Quote failed: 0x18b\"}\n";

static void write_file(const char *directory, const char *name, const void *bytes, size_t size)
{
	char path[4096];
	FILE *file;

	snprintf(path, sizeof(path), "%s/%s", directory, name);
	file = fopen(path, "wb");
	if (!file || fwrite(bytes, 1, size, file) != size || fclose(file)) {
		perror(path);
		exit(1);
	}
}

static void write_line(const char *directory, const char *name,
		       const struct attester_config *config, const struct attester_output *output)
{
	char file_name[256];
	char *line = attestation_fixture_line(config, output);

	if (!line)
		exit(1);
	snprintf(file_name, sizeof(file_name), "%s.json", name);
	write_file(directory, file_name, line, strlen(line));
	free(line);
}

static void write_fields(const char *directory, const char *name,
			 const struct attester_output *output, uint8_t flags)
{
	struct evidence_fields fields;
	char file_name[256];
	uint8_t *framed;
	size_t size;

	attestation_fixture_fields(output, flags, &fields);
	size = evidence_fields_join(&fields, NULL);
	framed = malloc(size);
	if (!framed)
		exit(1);
	evidence_fields_join(&fields, framed);
	snprintf(file_name, sizeof(file_name), "%s.bin", name);
	write_file(directory, file_name, framed, size);
	free(framed);
}

/* One machine's evidence as a response line and framed, `flags` in the frame. */
static void write_seed(char **directories, const char *name,
		       const struct attester_config *config,
		       const struct attester_output *output, uint8_t flags)
{
	write_line(directories[0], name, config, output);
	write_fields(directories[1], name, output, flags);
}

int main(int argc, char **argv)
{
	static struct attester_output output;
	struct attester_config config;

	if (argc != 3) {
		fprintf(stderr, "usage: %s JSON_DIR FIELDS_DIR\n", argv[0]);
		return 1;
	}
	if (attestation_fixture_start())
		return 1;
	write_seed(argv + 1, "trusted", &fixture.config, &fixture.output, 0);
	write_fields(argv[2], "trusted-resigned", &fixture.output, FIELDS_RESIGN);

	config = fixture.config;
	config.components[SBX_MEASURED_KERNEL] = "an unknown kernel";
	attester_build(&config, &output);
	write_seed(argv + 1, "unknown-kernel", &config, &output, 0);

	config = fixture.config;
	config.event_after_separator = true;
	attester_build(&config, &output);
	write_seed(argv + 1, "event-after-separator", &config, &output, FIELDS_RESIGN);

	config = fixture.config;
	config.identity_key = 1;
	attester_build(&config, &output);
	write_seed(argv + 1, "report-of-another-boot", &config, &output, 0);

	config = fixture.config;
	config.pcr_mask = 0xffu;
	attester_build(&config, &output);
	write_seed(argv + 1, "other-selection", &config, &output, FIELDS_RESIGN);

	/* The trusted quote with one byte changed after it was signed. */
	output = fixture.output;
	output.attest[output.attest_size / 2] ^= 0x01;
	write_seed(argv + 1, "tampered-quote", &fixture.config, &output, 0);

	write_file(argv[1], "agent-error.json", agent_error, sizeof(agent_error) - 1);
	return 0;
}
