/* Strict reading of the JSON the verifier takes in (attest/README.md): one object per
 * message, exactly the members a format lists, each of the one JSON type it must
 * have. json-c does the parsing; this adds what json-c lets through. And the one
 * way the verifier writes its JSON lines, out-of-memory included. */
#ifndef SBX_ATTEST_JSON_STRICT_H
#define SBX_ATTEST_JSON_STRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Deep enough for every sbx format (reference.json nests three levels), shallow
 * enough that no input can make the parser recurse. */
#define JSON_STRICT_DEPTH 4

/* Parses `text` as exactly one JSON object: '{' first, '}' last or followed by one
 * final '\n', valid UTF-8, no duplicate member names (json-c would keep the last),
 * none of what json-c's strict mode still takes (single-quoted strings, raw control
 * characters in strings), no \u0000. Returns the object, to be released with
 * json_object_put(), or NULL with `reason`. */
struct json_object *json_strict_parse(const char *text, size_t size, char *reason,
				      size_t reason_size);

/* The accessors below name a member as `where` followed by `name` in their
 * reasons, e.g. "field quote.attest: not canonical base64"; `where` is "" at the
 * top level. Each returns 0, or -1 with `reason`. */

/* Requires `object` to have the `count` members `names`, and no other. */
int json_strict_members(struct json_object *object, const char *where,
			const char *const names[], size_t count, char *reason, size_t reason_size);

/* `*text` points into the object; `*length` excludes the NUL. */
int json_strict_string(struct json_object *object, const char *where, const char *name,
		       const char **text, size_t *length, char *reason, size_t reason_size);

/* A JSON integer (no fraction, no exponent) within [minimum, maximum]. */
int json_strict_integer(struct json_object *object, const char *where, const char *name,
			int64_t minimum, int64_t maximum, int64_t *value, char *reason,
			size_t reason_size);

/* A string of canonical base64 that decodes to 1 to `size_max` bytes, malloc'ed. */
int json_strict_base64(struct json_object *object, const char *where, const char *name,
		       size_t size_max, uint8_t **bytes, size_t *size, char *reason,
		       size_t reason_size);

/* A string of exactly 2 * `size` lower-case hex digits. */
int json_strict_hex(struct json_object *object, const char *where, const char *name,
		    uint8_t *bytes, size_t size, char *reason, size_t reason_size);

/* The member `name`, which must be of JSON type `type`. */
int json_strict_member(struct json_object *object, const char *where, const char *name,
		       enum json_type type, struct json_object **member, char *reason,
		       size_t reason_size);

/* Reads the file at `path` whole into a malloc'ed buffer (`*size` bytes, no NUL
 * added) for one of the parsers above. Returns 0; JSON_STRICT_TOO_LARGE if it is
 * longer than `size_max` bytes (the input is refused, not the verifier's fault);
 * or -1 if it cannot be opened or read. `reason` names the path in both. */
#define JSON_STRICT_TOO_LARGE (-2)
int json_strict_file_read(const char *path, size_t size_max, char **text, size_t *size,
			  char *reason, size_t reason_size);

/* Adds `value` (released if it cannot be added) as member `name`. False if `value`
 * is NULL, as json-c's constructors return it when out of memory, or the add fails. */
bool json_strict_add(struct json_object *object, const char *name, struct json_object *value);

/* `object` as one line of JSON and a newline, malloc'ed, with '/' unescaped (base64
 * has them, and "\/" would only lengthen the line); NULL if `object` is NULL or
 * memory runs out. `object` stays the caller's. */
char *json_strict_line(struct json_object *object);

#endif
