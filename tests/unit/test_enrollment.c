/* Unit tests for the enrollment store (attest/enrollment.c), with the swtpm AK of
 * the quote fixtures: a record survives a round trip, a missing one is reported as
 * absent, and a record that has been damaged or edited does not load. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "encoding.h"
#include "enrollment.h"

#define FIXTURES "tests/unit/fixtures/"

static char root[64];
static char directory[128];
static char record[256];
static struct enrollment enrolled;

static size_t load(const char *name, uint8_t *bytes, size_t capacity)
{
	FILE *file = fopen(name, "rb");
	size_t size;

	assert_non_null(file);
	size = fread(bytes, 1, capacity, file);
	assert_true(size > 0 && size < capacity);
	fclose(file);
	return size;
}

static int setup(void **state)
{
	uint8_t name[AK_NAME_SIZE + 1];
	char hex[2 * AK_NAME_SIZE + 1];

	(void)state;
	strcpy(root, "/tmp/test_enrollment.XXXXXX");
	assert_non_null(mkdtemp(root));
	/* Two levels that do not exist yet: the store makes both. */
	snprintf(directory, sizeof(directory), "%s/state/ak", root);
	memset(&enrolled, 0, sizeof(enrolled));
	enrolled.ak_public_size = load(FIXTURES "quote_ak.pub", enrolled.ak_public,
				       sizeof(enrolled.ak_public));
	assert_int_equal(load(FIXTURES "quote_ak.name", name, sizeof(name)), AK_NAME_SIZE);
	memcpy(enrolled.ak_name, name, AK_NAME_SIZE);
	memset(enrolled.ek_certificate_sha256, 0xec, sizeof(enrolled.ek_certificate_sha256));
	hex_encode(enrolled.ak_name, AK_NAME_SIZE, hex);
	snprintf(record, sizeof(record), "%s/%s.json", directory, hex);
	return 0;
}

static int teardown(void **state)
{
	char command[160];

	(void)state;
	snprintf(command, sizeof(command), "rm -rf '%s'", root);
	assert_int_equal(system(command), 0);
	return 0;
}

static void store_ok(const struct enrollment *enrollment)
{
	char reason[ENROLLMENT_REASON_SIZE] = "";

	if (enrollment_store(directory, enrollment, reason) != 0)
		fail_msg("store failed: %s", reason);
}

static size_t directory_entries(void)
{
	DIR *handle = opendir(directory);
	struct dirent *entry;
	size_t count = 0;

	assert_non_null(handle);
	while ((entry = readdir(handle)))
		count += entry->d_name[0] != '.' || (strcmp(entry->d_name, ".") != 0 &&
						     strcmp(entry->d_name, "..") != 0);
	closedir(handle);
	return count;
}

static void test_absent_record(void **state)
{
	struct enrollment loaded;
	char reason[ENROLLMENT_REASON_SIZE];

	(void)state;
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), 0);
}

static void test_round_trip(void **state)
{
	struct enrollment loaded, counted = enrolled;
	char reason[ENROLLMENT_REASON_SIZE] = "";

	(void)state;
	store_ok(&enrolled);
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), 1);
	assert_memory_equal(&loaded, &enrolled, sizeof(loaded));
	assert_false(loaded.has_counters);

	counted.has_counters = true;
	counted.reset_count = 4294967295u;
	counted.restart_count = 7;
	store_ok(&counted);
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), 1);
	assert_true(loaded.has_counters);
	assert_int_equal(loaded.reset_count, 4294967295u);
	assert_int_equal(loaded.restart_count, 7);
	/* The rename replaced the record; no temporary file is left behind. */
	assert_int_equal(directory_entries(), 1);
	assert_int_equal(access(record, R_OK), 0);
}

static void test_store_refuses_a_key_of_another_name(void **state)
{
	struct enrollment wrong = enrolled;
	char reason[ENROLLMENT_REASON_SIZE] = "";

	(void)state;
	wrong.ak_name[5] ^= 1;
	assert_int_equal(enrollment_store(directory, &wrong, reason), -1);
	assert_string_equal(reason, "ak_public does not hash to the record's AK Name");
	wrong = enrolled;
	wrong.ak_public_size = 10;
	assert_int_equal(enrollment_store(directory, &wrong, reason), -1);
	assert_non_null(strstr(reason, "ak_public is not an acceptable AK (ak.size)"));
	wrong.ak_public_size = ENROLLMENT_AK_PUBLIC_MAX + 1;
	assert_int_equal(enrollment_store(directory, &wrong, reason), -1);
}

/* Rewrites the stored record through `edit`, then expects the load to fail with a
 * reason containing `expected`. */
