/* Unit tests for the event-log half of the verifier: the strict reader, the SHA-256
 * replay and the hypervisor log's policy. Logs are written by the hypervisor's own
 * writer (hv/event_log.c) and launch plan, then corrupted byte by byte; the PCR
 * values they should replay to are extended here independently. One log was made
 * by build/sbx-measure (tests/unit/fixtures/hv_event_log.bin), so the replay is
 * also checked against that tool's own prediction. Every log is handed over in a
 * heap block of exactly its size, so AddressSanitizer reports any read past it. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event_log.h"
#include "event_log_parse.h"
#include "event_log_replay.h"
#include "event_log_verify.h"
#include "launch_plan.h"

#define LOG_CAPACITY (256 * 1024)
#define EV_POST_CODE 0x00000001
#define FIXTURE_PATH "tests/unit/fixtures/hv_event_log.bin"

/* What each component measures to in the logs built here. */
static const char *const component_contents[SBX_MEASURED_COUNT] = {
	"hypervisor image", "policy file", "securebox image",
	"kernel image", "initrd image", "console=ttyS0",
};

static uint8_t identity_key[SBX_PUBLIC_KEY_SIZE];
static uint8_t reference[SBX_MEASURED_COUNT][2][SBX_DIGEST_SIZE];
static struct hv_log_expectations expected;

/* The log being built, and the PCRs it should replay to, extended alongside. */
static uint8_t log_buffer[LOG_CAPACITY];
static struct event_log log;
static uint8_t expected_pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
static struct hv_log_verdict verdict;

static void sha256(const void *data, size_t size, uint8_t digest[32])
{
	assert_int_equal(mbedtls_sha256_ret(data, size, digest, 0), 0);
}

static void log_start_banks(const struct tpm2_bank_list *banks)
{
	memset(expected_pcrs, 0, sizeof(expected_pcrs));
	for (int pcr = 17; pcr <= 22; pcr++)
		memset(expected_pcrs[pcr], 0xff, REPLAY_DIGEST_SIZE);
	assert_int_equal(event_log_init(&log, log_buffer, sizeof(log_buffer), banks), EVENT_LOG_OK);
}

static void log_start(void)
{
	const struct tpm2_bank_list sha256_only = { 1, { TPM2_ALG_SHA256 } };

	log_start_banks(&sha256_only);
}

/* Appends an event with its true SHA-256 (and a made-up SHA-1, which nothing
 * checks: only the SHA-256 bank is quoted) and extends the expected PCR. */
static void log_add(uint32_t pcr, uint32_t event_type, const void *data, uint32_t size)
{
	struct tpm2_digest_list digests = { 2, {
		{ TPM2_ALG_SHA256, 32, { 0 } },
		{ TPM2_ALG_SHA1, 20, { 0x5a } },
	} };
	uint8_t concatenation[64];

	sha256(data, size, digests.digest[0].bytes);
	assert_int_equal(event_log_append(&log, pcr, event_type, &digests, data, size),
			 EVENT_LOG_OK);
	if (event_type == SBX_EV_NO_ACTION)
		return;
	memcpy(concatenation, expected_pcrs[pcr], 32);
	memcpy(concatenation + 32, digests.digest[0].bytes, 32);
	sha256(concatenation, sizeof(concatenation), expected_pcrs[pcr]);
}

/* Appends a SHA-256-only record by hand, for events past the hypervisor writer's
 * 1 KiB limit. */
static void log_add_large(uint32_t pcr, uint32_t event_type, const uint8_t *data,
			  uint32_t size)
{
	const uint32_t header[3] = { pcr, event_type, 1 };
	const uint16_t algorithm = TPM2_ALG_SHA256;
	uint8_t *cursor = log.buffer + log.size;
	uint8_t concatenation[64];

	assert_true(log.banks.count == 1 && log.capacity - log.size >= 50 + size);
	memcpy(cursor, header, sizeof(header));
	memcpy(cursor + 12, &algorithm, sizeof(algorithm));
	sha256(data, size, cursor + 14);
	memcpy(cursor + 46, &size, sizeof(size));
	memcpy(cursor + 50, data, size);
	log.size += 50 + size;

	memcpy(concatenation, expected_pcrs[pcr], 32);
	memcpy(concatenation + 32, cursor + 14, 32);
	sha256(concatenation, sizeof(concatenation), expected_pcrs[pcr]);
}

