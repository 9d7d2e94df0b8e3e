/* The crypto-agile event log writer: exact bytes of the Spec ID header and of
 * TCG_PCR_EVENT2 records, and that every failure leaves the log untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "event_log.h"
#include "sbx/measurement.h"

static uint32_t read_u32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t read_u16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static const struct tpm2_bank_list two_banks = { 2, { TPM2_ALG_SHA1, TPM2_ALG_SHA256 } };

static struct tpm2_digest_list digests_for(const struct tpm2_bank_list *banks, uint8_t fill)
{
	struct tpm2_digest_list list = { 0 };

	/* Reverse order: the writer must put them in header order itself. */
	for (uint32_t i = 0; i < banks->count; i++) {
		struct tpm2_digest *d = &list.digest[banks->count - 1 - i];

		d->algorithm = banks->algorithm[i];
		d->size = tpm2_digest_size(banks->algorithm[i]);
		memset(d->bytes, fill + i, d->size);
	}
	list.count = banks->count;
	return list;
}

static void spec_id_header_layout(void **state)
{
	uint8_t buffer[512];
	struct event_log log;

	(void)state;
	assert_int_equal(event_log_init(&log, buffer, sizeof(buffer), &two_banks), EVENT_LOG_OK);
	assert_int_equal(read_u32(buffer), 0);                    /* PCR index */
	assert_int_equal(read_u32(buffer + 4), SBX_EV_NO_ACTION);
	for (int i = 0; i < 20; i++)
		assert_int_equal(buffer[8 + i], 0);
	uint32_t event_size = read_u32(buffer + 28);
	const uint8_t *spec = buffer + 32;
	assert_memory_equal(spec, "Spec ID Event03\0", 16);
	assert_int_equal(read_u32(spec + 16), 0);                 /* client platform */
	assert_int_equal(spec[20], 0);                            /* minor */
	assert_int_equal(spec[21], 2);                            /* major */
	assert_int_equal(spec[23], 2);                            /* uintnSize: 64-bit */
	assert_int_equal(read_u32(spec + 24), 2);
	assert_int_equal(read_u16(spec + 28), TPM2_ALG_SHA1);
	assert_int_equal(read_u16(spec + 30), 20);
	assert_int_equal(read_u16(spec + 32), TPM2_ALG_SHA256);
	assert_int_equal(read_u16(spec + 34), 32);
	assert_int_equal(spec[36], 0);                            /* vendorInfoSize */
	assert_int_equal(event_size, 37);
	assert_int_equal(log.size, 32 + 37);
}

static void appended_event_layout(void **state)
{
	uint8_t buffer[512], data[] = "component record";
	struct event_log log;
	struct tpm2_digest_list digests = digests_for(&two_banks, 0xa0);
	size_t header;

	(void)state;
	event_log_init(&log, buffer, sizeof(buffer), &two_banks);
	header = log.size;
	assert_int_equal(event_log_append(&log, 17, SBX_EV_EVENT_TAG, &digests, data,
					  sizeof(data)), EVENT_LOG_OK);
	const uint8_t *event = buffer + header;
	assert_int_equal(read_u32(event), 17);
	assert_int_equal(read_u32(event + 4), SBX_EV_EVENT_TAG);
	assert_int_equal(read_u32(event + 8), 2);
	assert_int_equal(read_u16(event + 12), TPM2_ALG_SHA1);
	for (int i = 0; i < 20; i++)
		assert_int_equal(event[14 + i], 0xa0);
	assert_int_equal(read_u16(event + 34), TPM2_ALG_SHA256);
	for (int i = 0; i < 32; i++)
		assert_int_equal(event[36 + i], 0xa1);
	assert_int_equal(read_u32(event + 68), sizeof(data));
	assert_memory_equal(event + 72, data, sizeof(data));
	assert_int_equal(log.size, header + 72 + sizeof(data));
}

static void extra_digests_are_ignored(void **state)
{
	static const struct tpm2_bank_list one_bank = { 1, { TPM2_ALG_SHA256 } };
	uint8_t buffer[512];
	struct event_log log;
	struct tpm2_digest_list digests = digests_for(&two_banks, 0x10);
	size_t header;

	(void)state;
	event_log_init(&log, buffer, sizeof(buffer), &one_bank);
	header = log.size;
	assert_int_equal(event_log_append(&log, 18, SBX_EV_SEPARATOR, &digests, "\0\0\0\0", 4),
			 EVENT_LOG_OK);
	assert_int_equal(read_u32(buffer + header + 8), 1);
	assert_int_equal(read_u16(buffer + header + 12), TPM2_ALG_SHA256);
	assert_int_equal(log.size, header + 12 + 2 + 32 + 4 + 4);
}

