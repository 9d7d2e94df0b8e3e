/* sbx-reference: writes the attestation reference values (build/reference.json,
 * attest/README.md "Reference values") from the artifacts of a build.
 *
 *   sbx-reference --hv F --policy F --securebox F --kernel F --initrd F --cmdline S
 *                 --platform-pcrs FILE [--merge OLD.json] --out FILE
 *
 * The component digests are computed as the hypervisor measures them (shared with
 * sbx-measure, component_digests.h), hv_events is the hypervisor's own launch plan,
 * and the platform PCRs 0-9 come from a calibration boot's `sbx: pcrN sha256 HEX`
 * lines (mk/calibrate-platform.sh). --merge adds an older file's values after this
 * build's, so that machines still running the older build stay trusted. The file
 * is replaced atomically: a verifier never reads half of it. Any error exits 4. */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "component_digests.h"
#include "launch_plan.h"

#define EXIT_ERROR 4                  /* sbx-attest's code for usage errors */
#define PLATFORM_PCR_COUNT 10          /* PCRs 0-9 */
#define VALUES_MAX 64                  /* per list, as the verifier's reference.h allows */
#define HEX_DIGEST_LENGTH 64
#define MAX_TEXT_SIZE (1ul << 20)      /* a platform or reference file */
#define REFERENCE_VERSION 1

static const char *const pcr_keys[PLATFORM_PCR_COUNT] = { "0", "1", "2", "3", "4", "5", "6",
							  "7", "8", "9" };

struct value_list {
	size_t count;
	char hex[VALUES_MAX][HEX_DIGEST_LENGTH + 1];
};

struct reference_values {
	struct value_list components[COMPONENT_COUNT];   /* in component_digests order */
	struct value_list platform[PLATFORM_PCR_COUNT];
};

static void fail(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	fprintf(stderr, "sbx-reference: ");
	vfprintf(stderr, format, arguments);
	fprintf(stderr, "\n");
	va_end(arguments);
	exit(EXIT_ERROR);
}