static void log_add_component_content(uint32_t pcr, enum sbx_component component,
				      const void *content, size_t size)
{
	struct sbx_measurement_record record;
	uint8_t digest[32];

	sha256(content, size, digest);
	launch_record_build(&record, component, digest, size);
	log_add(pcr, SBX_EV_EVENT_TAG, &record, sizeof(record));
}

static void log_add_component(uint32_t pcr, enum sbx_component component)
{
	const char *content;

	if (component == SBX_COMPONENT_SECUREBOX_KEY) {
		log_add_component_content(pcr, component, identity_key, sizeof(identity_key));
		return;
	}
	content = component_contents[component - SBX_COMPONENT_HYPERVISOR];
	log_add_component_content(pcr, component, content, strlen(content));
}

static void log_add_separator(uint32_t pcr)
{
	static const uint8_t separator[SBX_SEPARATOR_SIZE];

	log_add(pcr, SBX_EV_SEPARATOR, separator, sizeof(separator));
}

static void log_add_plan_event(size_t index)
{
	const struct launch_event *planned = &launch_plan[index];

	if (planned->event_type == SBX_EV_SEPARATOR)
		log_add_separator(planned->pcr);
	else
		log_add_component(planned->pcr, planned->component);
}

/* The log the hypervisor writes: the whole plan, in order. */
static void log_build_plan(void)
{
	log_start();
	for (size_t i = 0; i < launch_plan_length; i++)
		log_add_plan_event(i);
}

static size_t plan_index(uint32_t event_type, enum sbx_component component)
{
	for (size_t i = 0; i < launch_plan_length; i++)
		if (launch_plan[i].event_type == event_type &&
		    (event_type == SBX_EV_SEPARATOR || launch_plan[i].component == component))
			return i;
	fail_msg("no such plan event");
	return 0;
}

/* The record of event `index` (1 = the first after the header) in the built log. */
static struct log_event find_event(size_t index)
{
	struct event_log_reader reader;
	struct event_log_error error;
	struct log_event event;

	assert_int_equal(event_log_reader_start(&reader, log.buffer, log.size, &error), 0);
	while (event_log_reader_next(&reader, &event, &error) == 1)
		if (event.index == index)
			return event;
	fail_msg("no event %zu", index);
	return event;
}

/* Event `index`'s field at `field_offset` within its record, in the built log. */
static uint8_t *event_field(size_t index, size_t field_offset)
{
	return log.buffer + find_event(index).offset + field_offset;
}

static int check_bytes(const uint8_t *bytes, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	int status;

	assert_non_null(copy);
	memcpy(copy, bytes, size);
	status = hv_log_check(copy, size, &expected, &verdict);
	free(copy);
	return status;
}

static int replay_bytes(const uint8_t *bytes, size_t size,
			uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE],
			struct event_log_error *error)
{
	uint8_t *copy = malloc(size ? size : 1);
	int status;

	assert_non_null(copy);
	memcpy(copy, bytes, size);
	status = event_log_replay_sha256(copy, size, pcrs, error);
	free(copy);
	return status;
}

static void expect_verdict(enum verify_status status, const char *reason)
{
	int got = check_bytes(log.buffer, log.size);

	if (got != (int)status || !strstr(verdict.reason, reason))
		fail_msg("got status %d \"%s\", wanted %d \"%s\"", got, verdict.reason, status,
			 reason);
}

static void expect_parse_error(const char *reason)
{
	uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
	struct event_log_error error;

	assert_int_equal(replay_bytes(log.buffer, log.size, pcrs, &error), -1);
	if (!strstr(error.reason, reason))
		fail_msg("got \"%s\", wanted \"%s\"", error.reason, reason);
	expect_verdict(VERIFY_MALFORMED, reason);
}

static void expect_replay(void)
{
	uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
	struct event_log_error error;

	assert_int_equal(replay_bytes(log.buffer, log.size, pcrs, &error), 0);
	assert_memory_equal(pcrs, expected_pcrs, sizeof(pcrs));
}

