/* json-c with the holes closed: it keeps the last of two members of the same name,
 * accepts some non-JSON even in strict mode, and stops at the end of the first
 * value. Duplicates are found by counting: in valid JSON every ':' outside a
 * string separates one member's name from its value, so a text with more colons
 * than its parsed objects have members repeated a name. */
#include "json_strict.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"

static int fail(char *reason, size_t reason_size, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *reason, size_t reason_size, const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(reason, reason_size, format, arguments);
	va_end(arguments);
	return -1;
}

/* Counts the colons outside strings into `*colons`, and refuses what json-c's strict
 * mode lets through: single-quoted strings, raw control characters inside strings
 * (RFC 8259 wants them escaped), and \u0000, which json-c cuts a member name at, so
 * that "nonce\u0000x" would be read as "nonce". Returns NULL, or why the text is
 * refused. */
static const char *text_scan(const char *text, size_t size, long *colons)
{
	bool in_string = false;

	*colons = 0;
	for (size_t i = 0; i < size; i++) {
		if (in_string) {
			if ((unsigned char)text[i] < 0x20)
				return "a control character inside a string";
			if (text[i] == '"')
				in_string = false;
			if (text[i] != '\\')
				continue;
			if (size - i > 5 && memcmp(text + i + 1, "u0000", 5) == 0)
				return "\\u0000 inside a string";
			i++;
		} else if (text[i] == '"') {
			in_string = true;
		} else if (text[i] == ':') {
			(*colons)++;
		} else if (text[i] == '\'') {
			return "a single-quoted string";
		}
	}
	return NULL;
}

static long parsed_member_count(struct json_object *value)
{
	long count = 0;

	if (json_object_is_type(value, json_type_object)) {
		json_object_object_foreach(value, name, member) {
			(void)name;
			count += 1 + parsed_member_count(member);
		}
	} else if (json_object_is_type(value, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(value); i++)
			count += parsed_member_count(json_object_array_get_idx(value, i));
	}
	return count;
}

