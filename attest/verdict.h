/* The verifier's answer (ATTESTATION.md, step 16): every check made, in order, each
 * ok, failed or skipped with a reason, and an overall status that fails closed. The
 * CLI prints it as one JSON object per line (attest/README.md, "sbx-attest"). */
#ifndef SBX_ATTEST_VERDICT_H
#define SBX_ATTEST_VERDICT_H

#include <stddef.h>

#include "report_verify.h"   /* enum verify_status */

/* Beyond enum verify_status: the verifier could not do its job (bad options, an
 * unreadable file, an unreachable agent). Also the CLI's exit code. */
#define VERDICT_ERROR 4

enum check_status {
	CHECK_OK,
	CHECK_FAILED,
	CHECK_SKIPPED,   /* not made: what it needs failed earlier, or it does not apply */
};

#define VERDICT_CHECKS_MAX 96
#define VERDICT_NAME_SIZE 40
#define VERDICT_REASON_SIZE 224

struct verdict_check {
	char name[VERDICT_NAME_SIZE];            /* e.g. "quote.signature", "platform.pcr4" */
	enum check_status status;
	int failure;                             /* enum verify_status or VERDICT_ERROR */
	char reason[VERDICT_REASON_SIZE];        /* "" when ok */
};

/* `status` is the worst failure's (VERIFY_TRUSTED only if a check was made and none
 * failed) and `reason` the first check that failed with that status. */
struct verdict {
	int status;
	char reason[VERDICT_NAME_SIZE + 2 + VERDICT_REASON_SIZE];   /* "name: reason" */
	struct verdict_check checks[VERDICT_CHECKS_MAX];
	size_t check_count;
};

void verdict_init(struct verdict *verdict);
void verdict_ok(struct verdict *verdict, const char *name);
void verdict_skip(struct verdict *verdict, const char *name, const char *reason);
/* `failure` is an enum verify_status other than VERIFY_TRUSTED, or VERDICT_ERROR. */
void verdict_fail(struct verdict *verdict, const char *name, int failure, const char *format,
		  ...) __attribute__((format(printf, 4, 5)));

/* The check called `name`, or NULL. */
const struct verdict_check *verdict_find(const struct verdict *verdict, const char *name);

/* "trusted", "untrusted", "malformed", "crypto_failure" or "error". */
const char *verdict_status_name(int status);

/* The status to report and exit with: VERDICT_ERROR if no check was made at all. */
int verdict_outcome(const struct verdict *verdict);

/* The verdict as one JSON object and a newline, in malloc'ed memory (NULL if out of
 * memory). */
char *verdict_json(const struct verdict *verdict);

#endif