static int setup(void **state)
{
	(void)state;
	identity_key[0] = 0x04;
	for (size_t i = 1; i < sizeof(identity_key); i++)
		identity_key[i] = (uint8_t)i;
	memset(&expected, 0, sizeof(expected));
	for (size_t c = 0; c < SBX_MEASURED_COUNT; c++) {
		sha256(component_contents[c], strlen(component_contents[c]), reference[c][0]);
		memset(reference[c][1], 0xee, SBX_DIGEST_SIZE);
		expected.components[c] = (struct allowed_digests){ reference[c], 1 };
	}
	return 0;
}

static void test_good_log_passes_and_replays(void **state)
{
	uint8_t key_digest[32];

	(void)state;
	log_build_plan();
	expect_verdict(VERIFY_TRUSTED, "");
	assert_string_equal(verdict.reason, "");
	sha256(identity_key, sizeof(identity_key), key_digest);
	assert_memory_equal(verdict.identity_key_digest, key_digest, sizeof(key_digest));
	expect_replay();
}

/* SHA-1 first: the SHA-256 digest is found by the header's bank order. */
static void test_two_bank_log_passes(void **state)
{
	const struct tpm2_bank_list banks = { 2, { TPM2_ALG_SHA1, TPM2_ALG_SHA256 } };

	(void)state;
	log_start_banks(&banks);
	for (size_t i = 0; i < launch_plan_length; i++)
		log_add_plan_event(i);
	expect_verdict(VERIFY_TRUSTED, "");
	expect_replay();
}

static void load_fixture(void)
{
	FILE *file = fopen(FIXTURE_PATH, "rb");

	assert_non_null(file);
	log.buffer = log_buffer;
	log.size = fread(log_buffer, 1, sizeof(log_buffer), file);
	assert_true(feof(file));
	fclose(file);
}