struct json_object *json_strict_parse(const char *text, size_t size, char *reason,
				      size_t reason_size)
{
	struct json_tokener *tokener;
	struct json_object *object;
	enum json_tokener_error error;
	const char *why;
	long text_members;

	if (size > 0 && text[size - 1] == '\n')
		size--;
	if (size == 0 || size > INT_MAX || text[0] != '{' || text[size - 1] != '}') {
		fail(reason, reason_size, "not one JSON object ('{' first, '}' last, then at "
		     "most one newline)");
		return NULL;
	}
	tokener = json_tokener_new_ex(JSON_STRICT_DEPTH);
	if (!tokener) {
		fail(reason, reason_size, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	object = json_tokener_parse_ex(tokener, text, (int)size);
	error = json_tokener_get_error(tokener);
	if (error == json_tokener_continue) {
		fail(reason, reason_size, "not JSON: the text ends inside the object");
		goto rejected;
	}
	if (!object || error != json_tokener_success) {
		fail(reason, reason_size, "not JSON: %s at byte %zu", json_tokener_error_desc(error),
		     json_tokener_get_parse_end(tokener));
		goto rejected;
	}
	if (json_tokener_get_parse_end(tokener) != size) {
		fail(reason, reason_size, "not JSON: bytes after the object at byte %zu",
		     json_tokener_get_parse_end(tokener));
		goto rejected;
	}
	if (!json_object_is_type(object, json_type_object)) {
		fail(reason, reason_size, "not one JSON object");
		goto rejected;
	}
	why = text_scan(text, size, &text_members);
	if (why) {
		fail(reason, reason_size, "not JSON: %s", why);
		goto rejected;
	}
	if (text_members != parsed_member_count(object)) {
		fail(reason, reason_size, "a member name appears twice in one object");
		goto rejected;
	}
	json_tokener_free(tokener);
	return object;

rejected:
	json_object_put(object);
	json_tokener_free(tokener);
	return NULL;
}

int json_strict_members(struct json_object *object, const char *where,
			const char *const names[], size_t count, char *reason, size_t reason_size)
{
	for (size_t i = 0; i < count; i++)
		if (!json_object_object_get_ex(object, names[i], NULL))
			return fail(reason, reason_size, "missing field %s%s", where, names[i]);
	json_object_object_foreach(object, name, member) {
		bool known = false;

		(void)member;
		for (size_t i = 0; i < count && !known; i++)
			known = strcmp(name, names[i]) == 0;
		if (!known)
			return fail(reason, reason_size, "unknown field %s%.40s", where, name);
	}
	return 0;
}

static const char *type_name(enum json_type type)
{
	switch (type) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number with a fraction or exponent";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "unknown";
}

int json_strict_member(struct json_object *object, const char *where, const char *name,
		       enum json_type type, struct json_object **member, char *reason,
		       size_t reason_size)
{
	if (!json_object_object_get_ex(object, name, member))
		return fail(reason, reason_size, "missing field %s%s", where, name);
	if (!json_object_is_type(*member, type))
		return fail(reason, reason_size, "field %s%s: %s, not %s", where, name,
			    type_name(json_object_get_type(*member)), type_name(type));
	return 0;
}

int json_strict_string(struct json_object *object, const char *where, const char *name,
		       const char **text, size_t *length, char *reason, size_t reason_size)
{
	struct json_object *member;

	if (json_strict_member(object, where, name, json_type_string, &member, reason, reason_size))
		return -1;
	*text = json_object_get_string(member);
	*length = (size_t)json_object_get_string_len(member);
	return 0;
}

int json_strict_integer(struct json_object *object, const char *where, const char *name,
			int64_t minimum, int64_t maximum, int64_t *value, char *reason,
			size_t reason_size)
{
	struct json_object *member;

	if (json_strict_member(object, where, name, json_type_int, &member, reason, reason_size))
		return -1;
	/* json-c clamps integers beyond int64 to its limits: outside any range here. */
	*value = json_object_get_int64(member);
	if (*value < minimum || *value > maximum)
		return fail(reason, reason_size, "field %s%s: %lld is outside %lld..%lld", where,
			    name, (long long)*value, (long long)minimum, (long long)maximum);
	return 0;
}

int json_strict_base64(struct json_object *object, const char *where, const char *name,
		       size_t size_max, uint8_t **bytes, size_t *size, char *reason,
		       size_t reason_size)
{
	const char *text, *why;
	size_t length;
	int status;

	*bytes = NULL;
	*size = 0;
	if (json_strict_string(object, where, name, &text, &length, reason, reason_size))
		return -1;
	status = base64_decode_strict(text, length, size_max, bytes, size, &why);
	if (status == BASE64_TOO_LARGE)
		return fail(reason, reason_size, "field %s%s: more than %zu bytes", where, name,
			    size_max);
	if (status)
		return fail(reason, reason_size, "field %s%s: %s", where, name, why);
	return 0;
}

int json_strict_hex(struct json_object *object, const char *where, const char *name,
		    uint8_t *bytes, size_t size, char *reason, size_t reason_size)
{
	const char *text;
	size_t length;

	if (json_strict_string(object, where, name, &text, &length, reason, reason_size))
		return -1;
	if (hex_decode_exact(text, length, bytes, size))
		return fail(reason, reason_size, "field %s%s: not %zu lower-case hex digits", where,
			    name, 2 * size);
	return 0;
}

bool json_strict_add(struct json_object *object, const char *name, struct json_object *value)
{
	if (!value)
		return false;
	if (json_object_object_add(object, name, value) != 0) {
		json_object_put(value);
		return false;
	}
	return true;
}

char *json_strict_line(struct json_object *object)
{
	const char *text = object ? json_object_to_json_string_ext(object,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	size_t length;
	char *line;

	if (!text)
		return NULL;
	length = strlen(text);
	line = malloc(length + 2);
	if (line) {
		memcpy(line, text, length);
		memcpy(line + length, "\n", 2);
	}
	return line;
}

int json_strict_file_read(const char *path, size_t size_max, char **text, size_t *size,
			  char *reason, size_t reason_size)
{
	FILE *file = fopen(path, "rb");
	int status = 0;

	*text = NULL;
	*size = 0;
	if (!file)
		return fail(reason, reason_size, "cannot open %s: %s", path, strerror(errno));
	/* One byte over the cap tells a file at the cap from a longer one. */
	*text = malloc(size_max + 1);
	if (!*text)
		status = fail(reason, reason_size, "out of memory reading %s", path);
	else
		*size = fread(*text, 1, size_max + 1, file);
	if (!status && ferror(file))
		status = fail(reason, reason_size, "cannot read %s: %s", path, strerror(errno));
	else if (!status && *size > size_max) {
		fail(reason, reason_size, "%s is larger than %zu bytes", path, size_max);
		status = JSON_STRICT_TOO_LARGE;
	}
	fclose(file);
	if (status) {
		free(*text);
		*text = NULL;
		*size = 0;
	}
	return status;
}
