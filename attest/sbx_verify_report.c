/* sbx-verify-report: verifies a securebox REPORT, or a key vault signature, and
 * prints one JSON verdict.
 *
 *   sbx-verify-report --report FILE --nonce HEX [--user-data HEX]
 *                     [--identity-key-digest HEX] [--component NAME=HEX ...]
 *                     [--pcr N=HEX ...] [--allow-unmeasured]
 *   sbx-verify-report --key-signature --public-key HEX --usage N --label HEX
 *                     --digest HEX --signature HEX
 *
 * FILE holds the REPORT response payload (struct sbx_report). A component given
 * more than once may have any of the values given. Prints
 *   {"status":"trusted","checks":[{"name":"report_size","ok":true},...],"reason":null}
 * with status trusted, untrusted, malformed, crypto_failure or error, and exits
 * with enum verify_status (0-3), or 4 for a usage or input error. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_verify.h"

#define EXIT_USAGE 4
#define COMPONENT_VALUES_MAX 32

static const char *const status_names[] = {
	[VERIFY_TRUSTED] = "trusted",
	[VERIFY_UNTRUSTED] = "untrusted",
	[VERIFY_MALFORMED] = "malformed",
	[VERIFY_CRYPTO_FAILURE] = "crypto_failure",
};

struct options {
	bool key_signature;
	bool report_option_seen;
	bool key_option_seen;
	/* report mode */
	const char *report_path;
	bool nonce_given;
	struct report_expectations expected;
	uint8_t component_values[SBX_MEASURED_COUNT][COMPONENT_VALUES_MAX][SBX_DIGEST_SIZE];
	/* key signature mode */
	const char *public_key_hex;
	const char *usage_text;
	const char *label_hex;
	const char *digest_hex;
	const char *signature_hex;
};

static void print_json_string(const char *text)
{
	putchar('"');
	for (; *text; text++) {
		unsigned char c = (unsigned char)*text;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_verdict(const char *status, const struct report_check *checks, size_t count,
			  const char *reason)
{
	printf("{\"status\":\"%s\",\"checks\":[", status);
	for (size_t i = 0; i < count; i++) {
		printf("%s{\"name\":", i ? "," : "");
		print_json_string(checks[i].name);
		printf(",\"ok\":%s}", checks[i].ok ? "true" : "false");
	}
	printf("],\"reason\":");
	if (reason[0])
		print_json_string(reason);
	else
		printf("null");
	printf("}\n");
}

/* Usage and input errors fail closed too: still one JSON verdict on stdout. */
static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *format, ...)
{
	char reason[256];
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(reason, sizeof(reason), format, arguments);
	va_end(arguments);
	print_verdict("error", NULL, 0, reason);
	fprintf(stderr, "sbx-verify-report: %s\n", reason);
	exit(EXIT_USAGE);
}

/* Exactly 2 * size hex digits into `out`. */
static bool hex_decode(const char *text, uint8_t *out, size_t size)
{
	if (strlen(text) != 2 * size)
		return false;
	for (size_t i = 0; i < 2 * size; i++) {
		char c = text[i];
		int digit = c >= '0' && c <= '9' ? c - '0' :
			    c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (digit < 0)
			return false;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(digit << 4);
		else
			out[i / 2] |= (uint8_t)digit;
	}
	return true;
}

static void hex_option(const char *option, const char *text, uint8_t *out, size_t size)
{
	if (!hex_decode(text, out, size))
		fail("%s needs %zu hex digits (%zu bytes)", option, 2 * size, size);
}

/* Single-valued options refuse a second occurrence. */
static void once(const char **slot, const char *option, const char *value)
{
	if (*slot)
		fail("%s given twice", option);
	*slot = value;
}

static void hex_once(bool *given, const char *option, const char *value, uint8_t *out, size_t size)
{
	if (*given)
		fail("%s given twice", option);
	hex_option(option, value, out, size);
	*given = true;
}

/* NAME=HEX: one more allowed digest for a component. */
static void component_option(struct options *options, const char *text)
{
	const char *separator = strchr(text, '=');

	for (size_t i = 0; separator && i < SBX_MEASURED_COUNT; i++) {
		const char *name = report_component_name(i);
		struct allowed_digests *allowed = &options->expected.components[i];

		if (strlen(name) != (size_t)(separator - text) || strncmp(text, name, strlen(name)))
			continue;
		if (allowed->count == COMPONENT_VALUES_MAX)
			fail("more than %d values for component %s", COMPONENT_VALUES_MAX, name);
		hex_option("--component", separator + 1,
			   options->component_values[i][allowed->count], SBX_DIGEST_SIZE);
		allowed->values = (const uint8_t (*)[SBX_DIGEST_SIZE])options->component_values[i];
		allowed->count++;
		return;
	}
	fail("--component needs NAME=HEX, NAME one of hypervisor, policy, securebox, kernel, "
	     "initrd, cmdline");
}

/* N=HEX, N one of the PCRs the report holds. */
static void pcr_option(struct options *options, const char *text)
{
	static const char *const prefixes[REPORT_PCR_COUNT] = { "17=", "18=", "19=" };
	static const char *const names[REPORT_PCR_COUNT] = { "--pcr 17", "--pcr 18", "--pcr 19" };

	for (size_t i = 0; i < REPORT_PCR_COUNT; i++) {
		if (strncmp(text, prefixes[i], strlen(prefixes[i])))
			continue;
		hex_once(&options->expected.check_pcr[i], names[i], text + strlen(prefixes[i]),
			 options->expected.pcrs[i], SBX_DIGEST_SIZE);
		return;
	}
	fail("--pcr needs N=HEX, N one of 17, 18, 19");
}

static void report_option(struct options *options, const char *option, const char *value)
{
	struct report_expectations *expected = &options->expected;

	options->report_option_seen = true;
	if (!strcmp(option, "--report"))
		once(&options->report_path, option, value);
	else if (!strcmp(option, "--nonce"))
		hex_once(&options->nonce_given, option, value, expected->nonce, SBX_NONCE_SIZE);
	else if (!strcmp(option, "--user-data"))
		hex_once(&expected->check_user_data, option, value, expected->user_data,
			 SBX_USER_DATA_SIZE);
	else if (!strcmp(option, "--identity-key-digest"))
		hex_once(&expected->check_identity_key_digest, option, value,
			 expected->identity_key_digest, SBX_DIGEST_SIZE);
	else if (!strcmp(option, "--component"))
		component_option(options, value);
	else if (!strcmp(option, "--pcr"))
		pcr_option(options, value);
	else
		fail("unknown option %s", option);
}

/* Returns whether `option` is one of the key signature mode's. */
static bool key_option(struct options *options, const char *option, const char *value)
{
	if (!strcmp(option, "--public-key"))
		once(&options->public_key_hex, option, value);
	else if (!strcmp(option, "--usage"))
		once(&options->usage_text, option, value);
	else if (!strcmp(option, "--label"))
		once(&options->label_hex, option, value);
	else if (!strcmp(option, "--digest"))
		once(&options->digest_hex, option, value);
	else if (!strcmp(option, "--signature"))
		once(&options->signature_hex, option, value);
	else
		return false;
	options->key_option_seen = true;
	return true;
}

static void parse_options(int argc, char **argv, struct options *options)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--key-signature")) {
			options->key_signature = true;
		} else if (!strcmp(argv[i], "--allow-unmeasured")) {
			options->expected.allow_unmeasured = true;
			options->report_option_seen = true;
		} else {
			if (i + 1 >= argc)
				fail("%s needs a value", argv[i]);
			if (!key_option(options, argv[i], argv[i + 1]))
				report_option(options, argv[i], argv[i + 1]);
			i++;
		}
	}
	if (options->key_signature && options->report_option_seen)
		fail("--key-signature takes no report options");
	if (!options->key_signature && options->key_option_seen)
		fail("key signature options need --key-signature");
}

