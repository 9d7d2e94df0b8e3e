/* Unit tests for build/reference.json's parser (attest/reference.c). A valid file
 * is built with json-c from this build's launch plan, as sbx-reference writes it;
 * each test changes one thing and expects a refusal naming the field. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "launch_plan.h"
#include "reference.h"

static struct reference reference;

static char *hex_of(uint8_t fill)
{
	char *text = malloc(2 * SBX_DIGEST_SIZE + 1);

	assert_non_null(text);
	for (size_t i = 0; i < SBX_DIGEST_SIZE; i++)
		snprintf(text + 2 * i, 3, "%02x", (unsigned)(uint8_t)(fill + i));
	return text;
}

static struct json_object *digest_list(uint8_t fill, size_t count)
{
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; i < count; i++) {
		char *hex = hex_of((uint8_t)(fill + 0x40 * i));

		json_object_array_add(list, json_object_new_string(hex));
		free(hex);
	}
	return list;
}

static struct json_object *plan_events(void)
{
	struct json_object *events = json_object_new_array();

	for (size_t i = 0; i < launch_plan_length; i++) {
		struct json_object *event = json_object_new_object();

		json_object_object_add(event, "pcr", json_object_new_int((int)launch_plan[i].pcr));
		json_object_object_add(event, "event", json_object_new_string(
			launch_plan[i].event_type == SBX_EV_SEPARATOR
				? "separator" : launch_component_name(launch_plan[i].component)));
		json_object_array_add(events, event);
	}
	return events;
}

/* Component c's values start at 0x10 * c + 1, PCR n's at 0xa0 + n; kernel has two. */
static struct json_object *valid_reference(void)
{
	struct json_object *root = json_object_new_object();
	struct json_object *components = json_object_new_object();
	struct json_object *pcrs = json_object_new_object();

	for (size_t c = 0; c < SBX_MEASURED_COUNT; c++)
		json_object_object_add(components, report_component_name(c),
				       digest_list((uint8_t)(0x10 * c + 1),
						   c == SBX_MEASURED_KERNEL ? 2 : 1));
	for (int pcr = 0; pcr < REFERENCE_PLATFORM_PCRS; pcr++) {
		char name[12];

		snprintf(name, sizeof(name), "%d", pcr);
		json_object_object_add(pcrs, name, digest_list((uint8_t)(0xa0 + pcr), 1));
	}
	json_object_object_add(root, "sbx_reference", json_object_new_int(1));
	json_object_object_add(root, "components", components);
	json_object_object_add(root, "hv_events", plan_events());
	json_object_object_add(root, "platform_pcrs", pcrs);
	return root;
}

/* Parses `root`'s text, pretty-printed as sbx-reference writes it, and releases
 * `root`. */
static int parse_object(struct json_object *root, char reason[REFERENCE_REASON_SIZE])
{
	const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_SPACED);
	size_t size = strlen(text);
	char *copy = malloc(size);
	int status;

	memcpy(copy, text, size);
	status = reference_parse(copy, size, &reference, reason);
	free(copy);
	json_object_put(root);
	return status;
}

static void expect_refused(struct json_object *root, const char *expected)
{
	char reason[REFERENCE_REASON_SIZE] = "";

	assert_int_equal(parse_object(root, reason), -1);
	if (!strstr(reason, expected))
		fail_msg("reason \"%s\" does not contain \"%s\"", reason, expected);
	assert_int_equal(reference.components[0].count, 0);
	assert_null(reference.components[0].values);
}

static struct json_object *member(struct json_object *object, const char *name)
{
	struct json_object *value;

	assert_true(json_object_object_get_ex(object, name, &value));
	return value;
}

static void test_valid_reference_parses(void **state)
{
	char reason[REFERENCE_REASON_SIZE] = "";

	(void)state;
	assert_int_equal(parse_object(valid_reference(), reason), 0);
	for (size_t c = 0; c < SBX_MEASURED_COUNT; c++) {
		const struct allowed_digests *allowed = &reference.components[c];

		assert_int_equal(allowed->count, c == SBX_MEASURED_KERNEL ? 2 : 1);
		/* The allowed values point into the reference's own arrays. */
		assert_ptr_equal(allowed->values, reference.component_values[c]);
		assert_int_equal(allowed->values[0][0], 0x10 * c + 1);
		assert_int_equal(allowed->values[0][31], 0x10 * c + 1 + 31);
	}
	assert_int_equal(reference.components[SBX_MEASURED_KERNEL].values[1][0],
			 0x10 * SBX_MEASURED_KERNEL + 1 + 0x40);
	for (int pcr = 0; pcr < REFERENCE_PLATFORM_PCRS; pcr++) {
		assert_int_equal(reference.platform_pcrs[pcr].count, 1);
		assert_ptr_equal(reference.platform_pcrs[pcr].values,
				 reference.platform_values[pcr]);
		assert_int_equal(reference.platform_pcrs[pcr].values[0][0], 0xa0 + pcr);
	}
}

