/* The lines the system test reads: "sbx-test: <scenario>: PASS", "sbx-test:
 * <scenario>: FAIL <why>" and "sbx-test: N passed, M failed". */
#ifndef SBX_TEST_GUEST_REPORT_H
#define SBX_TEST_GUEST_REPORT_H

#include <stdbool.h>
#include <stdint.h>

void report_begin(const char *scenario);
/* Prints the current scenario's FAIL line with the reason; returns false so that
 * a scenario can end with `return fail(...)`. */
bool fail(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* Prints PASS if `passed` (a failed scenario has already said why). */
void report_end(bool passed);
/* Prints the summary, then triple-faults: the hypervisor reports the shutdown
 * and stops the commodity partition. */
_Noreturn void report_end_run(void);
/* Ends the run from anywhere: fails the scenario in progress (with the reason)
 * and ends the run with at least one failure counted. */
_Noreturn void report_abort(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Checks that a probe (probe.h) raised `vector` and, for #GP, error code 0, as
 * the hypervisor's violation policy injects it. `action` and `address` name the
 * attempt in the FAIL line. */
bool expect_fault(unsigned result, unsigned vector, const char *action, uint64_t address);

#endif