static int is_hex_digest(const char *text, size_t length)
{
	if (length != HEX_DIGEST_LENGTH)
		return 0;
	for (size_t i = 0; i < length; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
			return 0;
	return 1;
}

/* Keeps the first occurrence's place, so merged lists stay in the order given. */
static void add_value(struct value_list *list, const char *hex, const char *list_name)
{
	for (size_t i = 0; i < list->count; i++)
		if (!strcmp(list->hex[i], hex))
			return;
	if (list->count == VALUES_MAX)
		fail("more than %d allowed values for %s", VALUES_MAX, list_name);
	memcpy(list->hex[list->count++], hex, HEX_DIGEST_LENGTH + 1);
}

static void digest_to_hex(const uint8_t digest[32], char hex[HEX_DIGEST_LENGTH + 1])
{
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* NUL-terminated; refuses files with a NUL inside, which no text input has. */
static char *read_text(const char *path, size_t *size)
{
	FILE *stream = fopen(path, "rb");
	char *text;

	if (!stream)
		fail("cannot open %s: %s", path, strerror(errno));
	text = malloc(MAX_TEXT_SIZE + 1);
	if (!text)
		fail("out of memory reading %s", path);
	*size = fread(text, 1, MAX_TEXT_SIZE + 1, stream);
	if (ferror(stream))
		fail("error reading %s", path);
	fclose(stream);
	if (*size > MAX_TEXT_SIZE)
		fail("%s is larger than %lu bytes", path, MAX_TEXT_SIZE);
	text[*size] = '\0';
	if (strlen(text) != *size)
		fail("%s holds a NUL byte: not a text file", path);
	return text;
}

/* Exactly the lines `sbx: pcrN sha256 HEX` for N = 0..9, each once, in any order,
 * and nothing else: a truncated or mixed-up calibration must not become golden. */
static void read_platform_pcrs(const char *path, struct reference_values *values)
{
	size_t size;
	char *text = read_text(path, &size);
	int seen[PLATFORM_PCR_COUNT] = { 0 };
	unsigned line_number = 0;

	for (char *line = text; *line; ) {
		static const char prefix[] = "sbx: pcr";
		static const char bank[] = " sha256 ";
		char *end = strchr(line, '\n');
		const size_t hex_offset = strlen(prefix) + 1 + strlen(bank);
		unsigned pcr;
		char name[16];

		line_number++;
		if (!end)
			fail("%s line %u: no newline at its end", path, line_number);
		*end = '\0';
		if (strncmp(line, prefix, strlen(prefix)) || line[strlen(prefix)] < '0' ||
		    line[strlen(prefix)] > '9' ||
		    strncmp(line + strlen(prefix) + 1, bank, strlen(bank)) ||
		    !is_hex_digest(line + hex_offset, strlen(line + hex_offset)))
			fail("%s line %u: expected 'sbx: pcrN sha256 HEX' (N 0-9, 64 lower-case hex "
			     "digits), got '%.100s'", path, line_number, line);
		pcr = (unsigned)(line[strlen(prefix)] - '0');
		if (seen[pcr]++)
			fail("%s: PCR %u appears twice", path, pcr);
		snprintf(name, sizeof(name), "PCR %u", pcr);
		add_value(&values->platform[pcr], line + hex_offset, name);
		line = end + 1;
	}
	free(text);
	for (unsigned pcr = 0; pcr < PLATFORM_PCR_COUNT; pcr++)
		if (!seen[pcr])
			fail("%s: no value for PCR %u (a calibration boot prints PCRs 0-9)", path, pcr);
}

/* Only the keys in `allowed`, each present. */
static void require_exact_keys(struct json_object *object, const char *const *allowed,
			       size_t allowed_count, const char *where, const char *path)
{
	if (!json_object_is_type(object, json_type_object))
		fail("%s: %s is not an object", path, where);
	json_object_object_foreach(object, key, value) {
		size_t k = 0;

		(void)value;
		while (k < allowed_count && strcmp(key, allowed[k]))
			k++;
		if (k == allowed_count)
			fail("%s: unknown key \"%s\" in %s", path, key, where);
	}
	for (size_t k = 0; k < allowed_count; k++)
		if (!json_object_object_get_ex(object, allowed[k], NULL))
			fail("%s: %s has no \"%s\"", path, where, allowed[k]);
}

static void merge_list(struct json_object *array, struct value_list *list, const char *name,
		       const char *path)
{
	size_t length;

	if (!json_object_is_type(array, json_type_array))
		fail("%s: %s is not an array", path, name);
	length = json_object_array_length(array);
	if (length == 0)
		fail("%s: %s has no value", path, name);
	for (size_t i = 0; i < length; i++) {
		struct json_object *item = json_object_array_get_idx(array, i);

		if (!json_object_is_type(item, json_type_string) ||
		    !is_hex_digest(json_object_get_string(item), json_object_get_string_len(item)))
			fail("%s: %s[%zu] is not 64 lower-case hex digits", path, name, i);
		add_value(list, json_object_get_string(item), name);
	}
}

static struct json_object *hv_events_json(void)
{
	struct json_object *events = json_object_new_array();

	for (size_t i = 0; i < launch_plan_length; i++) {
		const struct launch_event *planned = &launch_plan[i];
		struct json_object *event = json_object_new_object();

		json_object_object_add(event, "pcr", json_object_new_int((int32_t)planned->pcr));
		json_object_object_add(event, "event", json_object_new_string(
			planned->event_type == SBX_EV_SEPARATOR ? "separator"
							       : launch_component_name(planned->component)));
		json_object_array_add(events, event);
	}
	return events;
}

/* An older file made for another launch plan describes logs this build's verifier
 * refuses anyway, and one file holds one plan: refused rather than half merged. */
static void merge_reference(const char *path, struct reference_values *values,
			    const struct component_digests *digests)
{
	static const char *const top_keys[] = { "sbx_reference", "components", "hv_events",
						"platform_pcrs" };
	const char *component_keys[COMPONENT_COUNT];
	struct json_tokener *tokener = json_tokener_new();
	struct json_object *root, *field, *plan;
	size_t size;
	char *text = read_text(path, &size);

	if (!tokener)
		fail("out of memory parsing %s", path);
	if (size == 0)
		fail("%s is empty", path);
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tokener, text, (int)size);
	if (!root && json_tokener_get_error(tokener) == json_tokener_continue)
		fail("%s: not JSON: it ends inside the object", path);
	if (!root)
		fail("%s: not JSON: %s", path, json_tokener_error_desc(json_tokener_get_error(tokener)));
	for (size_t end = json_tokener_get_parse_end(tokener); end < size; end++)
		if (!strchr(" \t\r\n", text[end]))
			fail("%s: data after the JSON object", path);

	require_exact_keys(root, top_keys, 4, "the file", path);
	json_object_object_get_ex(root, "sbx_reference", &field);
	if (!json_object_is_type(field, json_type_int) || json_object_get_int64(field) != REFERENCE_VERSION)
		fail("%s: sbx_reference is not %d", path, REFERENCE_VERSION);

	for (int c = 0; c < COMPONENT_COUNT; c++)
		component_keys[c] = launch_component_name(digests->measured[c].component);
	json_object_object_get_ex(root, "components", &field);
	require_exact_keys(field, component_keys, COMPONENT_COUNT, "components", path);
	for (int c = 0; c < COMPONENT_COUNT; c++) {
		struct json_object *list;

		json_object_object_get_ex(field, component_keys[c], &list);
		merge_list(list, &values->components[c], component_keys[c], path);
	}

	json_object_object_get_ex(root, "platform_pcrs", &field);
	require_exact_keys(field, pcr_keys, PLATFORM_PCR_COUNT, "platform_pcrs", path);
	for (int pcr = 0; pcr < PLATFORM_PCR_COUNT; pcr++) {
		struct json_object *list;
		char name[24];

		json_object_object_get_ex(field, pcr_keys[pcr], &list);
		snprintf(name, sizeof(name), "platform_pcrs.%s", pcr_keys[pcr]);
		merge_list(list, &values->platform[pcr], name, path);
	}

	json_object_object_get_ex(root, "hv_events", &field);
	plan = hv_events_json();
	if (!json_object_equal(field, plan))
		fail("%s: its hv_events differ from this build's launch plan (hv/launch_plan.c)",
		     path);
	json_object_put(plan);
	json_object_put(root);
	json_tokener_free(tokener);
	free(text);
}

static struct json_object *list_json(const struct value_list *list)
{
	struct json_object *array = json_object_new_array();

	for (size_t i = 0; i < list->count; i++)
		json_object_array_add(array, json_object_new_string(list->hex[i]));
	return array;
}

static struct json_object *reference_json(const struct reference_values *values,
					  const struct component_digests *digests)
{
	struct json_object *root = json_object_new_object();
	struct json_object *components = json_object_new_object();
	struct json_object *platform = json_object_new_object();

	json_object_object_add(root, "sbx_reference", json_object_new_int(REFERENCE_VERSION));
	for (int c = 0; c < COMPONENT_COUNT; c++)
		json_object_object_add(components,
				       launch_component_name(digests->measured[c].component),
				       list_json(&values->components[c]));
	json_object_object_add(root, "components", components);
	json_object_object_add(root, "hv_events", hv_events_json());
	for (int pcr = 0; pcr < PLATFORM_PCR_COUNT; pcr++)
		json_object_object_add(platform, pcr_keys[pcr], list_json(&values->platform[pcr]));
	json_object_object_add(root, "platform_pcrs", platform);
	return root;
}

/* A temporary file beside `path`, renamed over it once complete. */
static void write_atomically(const char *path, const char *text)
{
	size_t length = strlen(text);
	char *temporary = malloc(strlen(path) + sizeof(".XXXXXX"));
	int descriptor;
	FILE *stream;

	if (!temporary)
		fail("out of memory");
	sprintf(temporary, "%s.XXXXXX", path);
	descriptor = mkstemp(temporary);
	if (descriptor < 0)
		fail("cannot create a temporary file beside %s: %s", path, strerror(errno));
	stream = fdopen(descriptor, "w");
	if (!stream || fchmod(descriptor, 0644) || fwrite(text, 1, length, stream) != length ||
	    fputc('\n', stream) == EOF || fflush(stream) || fsync(descriptor) || fclose(stream)) {
		unlink(temporary);
		fail("cannot write %s: %s", temporary, strerror(errno));
	}
	if (rename(temporary, path)) {
		unlink(temporary);
		fail("cannot rename %s to %s: %s", temporary, path, strerror(errno));
	}
	free(temporary);
}

static void usage(const char *problem, const char *detail)
{
	fail("%s%s\nusage: sbx-reference --hv F --policy F --securebox F --kernel F --initrd F "
	     "--cmdline S --platform-pcrs FILE [--merge OLD.json] --out FILE", problem, detail);
}

enum option_index {
	OPTION_HV, OPTION_POLICY, OPTION_SECUREBOX, OPTION_KERNEL, OPTION_INITRD, OPTION_CMDLINE,
	OPTION_PLATFORM, OPTION_MERGE, OPTION_OUT, OPTION_COUNT
};

int main(int argc, char **argv)
{
	static const char *const names[OPTION_COUNT] = { "--hv", "--policy", "--securebox",
		"--kernel", "--initrd", "--cmdline", "--platform-pcrs", "--merge", "--out" };
	const char *given[OPTION_COUNT] = { 0 };
	struct component_digests digests;
	static struct reference_values values;
	struct json_object *root;
	char error[COMPONENT_ERROR_SIZE];

	for (int i = 1; i < argc; i += 2) {
		int option = 0;

		while (option < OPTION_COUNT && strcmp(argv[i], names[option]))
			option++;
		if (option == OPTION_COUNT)
			usage("unknown option ", argv[i]);
		if (i + 1 >= argc)
			usage(argv[i], " needs a value");
		if (given[option])
			usage(argv[i], " given twice");
		given[option] = argv[i + 1];
	}
	for (int option = 0; option < OPTION_COUNT; option++)
		if (!given[option] && option != OPTION_MERGE)
			usage("missing ", names[option]);

	if (component_digests_compute(&digests, given, given[OPTION_CMDLINE], error))
		fail("%s", error);
	for (int c = 0; c < COMPONENT_COUNT; c++) {
		char hex[HEX_DIGEST_LENGTH + 1];

		digest_to_hex(digests.measured[c].sha256, hex);
		add_value(&values.components[c], hex,
			  launch_component_name(digests.measured[c].component));
	}
	read_platform_pcrs(given[OPTION_PLATFORM], &values);
	if (given[OPTION_MERGE])
		merge_reference(given[OPTION_MERGE], &values, &digests);

	root = reference_json(&values, &digests);
	write_atomically(given[OPTION_OUT],
			 json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	component_digests_free(&digests);
	return 0;
}
