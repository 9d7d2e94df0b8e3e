/* build/reference.json (attest/README.md, "Reference values"). The file says which
 * digests the verifier trusts, so a mistake in it must stop the verifier rather than
 * quietly widen or narrow what passes: every field is required, and hv_events must
 * describe the very launch plan this verifier was built with. */
#include "reference.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "encoding.h"
#include "json_strict.h"
#include "launch_plan.h"

/* Far more than REFERENCE_VALUES_MAX values for every list needs. */
#define REFERENCE_FILE_SIZE_MAX (4u << 20)

static int fail(char reason[REFERENCE_REASON_SIZE], const char *format, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(char reason[REFERENCE_REASON_SIZE], const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(reason, REFERENCE_REASON_SIZE, format, arguments);
	va_end(arguments);
	return -1;
}

/* The list `where` (e.g. "components.kernel") into `values`, with `allowed`
 * pointing at them. */
static int digest_list_read(struct json_object *list, const char *where,
			    uint8_t values[REFERENCE_VALUES_MAX][SBX_DIGEST_SIZE],
			    struct allowed_digests *allowed, char reason[REFERENCE_REASON_SIZE])
{
	size_t count;

	if (!json_object_is_type(list, json_type_array))
		return fail(reason, "field %s: not an array", where);
	count = json_object_array_length(list);
	if (count == 0 || count > REFERENCE_VALUES_MAX)
		return fail(reason, "field %s: %zu values, not 1 to %d", where, count,
			    REFERENCE_VALUES_MAX);
	for (size_t i = 0; i < count; i++) {
		struct json_object *value = json_object_array_get_idx(list, i);

		if (!json_object_is_type(value, json_type_string) ||
		    hex_decode_exact(json_object_get_string(value),
				     (size_t)json_object_get_string_len(value), values[i],
				     SBX_DIGEST_SIZE))
			return fail(reason, "field %s[%zu]: not a string of %d lower-case hex digits",
				    where, i, 2 * SBX_DIGEST_SIZE);
	}
	*allowed = (struct allowed_digests){ (const uint8_t (*)[SBX_DIGEST_SIZE])values, count };
	return 0;
}

static int components_read(struct json_object *object, struct reference *reference,
			   char reason[REFERENCE_REASON_SIZE])
{
	const char *names[SBX_MEASURED_COUNT];
	struct json_object *components, *list;
	char where[48];

	for (size_t c = 0; c < SBX_MEASURED_COUNT; c++)
		names[c] = report_component_name(c);
	if (json_strict_member(object, "", "components", json_type_object, &components,
				  reason, REFERENCE_REASON_SIZE) ||
	    json_strict_members(components, "components.", names, SBX_MEASURED_COUNT, reason,
				REFERENCE_REASON_SIZE))
		return -1;
	for (size_t c = 0; c < SBX_MEASURED_COUNT; c++) {
		json_object_object_get_ex(components, names[c], &list);
		snprintf(where, sizeof(where), "components.%s", names[c]);
		if (digest_list_read(list, where, reference->component_values[c],
				     &reference->components[c], reason))
			return -1;
	}
	return 0;
}

static int platform_pcrs_read(struct json_object *object, struct reference *reference,
			      char reason[REFERENCE_REASON_SIZE])
{
	static const char *const names[REFERENCE_PLATFORM_PCRS] = { "0", "1", "2", "3", "4",
								    "5", "6", "7", "8", "9" };
	struct json_object *pcrs, *list;
	char where[32];

	if (json_strict_member(object, "", "platform_pcrs", json_type_object, &pcrs, reason,
				  REFERENCE_REASON_SIZE) ||
	    json_strict_members(pcrs, "platform_pcrs.", names, REFERENCE_PLATFORM_PCRS, reason,
				REFERENCE_REASON_SIZE))
		return -1;
	for (size_t pcr = 0; pcr < REFERENCE_PLATFORM_PCRS; pcr++) {
		json_object_object_get_ex(pcrs, names[pcr], &list);
		snprintf(where, sizeof(where), "platform_pcrs.%s", names[pcr]);
		if (digest_list_read(list, where, reference->platform_values[pcr],
				     &reference->platform_pcrs[pcr], reason))
			return -1;
	}
	return 0;
}

static const char *plan_event_name(const struct launch_event *event)
{
	return event->event_type == SBX_EV_SEPARATOR ? "separator"
						     : launch_component_name(event->component);
}

/* One hv_events entry: {"pcr":N,"event":NAME}, equal to the plan's event `index`
 * if the plan has one. */
static int hv_event_check(struct json_object *entry, size_t index,
			  char reason[REFERENCE_REASON_SIZE])
{
	static const char *const fields[] = { "pcr", "event" };
	const struct launch_event *planned;
	char where[48];
	const char *name;
	size_t length;
	int64_t pcr;

	snprintf(where, sizeof(where), "hv_events[%zu].", index);
	if (!json_object_is_type(entry, json_type_object))
		return fail(reason, "field hv_events[%zu]: not an object", index);
	if (json_strict_members(entry, where, fields, 2, reason, REFERENCE_REASON_SIZE) ||
	    json_strict_integer(entry, where, "pcr", 0, 23, &pcr, reason, REFERENCE_REASON_SIZE) ||
	    json_strict_string(entry, where, "event", &name, &length, reason,
			       REFERENCE_REASON_SIZE))
		return -1;
	if (index >= launch_plan_length)
		return 0;
	planned = &launch_plan[index];
	if ((uint32_t)pcr != planned->pcr || length != strlen(plan_event_name(planned)) ||
	    strcmp(name, plan_event_name(planned)) != 0)
		return fail(reason,
			    "field hv_events[%zu]: reference is for another hypervisor launch plan "
			    "(this verifier's has PCR %u \"%s\" there)",
			    index, planned->pcr, plan_event_name(planned));
	return 0;
}

static int hv_events_read(struct json_object *object, char reason[REFERENCE_REASON_SIZE])
{
	struct json_object *events;
	size_t count;

	if (json_strict_member(object, "", "hv_events", json_type_array, &events, reason,
				  REFERENCE_REASON_SIZE))
		return -1;
	count = json_object_array_length(events);
	for (size_t i = 0; i < count; i++)
		if (hv_event_check(json_object_array_get_idx(events, i), i, reason))
			return -1;
	if (count != launch_plan_length)
		return fail(reason,
			    "field hv_events: reference is for another hypervisor launch plan "
			    "(%zu events, this verifier's has %zu)",
			    count, launch_plan_length);
	return 0;
}

int reference_parse(const char *text, size_t size, struct reference *reference,
		    char reason[REFERENCE_REASON_SIZE])
{
	static const char *const fields[] = { "sbx_reference", "components", "hv_events",
					      "platform_pcrs" };
	struct json_object *object;
	int64_t version;
	int status;

	memset(reference, 0, sizeof(*reference));
	if (size > REFERENCE_FILE_SIZE_MAX)
		return fail(reason, "larger than %u bytes", REFERENCE_FILE_SIZE_MAX);
	object = json_strict_parse(text, size, reason, REFERENCE_REASON_SIZE);
	if (!object)
		return -1;
	status = json_strict_integer(object, "", "sbx_reference", 1, 1, &version, reason,
				     REFERENCE_REASON_SIZE) ||
		 json_strict_members(object, "", fields, sizeof(fields) / sizeof(fields[0]),
				     reason, REFERENCE_REASON_SIZE) ||
		 components_read(object, reference, reason) ||
		 hv_events_read(object, reason) ||
		 platform_pcrs_read(object, reference, reason) ? -1 : 0;
	json_object_put(object);
	if (status)
		memset(reference, 0, sizeof(*reference));
	return status;
}

int reference_load(const char *path, struct reference *reference,
		   char reason[REFERENCE_REASON_SIZE])
{
	char *text;
	size_t size;
	int status;

	memset(reference, 0, sizeof(*reference));
	if (json_strict_file_read(path, REFERENCE_FILE_SIZE_MAX, &text, &size, reason,
				  REFERENCE_REASON_SIZE))
		return -1;
	status = reference_parse(text, size, reference, reason);
	if (status) {
		char detail[REFERENCE_REASON_SIZE];

		snprintf(detail, sizeof(detail), "%s", reason);
		fail(reason, "%s: %s", path, detail);
	}
	free(text);
	return status;
}
