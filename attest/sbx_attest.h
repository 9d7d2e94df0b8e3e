/* What the sbx-attest commands share (attest/README.md, "sbx-attest"): defaults
 * beside the binary, the CSPRNG, and printing verdicts. */
#ifndef SBX_ATTEST_SBX_ATTEST_H
#define SBX_ATTEST_SBX_ATTEST_H

#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */
#include "mbedtls/ctr_drbg.h"

#include <limits.h>
#include <stddef.h>

#include "verdict.h"

#define ATTEST_DEFAULT_AGENT "127.0.0.1:7780"
#define ATTEST_AGENT_TIMEOUT_SECONDS 60
/* The evidence must arrive this long after its nonce was made: a quote, a report
 * and two logs take seconds under TCG emulation, not a minute. */
#define ATTEST_TIME_LIMIT_MS 60000

/* Options common to the commands, defaults resolved beside the binary. */
struct attest_options {
	const char *agent;
	char ek_ca[PATH_MAX];
	char ek_chain[PATH_MAX];
	char state[PATH_MAX];
	char reference[PATH_MAX];
};

/* Fills `options` with the defaults; returns 0, or -1 with `reason` if the binary's
 * own path cannot be read. */
int attest_defaults(struct attest_options *options, char *reason, size_t reason_size);

/* A CTR_DRBG seeded from getrandom(). Returns 0, or -1. */
int attest_random_start(mbedtls_ctr_drbg_context *drbg);

/* The status for a response that evidence.c refused with `parse_status`:
 * VERDICT_ERROR for an agent's "error" response (it delivered nothing, as when it
 * cannot be reached), VERIFY_MALFORMED for anything else. */
int attest_refused_response_status(int parse_status);

/* Prints the verdict as one JSON line on standard output (an "error" line if that
 * fails) and returns its exit code. */
int attest_print(const struct verdict *verdict);

/* A verdict made of one failed check: a usage, file or transport error. */
int attest_print_error(const char *check, int status, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

int enroll_command(int argc, char **argv);
int verify_command(int argc, char **argv);

#endif