static void parse_hex(const char *hex, uint8_t *out, size_t size)
{
	assert_int_equal(strlen(hex), 2 * size);
	for (size_t i = 0; i < size; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
}

/* The fixture is the output of
 *   sbx-measure --hv build/hv.elf --policy P --securebox S --kernel K --initrd I \
 *     --cmdline 'console=ttyS0 fixture' --identity-key 04010203...40 --event-log OUT
 * with P, S, K, I holding "policy fixture\n", "securebox fixture\n", "kernel
 * fixture\n" and "initrd fixture\n"; it printed the PCR values below. */
static void test_fixture_replays_to_sbx_measure_values(void **state)
{
	static const char *const printed[3] = {
		"5780bd1ac0a3947adc1809e74cadefdbfa0f9e459c500d6bfb8d7fa1285c8792",
		"353b00397d95dd4e3e772dc8c09426b7e8aa0fa01ba1755f730cb98889e74466",
		"cf6adcc91ecf229e267c9ce15291cc0777af42678cbac270ff43a852b29ebeb3",
	};
	/* The SHA-256 of that hv.elf's loaded image, as its record gives it. */
	static const char *const hypervisor_digest =
		"8e3bebfd113aa1f00dcb1fba6b91696887ff3a52b3a9755b18ffe6e7779425d6";
	static const char *const contents[SBX_MEASURED_COUNT] = {
		NULL, "policy fixture\n", "securebox fixture\n", "kernel fixture\n",
		"initrd fixture\n", "console=ttyS0 fixture",
	};
	uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
	uint8_t values[SBX_MEASURED_COUNT][SBX_DIGEST_SIZE];
	uint8_t want[REPLAY_DIGEST_SIZE], key_digest[32];
	struct event_log_error error;

	(void)state;
	load_fixture();
	assert_int_equal(replay_bytes(log.buffer, log.size, pcrs, &error), 0);
	for (int i = 0; i < 3; i++) {
		parse_hex(printed[i], want, sizeof(want));
		assert_memory_equal(pcrs[SBX_PCR_HYPERVISOR + i], want, sizeof(want));
	}

	parse_hex(hypervisor_digest, values[0], SBX_DIGEST_SIZE);
	for (size_t c = 0; c < SBX_MEASURED_COUNT; c++) {
		if (contents[c])
			sha256(contents[c], strlen(contents[c]), values[c]);
		expected.components[c] = (struct allowed_digests){ &values[c], 1 };
	}
	expect_verdict(VERIFY_TRUSTED, "");
	sha256(identity_key, sizeof(identity_key), key_digest);
	assert_memory_equal(verdict.identity_key_digest, key_digest, sizeof(key_digest));
}

/* Every proper prefix fails: a cut inside a record is malformed, a cut between
 * records leaves launch plan events missing. */
static void test_truncated_at_every_length_is_rejected(void **state)
{
	uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
	struct event_log_error error;
	static bool boundary[LOG_CAPACITY];
	struct event_log_reader reader;
	struct log_event event;

	(void)state;
	log_build_plan();
	assert_int_equal(event_log_reader_start(&reader, log.buffer, log.size, &error), 0);
	boundary[reader.offset] = true;
	while (event_log_reader_next(&reader, &event, &error) == 1)
		boundary[reader.offset] = true;

	for (size_t size = 0; size < log.size; size++) {
		int status = check_bytes(log.buffer, size);

		if (boundary[size]) {
			assert_int_equal(status, VERIFY_UNTRUSTED);
			assert_non_null(strstr(verdict.reason, "launch plan event missing"));
			assert_int_equal(replay_bytes(log.buffer, size, pcrs, &error), 0);
		} else {
			assert_int_equal(status, VERIFY_MALFORMED);
			assert_int_equal(replay_bytes(log.buffer, size, pcrs, &error), -1);
		}
	}
}

static void test_digest_not_matching_data_is_rejected(void **state)
{
	size_t policy = plan_index(SBX_EV_EVENT_TAG, SBX_COMPONENT_POLICY) + 1;

	(void)state;
	log_build_plan();
	event_field(policy, 12 + 2)[0] ^= 1;   /* the SHA-256 digest */
	expect_verdict(VERIFY_MALFORMED,
		       "pcr 17 event 2 (policy): SHA-256 digest does not match the event data");
	assert_int_equal(verdict.pcr, 17);
	assert_int_equal(verdict.event_index, 2);
	assert_string_equal(verdict.component, "policy");

	log_build_plan();
	event_field(policy, 12 + 2 + 32 + 4 + 8)[0] ^= 1;   /* the component digest */
	expect_verdict(VERIFY_MALFORMED, "pcr 17 event 2 (policy): SHA-256 digest does not match");
}

static void test_event_after_separator_is_rejected(void **state)
{
	(void)state;
	log_build_plan();
	log_add_component(SBX_PCR_COMMODITY, SBX_COMPONENT_KERNEL);
	expect_verdict(VERIFY_UNTRUSTED, "pcr 19 event 11 (kernel): event after the separator");

	/* PCR 17 is closed before the others are. */
	log_start();
	for (size_t i = 0; i <= plan_index(SBX_EV_SEPARATOR, 0); i++)
		log_add_plan_event(i);
	log_add_component(SBX_PCR_HYPERVISOR, SBX_COMPONENT_POLICY);
	expect_verdict(VERIFY_UNTRUSTED, "pcr 17 event 9 (policy): event after the separator");

	log_build_plan();
	log_add(0, SBX_EV_NO_ACTION, "x", 1);
	expect_verdict(VERIFY_UNTRUSTED, "pcr 0 event 11 (unknown event): the hypervisor log may");
}

static void test_reordered_event_is_rejected(void **state)
{
	(void)state;
	log_start();
	log_add_component(SBX_PCR_HYPERVISOR, SBX_COMPONENT_POLICY);
	log_add_component(SBX_PCR_HYPERVISOR, SBX_COMPONENT_HYPERVISOR);
	expect_verdict(VERIFY_UNTRUSTED, "pcr 17 event 1 (policy): out of sequence: "
			"the launch plan has hypervisor in pcr 17 here");

	/* The right component in the wrong PCR. */
	log_start();
	log_add_component(SBX_PCR_SECUREBOX, SBX_COMPONENT_HYPERVISOR);
	expect_verdict(VERIFY_UNTRUSTED, "pcr 18 event 1 (hypervisor): out of sequence");
}

static void test_unknown_tagged_id_is_rejected(void **state)
{
	struct sbx_measurement_record record;
	uint8_t digest[32] = { 0 };

	(void)state;
	log_start();
	launch_record_build(&record, SBX_COMPONENT_HYPERVISOR, digest, 0);
	record.tagged_event_id = 0x53425899;
	log_add(SBX_PCR_HYPERVISOR, SBX_EV_EVENT_TAG, &record, sizeof(record));
	expect_verdict(VERIFY_UNTRUSTED,
		       "pcr 17 event 1 (unknown component): unknown tagged event id");
}

static void test_malformed_record_is_rejected(void **state)
{
	struct sbx_measurement_record record;
	uint8_t digest[32] = { 0 };

	(void)state;
	log_start();
	launch_record_build(&record, SBX_COMPONENT_HYPERVISOR, digest, 0);
	log_add(SBX_PCR_HYPERVISOR, SBX_EV_EVENT_TAG, &record, sizeof(record) - 1);
	expect_verdict(VERIFY_MALFORMED, "pcr 17 event 1 (hypervisor): tagged event data is not 64");

	log_start();
	record.tagged_event_data_size = 55;
	log_add(SBX_PCR_HYPERVISOR, SBX_EV_EVENT_TAG, &record, sizeof(record));
	expect_verdict(VERIFY_MALFORMED, "tagged event data size is not 56");

	log_start();
	launch_record_build(&record, SBX_COMPONENT_HYPERVISOR, digest, 0);
	record.payload.name[SBX_COMPONENT_NAME_SIZE - 1] = 'x';   /* not NUL-padded */
	log_add(SBX_PCR_HYPERVISOR, SBX_EV_EVENT_TAG, &record, sizeof(record));
	expect_verdict(VERIFY_MALFORMED, "component name does not match");

	log_start();
	log_add(SBX_PCR_HYPERVISOR, SBX_EV_SEPARATOR, "\xff\xff\xff\xff", 4);
	expect_verdict(VERIFY_UNTRUSTED, "pcr 17 event 1 (separator): separator data is not");

	log_start();
	log_add(SBX_PCR_HYPERVISOR, EV_POST_CODE, "x", 1);
	expect_verdict(VERIFY_UNTRUSTED, "pcr 17 event 1 (unknown event): event type not in");
}

static void test_component_digest_must_be_allowed(void **state)
{
	static const char tampered[] = "tampered kernel";
	size_t kernel = plan_index(SBX_EV_EVENT_TAG, SBX_COMPONENT_KERNEL);
	size_t kernel_reference = SBX_COMPONENT_KERNEL - SBX_COMPONENT_HYPERVISOR;

	(void)state;
	log_start();
	for (size_t i = 0; i < launch_plan_length; i++) {
		if (i == kernel)
			log_add_component_content(SBX_PCR_COMMODITY, SBX_COMPONENT_KERNEL, tampered,
						  strlen(tampered));
		else
			log_add_plan_event(i);
	}
	expect_verdict(VERIFY_UNTRUSTED,
		       "pcr 19 event 4 (kernel): component digest is not an allowed reference value");
	assert_string_equal(verdict.component, "kernel");

	/* An update: the new kernel is the second of two allowed values. */
	sha256(tampered, strlen(tampered), reference[kernel_reference][1]);
	expected.components[kernel_reference].count = 2;
	expect_verdict(VERIFY_TRUSTED, "");

	/* An empty set allows nothing. */
	expected.components[kernel_reference].count = 0;
	expect_verdict(VERIFY_UNTRUSTED, "pcr 19 event 4 (kernel): component digest is not");
}

static void test_identity_key_exactly_once(void **state)
{
	size_t key = plan_index(SBX_EV_EVENT_TAG, SBX_COMPONENT_SECUREBOX_KEY);

	(void)state;
	log_start();
	for (size_t i = 0; i < launch_plan_length; i++) {
		log_add_plan_event(i);
		if (i == key)
			log_add_plan_event(i);
	}
	expect_verdict(VERIFY_UNTRUSTED,
		       "pcr 18 event 8 (securebox-key): identity key event appears twice");

	log_start();
	for (size_t i = 0; i < launch_plan_length; i++)
		if (i != key)
			log_add_plan_event(i);
	expect_verdict(VERIFY_UNTRUSTED, "pcr 18 event 7 (securebox-key): launch plan event missing");

	/* A key event whose payload is no public key's digest and size. */
	log_start();
	for (size_t i = 0; i < launch_plan_length; i++) {
		if (i == key)
			log_add_component_content(SBX_PCR_SECUREBOX, SBX_COMPONENT_SECUREBOX_KEY,
						  identity_key, sizeof(identity_key) - 1);
		else
			log_add_plan_event(i);
	}
	expect_verdict(VERIFY_MALFORMED, "identity key is not a 65-byte public key");
}

static void test_digest_list_must_match_header(void **state)
{
	(void)state;
	log_build_plan();
	event_field(1, 8)[0] = 2;   /* digest count */
	expect_parse_error("digest count differs from the Spec ID header");

	log_build_plan();
	event_field(3, 12)[0] = TPM2_ALG_SHA1;   /* the digest's algorithm */
	expect_parse_error("digest algorithm differs from the Spec ID header");
	assert_int_equal(verdict.event_index, 3);
}

static void test_event_size_over_cap_is_rejected(void **state)
{
	uint32_t over = EVENT_LOG_MAX_EVENT_SIZE + 1;

	(void)state;
	log_build_plan();
	memcpy(event_field(2, 12 + 2 + 32), &over, sizeof(over));
	expect_parse_error("event larger than the cap");

	log_build_plan();
	event_field(launch_plan_length, 12 + 2 + 32)[0]++;   /* one byte past the log */
	expect_parse_error("event data truncated");

	log_build_plan();
	log.buffer[log.size++] = 0;   /* a stray byte after the last record */
	expect_parse_error("event header truncated");
}

/* Offsets in the header record for a one-bank log. */
#define SPEC_ID 32
#define SPEC_ID_UINTN (SPEC_ID + 23)
#define SPEC_ID_COUNT (SPEC_ID + 24)
#define SPEC_ID_ALGORITHM (SPEC_ID + 28)
#define SPEC_ID_DIGEST_SIZE (SPEC_ID + 30)
#define SPEC_ID_VENDOR_SIZE (SPEC_ID + 32)

static void test_spec_id_header_is_strict(void **state)
{
	const struct tpm2_bank_list sha1_only = { 1, { TPM2_ALG_SHA1 } };
	static const struct {
		size_t offset;
		uint8_t value;
		const char *reason;
	} corruptions[] = {
		{ 0, 1, "first record is not an EV_NO_ACTION header in PCR 0" },
		{ 8, 1, "first record is not an EV_NO_ACTION header in PCR 0" },
		{ SPEC_ID + 3, 'x', "not a Spec ID Event03 signature" },
		{ SPEC_ID + 15, ' ', "not a Spec ID Event03 signature" },
		{ SPEC_ID + 21, 3, "Spec ID version is not 2.0" },
		{ SPEC_ID_UINTN, 3, "uintnSize is neither 1 nor 2" },
		{ SPEC_ID_COUNT, 0, "algorithm count out of range" },
		{ SPEC_ID_COUNT, 9, "algorithm count out of range" },
		{ SPEC_ID_COUNT, 2, "algorithm list truncated" },
		{ SPEC_ID_ALGORITHM, 0x0a, "names an unknown algorithm" },
		{ SPEC_ID_DIGEST_SIZE, 20, "digest size does not match its algorithm" },
		{ SPEC_ID_VENDOR_SIZE, 1, "vendor info past the event" },
		{ 28, 32, "vendor info size missing" },   /* event size one short */
		{ 28, 34, "bytes after the Spec ID structure" },
		{ 29, 0xff, "header event data truncated" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(corruptions) / sizeof(corruptions[0]); i++) {
		log_build_plan();
		log.buffer[corruptions[i].offset] = corruptions[i].value;
		expect_parse_error(corruptions[i].reason);
		assert_int_equal(verdict.event_index, 0);
		assert_string_equal(verdict.component, "header");
	}

	/* An algorithm named twice. */
	log_build_plan();
	log.buffer[28] += 4;
	log.buffer[SPEC_ID_COUNT] = 2;
	memmove(log.buffer + SPEC_ID_VENDOR_SIZE + 4, log.buffer + SPEC_ID_VENDOR_SIZE,
		log.size - SPEC_ID_VENDOR_SIZE);
	memcpy(log.buffer + SPEC_ID_VENDOR_SIZE, log.buffer + SPEC_ID_ALGORITHM, 4);
	log.size += 4;
	expect_parse_error("names an algorithm twice");

	/* A log without the SHA-256 bank cannot be replayed. */
	log_start_banks(&sha1_only);
	expect_parse_error("the log has no SHA-256 bank");
}

/* A firmware-like log well past 64 KiB: StartupLocality, then many EV_POST_CODE
 * events among EV_NO_ACTION ones, and one large event. */
static void test_large_firmware_log_replays(void **state)
{
	static uint8_t large_event[200 * 1024];
	uint8_t startup_locality[17] = "StartupLocality";
	uint8_t post_code[48];

	(void)state;
	log_start();
	startup_locality[16] = 3;
	log_add(0, SBX_EV_NO_ACTION, startup_locality, sizeof(startup_locality));
	expected_pcrs[0][31] = 3;
	for (int i = 0; i < 1500; i++) {
		memset(post_code, i & 0xff, sizeof(post_code));
		log_add((uint32_t)i % 8, EV_POST_CODE, post_code, sizeof(post_code));
		if (i % 10 == 0)
			log_add(0, SBX_EV_NO_ACTION, post_code, sizeof(post_code));
	}
	assert_true(log.size > 64 * 1024);
	expect_replay();

	/* One event larger than the hypervisor's writer allows: the reader's cap is the
	 * only limit. */
	log_start();
	log_add_large(5, EV_POST_CODE, large_event, sizeof(large_event));
	expect_replay();
}

static void test_startup_locality_rules(void **state)
{
	uint8_t startup_locality[17] = "StartupLocality";
	uint8_t pcrs[EVENT_LOG_PCR_COUNT][REPLAY_DIGEST_SIZE];
	struct event_log_error error;

	(void)state;
	log_start();
	log_add(0, EV_POST_CODE, "x", 1);
	log_add(0, SBX_EV_NO_ACTION, startup_locality, sizeof(startup_locality));
	assert_int_equal(replay_bytes(log.buffer, log.size, pcrs, &error), -1);
	assert_string_equal(error.reason, "StartupLocality after PCR 0 was extended or set");
	assert_int_equal(error.event_index, 2);

	log_start();
	log_add(0, SBX_EV_NO_ACTION, startup_locality, sizeof(startup_locality));
	log_add(0, SBX_EV_NO_ACTION, startup_locality, sizeof(startup_locality));
	assert_int_equal(replay_bytes(log.buffer, log.size, pcrs, &error), -1);
	assert_string_equal(error.reason, "StartupLocality after PCR 0 was extended or set");

	log_start();
	startup_locality[16] = 2;
	log_add(0, SBX_EV_NO_ACTION, startup_locality, sizeof(startup_locality));
	assert_int_equal(replay_bytes(log.buffer, log.size, pcrs, &error), -1);
	assert_string_equal(error.reason, "StartupLocality is not 0, 3 or 4");

	/* In another PCR it is just an EV_NO_ACTION, which extends nothing. */
	log_start();
	log_add(7, SBX_EV_NO_ACTION, startup_locality, sizeof(startup_locality));
	expect_replay();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_log_passes_and_replays, setup),
		cmocka_unit_test_setup(test_two_bank_log_passes, setup),
		cmocka_unit_test_setup(test_fixture_replays_to_sbx_measure_values, setup),
		cmocka_unit_test_setup(test_truncated_at_every_length_is_rejected, setup),
		cmocka_unit_test_setup(test_digest_not_matching_data_is_rejected, setup),
		cmocka_unit_test_setup(test_event_after_separator_is_rejected, setup),
		cmocka_unit_test_setup(test_reordered_event_is_rejected, setup),
		cmocka_unit_test_setup(test_unknown_tagged_id_is_rejected, setup),
		cmocka_unit_test_setup(test_malformed_record_is_rejected, setup),
		cmocka_unit_test_setup(test_component_digest_must_be_allowed, setup),
		cmocka_unit_test_setup(test_identity_key_exactly_once, setup),
		cmocka_unit_test_setup(test_digest_list_must_match_header, setup),
		cmocka_unit_test_setup(test_event_size_over_cap_is_rejected, setup),
		cmocka_unit_test_setup(test_spec_id_header_is_strict, setup),
		cmocka_unit_test_setup(test_large_firmware_log_replays, setup),
		cmocka_unit_test_setup(test_startup_locality_rules, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