/* Reads one byte more than a report, so that a longer file shows as malformed. */
static size_t report_read(const char *path, uint8_t *buffer, size_t capacity)
{
	FILE *stream = fopen(path, "rb");
	size_t size;

	if (!stream)
		fail("cannot open %s: %s", path, strerror(errno));
	size = fread(buffer, 1, capacity, stream);
	if (ferror(stream))
		fail("cannot read %s", path);
	fclose(stream);
	return size;
}

static int run_report(const struct options *options)
{
	static uint8_t payload[sizeof(struct sbx_report) + 1];
	struct report_verdict verdict;
	size_t size;

	if (!options->report_path)
		fail("missing --report FILE");
	if (!options->nonce_given)
		fail("missing --nonce HEX");
	size = report_read(options->report_path, payload, sizeof(payload));
	report_verify(payload, size, &options->expected, &verdict);
	print_verdict(status_names[verdict.status], verdict.checks, verdict.check_count,
		      verdict.reason);
	return verdict.status;
}

static uint32_t usage_parse(const char *text)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || value > UINT32_MAX)
		fail("--usage needs a decimal 32-bit unsigned number");
	return (uint32_t)value;
}

static int run_key_signature(const struct options *options)
{
	uint8_t public_key[SBX_PUBLIC_KEY_SIZE], label[SBX_KEY_LABEL_SIZE], digest[SBX_DIGEST_SIZE];
	const size_t hex_digits = options->signature_hex ? strlen(options->signature_hex) : 0;
	struct report_check check = { .name = "key_signature", .ok = false };
	uint32_t usage;
	uint8_t *der;
	int status;

	if (!options->public_key_hex || !options->usage_text || !options->label_hex ||
	    !options->digest_hex || !options->signature_hex)
		fail("--key-signature needs --public-key, --usage, --label, --digest and "
		     "--signature");
	hex_option("--public-key", options->public_key_hex, public_key, sizeof(public_key));
	usage = usage_parse(options->usage_text);
	hex_option("--label", options->label_hex, label, sizeof(label));
	hex_option("--digest", options->digest_hex, digest, sizeof(digest));
	if (hex_digits % 2)
		fail("--signature needs an even number of hex digits");
	/* Any length decodes: whether it is a valid signature size is the verifier's call.
	 * One byte more, so that an empty signature still gets a block. */
	der = malloc(hex_digits / 2 + 1);
	if (!der)
		fail("out of memory");
	hex_option("--signature", options->signature_hex, der, hex_digits / 2);

	status = key_signature_verify(public_key, usage, label, digest, der, hex_digits / 2);
	free(der);
	check.ok = status == VERIFY_TRUSTED;
	print_verdict(status_names[status], &check, 1,
		      status == VERIFY_TRUSTED ? "" :
		      status == VERIFY_MALFORMED ?
		      "key_signature: malformed public key or signature" :
		      "key_signature: does not verify for this key, usage, label and digest");
	return status;
}

int main(int argc, char **argv)
{
	static struct options options;

	parse_options(argc, argv, &options);
	return options.key_signature ? run_key_signature(&options) : run_report(&options);
}
