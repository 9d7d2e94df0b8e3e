/* The verdict's bookkeeping and its JSON form. A verdict with no check at all is not
 * trusted: nothing was positively verified. */
#include "verdict.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_strict.h"

static const char *const status_names[] = {
	[VERIFY_TRUSTED] = "trusted",
	[VERIFY_UNTRUSTED] = "untrusted",
	[VERIFY_MALFORMED] = "malformed",
	[VERIFY_CRYPTO_FAILURE] = "crypto_failure",
	[VERDICT_ERROR] = "error",
};

static const char *const check_status_names[] = {
	[CHECK_OK] = "ok",
	[CHECK_FAILED] = "failed",
	[CHECK_SKIPPED] = "skipped",
};

void verdict_init(struct verdict *verdict)
{
	memset(verdict, 0, sizeof(*verdict));
	/* Fails closed until a check is recorded: see verdict_json(). */
	verdict->status = VERIFY_TRUSTED;
}

/* The list is sized for every check the verifier makes; should it ever overflow, the
 * verdict becomes an error rather than losing a failure. */
static struct verdict_check *add(struct verdict *verdict, const char *name,
				 enum check_status status)
{
	struct verdict_check *check;

	if (verdict->check_count == VERDICT_CHECKS_MAX) {
		check = &verdict->checks[VERDICT_CHECKS_MAX - 1];
		snprintf(check->name, sizeof(check->name), "verdict.size");
		check->status = CHECK_FAILED;
		check->failure = VERDICT_ERROR;
		snprintf(check->reason, sizeof(check->reason), "too many checks to record");
		verdict->status = VERDICT_ERROR;
		snprintf(verdict->reason, sizeof(verdict->reason), "verdict.size: %s",
			 check->reason);
		return NULL;
	}
	check = &verdict->checks[verdict->check_count++];
	memset(check, 0, sizeof(*check));
	snprintf(check->name, sizeof(check->name), "%s", name);
	check->status = status;
	return check;
}

void verdict_ok(struct verdict *verdict, const char *name)
{
	add(verdict, name, CHECK_OK);
}

void verdict_skip(struct verdict *verdict, const char *name, const char *reason)
{
	struct verdict_check *check = add(verdict, name, CHECK_SKIPPED);

	if (check)
		snprintf(check->reason, sizeof(check->reason), "%s", reason);
}

void verdict_fail(struct verdict *verdict, const char *name, int failure, const char *format,
		  ...)
{
	struct verdict_check *check = add(verdict, name, CHECK_FAILED);
	va_list arguments;

	if (!check)
		return;
	if (failure <= VERIFY_TRUSTED || failure > VERDICT_ERROR)
		failure = VERDICT_ERROR;
	check->failure = failure;
	va_start(arguments, format);
	vsnprintf(check->reason, sizeof(check->reason), format, arguments);
	va_end(arguments);
	if (failure > verdict->status) {
		verdict->status = failure;
		snprintf(verdict->reason, sizeof(verdict->reason), "%s: %s", check->name,
			 check->reason);
	}
}

const struct verdict_check *verdict_find(const struct verdict *verdict, const char *name)
{
	for (size_t i = 0; i < verdict->check_count; i++)
		if (!strcmp(verdict->checks[i].name, name))
			return &verdict->checks[i];
	return NULL;
}

const char *verdict_status_name(int status)
{
	if (status < VERIFY_TRUSTED || status > VERDICT_ERROR)
		return "error";
	return status_names[status];
}

int verdict_outcome(const struct verdict *verdict)
{
	if (verdict->status == VERIFY_TRUSTED && verdict->check_count == 0)
		return VERDICT_ERROR;
	return verdict->status;
}

static json_object *check_json(const struct verdict_check *check)
{
	json_object *object = json_object_new_object();

	json_object_object_add(object, "name", json_object_new_string(check->name));
	json_object_object_add(object, "status",
			       json_object_new_string(check_status_names[check->status]));
	json_object_object_add(object, "reason", check->status == CHECK_OK ?
							 NULL :
							 json_object_new_string(check->reason));
	return object;
}

/* json-c reports running out of memory only as NULL objects, which its add functions
 * refuse: the text is then checked once, at the end. */
char *verdict_json(const struct verdict *verdict)
{
	const int status = verdict_outcome(verdict);
	json_object *object = json_object_new_object(), *checks = json_object_new_array();
	const char *reason = verdict->check_count ? verdict->reason : "no check was made";
	char *line = NULL;

	for (size_t i = 0; i < verdict->check_count; i++)
		json_object_array_add(checks, check_json(&verdict->checks[i]));
	json_object_object_add(object, "status",
			       json_object_new_string(verdict_status_name(status)));
	json_object_object_add(object, "reason",
			       status == VERIFY_TRUSTED ? NULL : json_object_new_string(reason));
	json_object_object_add(object, "checks", checks);
	if (object && checks && json_object_array_length(checks) == verdict->check_count)
		line = json_strict_line(object);
	if (!object)
		json_object_put(checks);
	json_object_put(object);
	return line;
}