static void test_version_and_top_fields(void **state)
{
	struct json_object *root;

	(void)state;
	root = valid_reference();
	json_object_object_add(root, "sbx_reference", json_object_new_int(2));
	expect_refused(root, "field sbx_reference: 2 is outside 1..1");
	root = valid_reference();
	json_object_object_del(root, "platform_pcrs");
	expect_refused(root, "missing field platform_pcrs");
	root = valid_reference();
	json_object_object_add(root, "comment", json_object_new_string("x"));
	expect_refused(root, "unknown field comment");
	root = valid_reference();
	json_object_object_add(root, "components", json_object_new_array());
	expect_refused(root, "field components: an array, not an object");
}

static void test_components(void **state)
{
	struct json_object *root, *list;

	(void)state;
	root = valid_reference();
	json_object_object_del(member(root, "components"), "initrd");
	expect_refused(root, "missing field components.initrd");
	root = valid_reference();
	json_object_object_add(member(root, "components"), "securebox-key", digest_list(1, 1));
	expect_refused(root, "unknown field components.securebox-key");
	root = valid_reference();
	json_object_object_add(member(root, "components"), "policy", digest_list(1, 0));
	expect_refused(root, "field components.policy: 0 values, not 1 to 64");
	root = valid_reference();
	json_object_object_add(member(root, "components"), "policy", digest_list(1, 65));
	expect_refused(root, "field components.policy: 65 values, not 1 to 64");
	root = valid_reference();
	json_object_object_add(member(root, "components"), "policy", json_object_new_string("x"));
	expect_refused(root, "field components.policy: not an array");

	root = valid_reference();
	list = member(member(root, "components"), "kernel");
	json_object_array_put_idx(list, 1, json_object_new_string(
		"ABCDEF0000000000000000000000000000000000000000000000000000000000"));
	expect_refused(root, "field components.kernel[1]: not a string of 64 lower-case hex");
	root = valid_reference();
	list = member(member(root, "components"), "kernel");
	json_object_array_put_idx(list, 0, json_object_new_string("00"));
	expect_refused(root, "field components.kernel[0]: not a string of 64");
	root = valid_reference();
	list = member(member(root, "components"), "kernel");
	json_object_array_put_idx(list, 0, json_object_new_int(0));
	expect_refused(root, "field components.kernel[0]: not a string");
}

static void test_largest_lists_parse(void **state)
{
	struct json_object *root = valid_reference();
	char reason[REFERENCE_REASON_SIZE] = "";

	(void)state;
	json_object_object_add(member(root, "components"), "cmdline",
			       digest_list(3, REFERENCE_VALUES_MAX));
	json_object_object_add(member(root, "platform_pcrs"), "9",
			       digest_list(3, REFERENCE_VALUES_MAX));
	assert_int_equal(parse_object(root, reason), 0);
	assert_int_equal(reference.components[SBX_MEASURED_CMDLINE].count, REFERENCE_VALUES_MAX);
	assert_int_equal(reference.platform_pcrs[9].count, REFERENCE_VALUES_MAX);
}

static void test_platform_pcrs(void **state)
{
	struct json_object *root;

	(void)state;
	root = valid_reference();
	json_object_object_del(member(root, "platform_pcrs"), "9");
	expect_refused(root, "missing field platform_pcrs.9");
	root = valid_reference();
	json_object_object_add(member(root, "platform_pcrs"), "17", digest_list(1, 1));
	expect_refused(root, "unknown field platform_pcrs.17");
	root = valid_reference();
	json_object_object_add(member(root, "platform_pcrs"), "3", digest_list(1, 0));
	expect_refused(root, "field platform_pcrs.3: 0 values");
}