static void expect_corrupt(void (*edit)(struct json_object *record), const char *expected)
{
	struct json_object *object;
	struct enrollment loaded;
	char reason[ENROLLMENT_REASON_SIZE] = "";
	FILE *file;

	store_ok(&enrolled);
	object = json_object_from_file(record);
	assert_non_null(object);
	edit(object);
	file = fopen(record, "w");
	fputs(json_object_to_json_string_ext(object, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE), file);
	fclose(file);
	json_object_put(object);
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), -1);
	if (!strstr(reason, expected) || !strstr(reason, "corrupt enrollment record"))
		fail_msg("reason \"%s\" does not contain \"%s\"", reason, expected);
	assert_int_equal(loaded.ak_public_size, 0);
}

static void other_modulus(struct json_object *object)
{
	uint8_t ak[ENROLLMENT_AK_PUBLIC_MAX];
	char *text;

	memcpy(ak, enrolled.ak_public, enrolled.ak_public_size);
	ak[enrolled.ak_public_size - 1] ^= 0x01;   /* the modulus's last byte */
	text = base64_encode_alloc(ak, enrolled.ak_public_size);
	json_object_object_add(object, "ak_public", json_object_new_string(text));
	free(text);
}

static void other_name(struct json_object *object)
{
	char hex[2 * AK_NAME_SIZE + 1];
	uint8_t name[AK_NAME_SIZE];

	memcpy(name, enrolled.ak_name, AK_NAME_SIZE);
	name[AK_NAME_SIZE - 1] ^= 0x80;
	hex_encode(name, AK_NAME_SIZE, hex);
	json_object_object_add(object, "ak_name", json_object_new_string(hex));
}

static void bad_base64(struct json_object *object)
{
	json_object_object_add(object, "ak_public", json_object_new_string("AAA"));
}

static void extra_field(struct json_object *object)
{
	json_object_object_add(object, "trusted", json_object_new_boolean(1));
}

static void no_certificate(struct json_object *object)
{
	json_object_object_del(object, "ek_certificate_sha256");
}

static void negative_counter(struct json_object *object)
{
	struct json_object *counters = json_object_new_object();

	json_object_object_add(counters, "reset_count", json_object_new_int(-1));
	json_object_object_add(counters, "restart_count", json_object_new_int(0));
	json_object_object_add(object, "counters", counters);
}

static void huge_counter(struct json_object *object)
{
	struct json_object *counters = json_object_new_object();

	json_object_object_add(counters, "reset_count", json_object_new_int(0));
	json_object_object_add(counters, "restart_count", json_object_new_int64(4294967296));
	json_object_object_add(object, "counters", counters);
}

static void counters_as_number(struct json_object *object)
{
	json_object_object_add(object, "counters", json_object_new_int(3));
}

static void other_version(struct json_object *object)
{
	json_object_object_add(object, "sbx_enrollment", json_object_new_int(2));
}

static void test_corrupt_records_fail_closed(void **state)
{
	(void)state;
	expect_corrupt(other_modulus, "ak_public does not hash to the record's AK Name");
	expect_corrupt(other_name, "field ak_name: not the Name the record is filed under");
	expect_corrupt(bad_base64, "field ak_public: not canonical base64");
	expect_corrupt(extra_field, "unknown field trusted");
	expect_corrupt(no_certificate, "missing field ek_certificate_sha256");
	expect_corrupt(negative_counter, "field counters.reset_count: -1 is outside");
	expect_corrupt(huge_counter, "field counters.restart_count: 4294967296 is outside");
	expect_corrupt(counters_as_number, "field counters: neither null nor an object");
	expect_corrupt(other_version, "field sbx_enrollment: 2 is outside 1..1");
}

static void test_truncated_and_unreadable_records(void **state)
{
	struct enrollment loaded;
	char reason[ENROLLMENT_REASON_SIZE] = "";

	(void)state;
	store_ok(&enrolled);
	assert_int_equal(truncate(record, 40), 0);
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), -1);
	assert_non_null(strstr(reason, "corrupt enrollment record"));
	assert_int_equal(truncate(record, 20000), 0);
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), -1);
	assert_non_null(strstr(reason, "too large"));
	assert_int_equal(unlink(record), 0);
	assert_int_equal(mkdir(record, 0700), 0);   /* exists, but cannot be read */
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), -1);
	assert_non_null(strstr(reason, "cannot read"));
	assert_int_equal(rmdir(record), 0);
}

static void expect_refused(const char *expected)
{
	struct enrollment loaded;
	char reason[ENROLLMENT_REASON_SIZE] = "";

	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), -1);
	if (!strstr(reason, expected))
		fail_msg("reason \"%s\" does not contain \"%s\"", reason, expected);
	assert_int_equal(loaded.ak_public_size, 0);
}

/* Whoever may write a record or the store could enrol a key of their own; a FIFO
 * under a record's name must not hang the verifier (the alarm turns a hang into a
 * failure). */