static void missing_digest_leaves_log_unchanged(void **state)
{
	static const struct tpm2_bank_list sha1_only = { 1, { TPM2_ALG_SHA1 } };
	uint8_t buffer[512], before[512];
	struct event_log log;
	struct tpm2_digest_list digests = digests_for(&sha1_only, 0x10);
	size_t size;

	(void)state;
	event_log_init(&log, buffer, sizeof(buffer), &two_banks);
	memcpy(before, buffer, sizeof(buffer));
	size = log.size;
	assert_int_equal(event_log_append(&log, 17, SBX_EV_EVENT_TAG, &digests, "x", 1),
			 EVENT_LOG_MISSING_DIGEST);
	assert_int_equal(log.size, size);
	assert_memory_equal(buffer, before, sizeof(buffer));

	/* A digest of the right algorithm but the wrong size counts as missing. */
	digests = digests_for(&two_banks, 0x10);
	digests.digest[0].size = 20;   /* the SHA-256 entry, listed first */
	assert_int_equal(event_log_append(&log, 17, SBX_EV_EVENT_TAG, &digests, "x", 1),
			 EVENT_LOG_MISSING_DIGEST);
	assert_int_equal(log.size, size);
}

static void full_log_leaves_log_unchanged(void **state)
{
	uint8_t buffer[200];
	struct event_log log;
	struct tpm2_digest_list digests = digests_for(&two_banks, 0x20);
	uint8_t data[64] = { 0 };
	size_t size;

	(void)state;
	event_log_init(&log, buffer, sizeof(buffer), &two_banks);
	size = log.size;   /* 69; one event of 72 + 64 bytes would exceed 200 */
	assert_int_equal(event_log_append(&log, 17, SBX_EV_EVENT_TAG, &digests, data, 64),
			 EVENT_LOG_FULL);
	assert_int_equal(log.size, size);
	assert_int_equal(event_log_append(&log, 17, SBX_EV_EVENT_TAG, &digests, data, 40),
			 EVENT_LOG_OK);
	assert_int_equal(log.size, size + 72 + 40);
}

static void oversized_event_rejected(void **state)
{
	static uint8_t buffer[8192], data[EVENT_LOG_MAX_EVENT_DATA + 1];
	struct event_log log;
	struct tpm2_digest_list digests = digests_for(&two_banks, 0x20);

	(void)state;
	event_log_init(&log, buffer, sizeof(buffer), &two_banks);
	assert_int_equal(event_log_append(&log, 17, SBX_EV_EVENT_TAG, &digests, data,
					  sizeof(data)), EVENT_LOG_BAD_EVENT);
}

static void bad_bank_lists_rejected(void **state)
{
	uint8_t buffer[512];
	struct event_log log;
	struct tpm2_bank_list none = { 0, { 0 } };
	struct tpm2_bank_list unknown = { 1, { 0x0099 } };
	struct tpm2_bank_list too_many = { TPM2_MAX_BANKS + 1, { 0 } };

	(void)state;
	assert_int_equal(event_log_init(&log, buffer, sizeof(buffer), &none), EVENT_LOG_BAD_BANKS);
	assert_int_equal(event_log_init(&log, buffer, sizeof(buffer), &unknown),
			 EVENT_LOG_BAD_BANKS);
	assert_int_equal(event_log_init(&log, buffer, sizeof(buffer), &too_many),
			 EVENT_LOG_BAD_BANKS);
	assert_int_equal(event_log_init(&log, buffer, 40, &two_banks), EVENT_LOG_FULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_id_header_layout),
		cmocka_unit_test(appended_event_layout),
		cmocka_unit_test(extra_digests_are_ignored),
		cmocka_unit_test(missing_digest_leaves_log_unchanged),
		cmocka_unit_test(full_log_leaves_log_unchanged),
		cmocka_unit_test(oversized_event_rejected),
		cmocka_unit_test(bad_bank_lists_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