static void test_hv_events_must_be_this_launch_plan(void **state)
{
	static const size_t readme_order[] = { 0, 1, 2, 6, 3, 4, 5, 7, 8, 9 };
	struct json_object *root, *events, *event, *reordered;

	(void)state;
	/* securebox-key right after securebox, where it might be expected, is another
	 * plan: the hypervisor measures it after the commodity components. */
	assert_int_equal(launch_plan_length, 10);
	root = valid_reference();
	events = member(root, "hv_events");
	reordered = json_object_new_array();
	for (size_t i = 0; i < launch_plan_length; i++)
		json_object_array_add(reordered, json_object_get(json_object_array_get_idx(
			events, readme_order[i])));
	json_object_object_add(root, "hv_events", reordered);
	expect_refused(root, "field hv_events[3]: reference is for another hypervisor launch plan "
			     "(this verifier's has PCR 19 \"kernel\" there)");

	root = valid_reference();
	json_object_array_del_idx(member(root, "hv_events"), launch_plan_length - 1, 1);
	expect_refused(root, "reference is for another hypervisor launch plan (9 events");

	root = valid_reference();
	events = member(root, "hv_events");
	event = json_object_new_object();
	json_object_object_add(event, "pcr", json_object_new_int(19));
	json_object_object_add(event, "event", json_object_new_string("separator"));
	json_object_array_add(events, event);
	expect_refused(root, "another hypervisor launch plan (11 events");

	root = valid_reference();
	event = json_object_array_get_idx(member(root, "hv_events"), 0);
	json_object_object_add(event, "pcr", json_object_new_int(18));
	expect_refused(root, "field hv_events[0]: reference is for another hypervisor launch plan");
}

static void test_hv_events_form(void **state)
{
	struct json_object *root, *event;

	(void)state;
	root = valid_reference();
	event = json_object_array_get_idx(member(root, "hv_events"), 2);
	json_object_object_add(event, "digest", json_object_new_string("00"));
	expect_refused(root, "unknown field hv_events[2].digest");
	root = valid_reference();
	event = json_object_array_get_idx(member(root, "hv_events"), 2);
	json_object_object_del(event, "pcr");
	expect_refused(root, "missing field hv_events[2].pcr");
	root = valid_reference();
	event = json_object_array_get_idx(member(root, "hv_events"), 2);
	json_object_object_add(event, "pcr", json_object_new_string("18"));
	expect_refused(root, "field hv_events[2].pcr: a string, not an integer");
	root = valid_reference();
	event = json_object_array_get_idx(member(root, "hv_events"), 2);
	json_object_object_add(event, "pcr", json_object_new_int(24));
	expect_refused(root, "field hv_events[2].pcr: 24 is outside 0..23");
	root = valid_reference();
	json_object_array_put_idx(member(root, "hv_events"), 1, json_object_new_int(17));
	expect_refused(root, "field hv_events[1]: not an object");
	root = valid_reference();
	json_object_object_add(root, "hv_events", json_object_new_object());
	expect_refused(root, "field hv_events: an object, not an array");
}

static void test_text_defects(void **state)
{
	static const char duplicate[] = "{\"sbx_reference\":1,\"sbx_reference\":1}";
	static const char trailing[] = "{\"sbx_reference\":1}\n\n";
	char reason[REFERENCE_REASON_SIZE];

	(void)state;
	assert_int_equal(reference_parse(duplicate, sizeof(duplicate) - 1, &reference, reason), -1);
	assert_string_equal(reason, "a member name appears twice in one object");
	assert_int_equal(reference_parse(trailing, sizeof(trailing) - 1, &reference, reason), -1);
	assert_non_null(strstr(reason, "not one JSON object"));
}

static void test_load(void **state)
{
	char path[] = "/tmp/test_reference.XXXXXX";
	char reason[REFERENCE_REASON_SIZE];
	struct json_object *root = valid_reference();
	const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(write(fd, "\n", 1), 1);
	close(fd);
	json_object_put(root);
	assert_int_equal(reference_load(path, &reference, reason), 0);
	assert_int_equal(reference.components[SBX_MEASURED_KERNEL].count, 2);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "{}", 2), 2);
	close(fd);
	assert_int_equal(reference_load(path, &reference, reason), -1);
	assert_non_null(strstr(reason, path));
	assert_non_null(strstr(reason, "missing field sbx_reference"));
	/* One byte over the 4 MiB cap is refused before it is parsed. */
	assert_int_equal(truncate(path, (4 << 20) + 1), 0);
	assert_int_equal(reference_load(path, &reference, reason), -1);
	assert_non_null(strstr(reason, "is larger than 4194304 bytes"));
	unlink(path);

	assert_int_equal(reference_load(path, &reference, reason), -1);
	assert_non_null(strstr(reason, "cannot open"));
	assert_non_null(strstr(reason, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_reference_parses),
		cmocka_unit_test(test_version_and_top_fields),
		cmocka_unit_test(test_components),
		cmocka_unit_test(test_largest_lists_parse),
		cmocka_unit_test(test_platform_pcrs),
		cmocka_unit_test(test_hv_events_must_be_this_launch_plan),
		cmocka_unit_test(test_hv_events_form),
		cmocka_unit_test(test_text_defects),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