static void test_shared_or_special_records_are_refused(void **state)
{
	char reason[ENROLLMENT_REASON_SIZE] = "";

	(void)state;
	store_ok(&enrolled);
	assert_int_equal(chmod(record, 0620), 0);
	expect_refused("is writable by other users");
	assert_int_equal(chmod(record, 0600), 0);
	assert_int_equal(chmod(directory, 0777), 0);
	expect_refused("is writable by other users");
	assert_int_equal(enrollment_store(directory, &enrolled, reason), -1);
	assert_non_null(strstr(reason, "is writable by other users"));
	assert_int_equal(chmod(directory, 0700), 0);

	assert_int_equal(unlink(record), 0);
	assert_int_equal(mkfifo(record, 0600), 0);
	alarm(10);
	expect_refused("not a regular file");
	alarm(0);
	assert_int_equal(unlink(record), 0);
}

/* The store's lock file, which enrolling and recording counts leave behind. */
static void unlink_lock(void)
{
	char lock[300];

	snprintf(lock, sizeof(lock), "%s/.lock", directory);
	assert_int_equal(unlink(lock), 0);
}

/* Enrolling again keeps the counts seen with the same EK certificate, drops them
 * with another, and never replaces a record that does not load. */
static void test_enrol_again(void **state)
{
	struct enrollment counted = enrolled, again = enrolled, loaded;
	char reason[ENROLLMENT_REASON_SIZE] = "";
	struct stat before, after;

	(void)state;
	counted.has_counters = true;
	counted.reset_count = 9;
	counted.restart_count = 2;
	store_ok(&counted);
	assert_int_equal(enrollment_enroll(directory, &again, reason), 0);
	assert_true(again.has_counters);
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), 1);
	assert_true(loaded.has_counters);
	assert_int_equal(loaded.reset_count, 9);
	assert_int_equal(loaded.restart_count, 2);

	again = enrolled;
	again.ek_certificate_sha256[0] ^= 1;
	assert_int_equal(enrollment_enroll(directory, &again, reason), 0);
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), 1);
	assert_false(loaded.has_counters);

	store_ok(&counted);
	assert_int_equal(truncate(record, 40), 0);
	assert_int_equal(stat(record, &before), 0);
	again = enrolled;
	assert_int_equal(enrollment_enroll(directory, &again, reason), -1);
	assert_non_null(strstr(reason, "cannot be read"));
	assert_int_equal(stat(record, &after), 0);
	assert_int_equal(after.st_size, 40);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(unlink(record), 0);
	unlink_lock();
}

/* A verifier records a trusted quote's counts against the record as it is when
 * it writes, not as it was when the quote was checked: another verifier may have
 * recorded higher counts in between, and those must not go down. */
static void test_counts_advance_against_the_record_now(void **state)
{
	struct enrollment seen = enrolled, counted = enrolled, loaded, other = enrolled;
	char reason[ENROLLMENT_REASON_SIZE] = "", lock[300];
	struct stat status;

	(void)state;
	store_ok(&enrolled);   /* what this verifier loaded: no counts yet */
	counted.has_counters = true;
	counted.reset_count = 9;
	counted.restart_count = 2;
	store_ok(&counted);    /* what another verifier recorded meanwhile */

	assert_int_equal(enrollment_advance(directory, &seen, 5, 0, reason),
			 ENROLLMENT_COUNTS_BELOW);
	assert_non_null(strstr(reason, "5/0 are below the 9/2"));
	assert_int_equal(enrollment_advance(directory, &seen, 9, 1, reason),
			 ENROLLMENT_COUNTS_BELOW);
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), 1);
	assert_int_equal(loaded.reset_count, 9);
	assert_int_equal(loaded.restart_count, 2);

	assert_int_equal(enrollment_advance(directory, &seen, 9, 2, reason), 0);
	assert_int_equal(enrollment_advance(directory, &seen, 10, 0, reason), 0);
	assert_int_equal(enrollment_load(directory, enrolled.ak_name, &loaded, reason), 1);
	assert_true(loaded.has_counters);
	assert_int_equal(loaded.reset_count, 10);
	assert_int_equal(loaded.restart_count, 0);

	/* Enrolled again against another EK certificate since: not this record. */
	other.ek_certificate_sha256[0] ^= 1;
	assert_int_equal(enrollment_advance(directory, &other, 11, 0, reason), -1);
	assert_non_null(strstr(reason, "enrolled again meanwhile"));

	snprintf(lock, sizeof(lock), "%s/.lock", directory);
	assert_int_equal(stat(lock, &status), 0);
	assert_int_equal(status.st_mode & 0777, 0600);
	assert_int_equal(unlink(record), 0);
	assert_int_equal(enrollment_advance(directory, &seen, 11, 0, reason), -1);
	assert_non_null(strstr(reason, "removed meanwhile"));
	unlink_lock();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_record),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_store_refuses_a_key_of_another_name),
		cmocka_unit_test(test_corrupt_records_fail_closed),
		cmocka_unit_test(test_truncated_and_unreadable_records),
		cmocka_unit_test(test_shared_or_special_records_are_refused),
		cmocka_unit_test(test_enrol_again),
		cmocka_unit_test(test_counts_advance_against_the_record_now),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
