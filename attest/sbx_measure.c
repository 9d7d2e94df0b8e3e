/* sbx-measure: predicts the SHA-256 values of PCRs 17-19 after an sbx measured
 * launch, from the boot files alone, by replaying the hypervisor's own launch plan
 * with the hypervisor's own record format. It is the seed of the attestation
 * reference values.
 *
 *   sbx-measure --hv F --policy F --securebox F --kernel F --initrd F --cmdline S
 *               [--identity-key HEX] [--event-log OUT]
 *
 * Prints "pcr17 <hex>", "pcr18 <hex>", "pcr19 <hex>". PCR 18 also holds the
 * securebox's identity key, new every boot: give its public key (65 bytes, hex, as
 * the hypervisor prints it) to predict PCR 18 for that boot; without it the key
 * event is left out, as the hypervisor does for a securebox that made no key.
 * --event-log writes the log the hypervisor would produce, SHA-256 bank only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component_digests.h"
#include "event_log.h"
#include "launch_plan.h"
#include "sbx/service.h"
#include "sha256.h"

#define EXIT_USAGE 2
#define EXIT_INPUT 1

static void die(int code, const char *format, const char *detail)
{
	fprintf(stderr, "sbx-measure: ");
	fprintf(stderr, format, detail);
	fprintf(stderr, "\n");
	exit(code);
}

static void extend(uint8_t pcr[SHA256_DIGEST_SIZE], const uint8_t digest[SHA256_DIGEST_SIZE])
{
	uint8_t concatenation[2 * SHA256_DIGEST_SIZE];

	memcpy(concatenation, pcr, SHA256_DIGEST_SIZE);
	memcpy(concatenation + SHA256_DIGEST_SIZE, digest, SHA256_DIGEST_SIZE);
	sha256(concatenation, sizeof(concatenation), pcr);
}

/* Exactly 2 * size hex digits into `out`; returns 0, or -1 on anything else. */
static int parse_hex(const char *text, uint8_t *out, size_t size)
{
	if (strlen(text) != 2 * size)
		return -1;
	for (size_t i = 0; i < 2 * size; i++) {
		char c = text[i];
		int digit = c >= '0' && c <= '9' ? c - '0' :
			    c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (digit < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(digit << 4);
		else
			out[i / 2] |= (uint8_t)digit;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *paths[5] = { 0 };
	static const char *const options[5] = { "--hv", "--policy", "--securebox", "--kernel",
						"--initrd" };
	const char *cmdline = NULL, *event_log_path = NULL, *identity_hex = NULL;
	uint8_t identity_key[SBX_PUBLIC_KEY_SIZE];
	struct component_digests components;
	char error[COMPONENT_ERROR_SIZE];
	uint8_t pcrs[TPM2_PCR_COUNT][SHA256_DIGEST_SIZE];
	static uint8_t log_buffer[65536];
	struct tpm2_bank_list sha256_bank = { 1, { TPM2_ALG_SHA256 } };
	struct event_log log;

	for (int i = 1; i < argc; i += 2) {
		int matched = 0;

		if (i + 1 >= argc)
			die(EXIT_USAGE, "%s needs a value", argv[i]);
		for (int o = 0; o < 5; o++)
			if (!strcmp(argv[i], options[o])) {
				paths[o] = argv[i + 1];
				matched = 1;
			}
		if (!strcmp(argv[i], "--cmdline")) {
			cmdline = argv[i + 1];
			matched = 1;
		} else if (!strcmp(argv[i], "--identity-key")) {
			identity_hex = argv[i + 1];
			matched = 1;
		} else if (!strcmp(argv[i], "--event-log")) {
			event_log_path = argv[i + 1];
			matched = 1;
		}
		if (!matched)
			die(EXIT_USAGE, "unknown option %s", argv[i]);
	}
	for (int o = 0; o < 5; o++)
		if (!paths[o])
			die(EXIT_USAGE, "missing %s FILE", options[o]);
	if (!cmdline)
		die(EXIT_USAGE, "missing %s STRING", "--cmdline");

	if (identity_hex && parse_hex(identity_hex, identity_key, sizeof(identity_key)))
		die(EXIT_USAGE, "--identity-key needs %s", "130 hex digits (65 bytes)");
	if (component_digests_compute(&components, paths, cmdline, error))
		die(EXIT_INPUT, "%s", error);

	memset(pcrs, LAUNCH_PCR_INITIAL_BYTE, sizeof(pcrs));
	if (event_log_init(&log, log_buffer, sizeof(log_buffer), &sha256_bank) != EVENT_LOG_OK)
		die(EXIT_INPUT, "%s", "cannot start the event log");
	for (size_t i = 0; i < launch_plan_length; i++) {
		const struct launch_event *event = &launch_plan[i];
		struct sbx_measurement_record record;
		static const uint8_t separator[SBX_SEPARATOR_SIZE];
		const void *event_data = separator;
		uint32_t event_size = sizeof(separator);
		struct tpm2_digest_list digests = { 1, { { TPM2_ALG_SHA256, SHA256_DIGEST_SIZE, { 0 } } } };

		if (event->event_type == SBX_EV_EVENT_TAG) {
			if (event->component == SBX_COMPONENT_SECUREBOX_KEY) {
				uint8_t key_digest[SHA256_DIGEST_SIZE];

				if (!identity_hex)
					continue;
				sha256(identity_key, sizeof(identity_key), key_digest);
				launch_record_build(&record, event->component, key_digest,
						    sizeof(identity_key));
			} else {
				const struct measured_component *input =
					component_digests_find(&components, event->component);

				launch_record_build(&record, input->component, input->sha256,
						    input->size);
			}
			event_data = &record;
			event_size = sizeof(record);
		}
		sha256(event_data, event_size, digests.digest[0].bytes);
		extend(pcrs[event->pcr], digests.digest[0].bytes);
		if (event_log_append(&log, event->pcr, event->event_type, &digests, event_data,
				     event_size) != EVENT_LOG_OK)
			die(EXIT_INPUT, "%s", "event log overflow");
	}

	for (uint32_t pcr = SBX_PCR_HYPERVISOR; pcr <= SBX_PCR_COMMODITY; pcr++) {
		printf("pcr%u ", pcr);
		for (int b = 0; b < SHA256_DIGEST_SIZE; b++)
			printf("%02x", pcrs[pcr][b]);
		printf("\n");
	}
	if (event_log_path) {
		FILE *out = fopen(event_log_path, "wb");

		if (!out || fwrite(log.buffer, 1, log.size, out) != log.size || fclose(out))
			die(EXIT_INPUT, "cannot write %s", event_log_path);
	}
	component_digests_free(&components);
	return 0;
}
