/* Probe mode: instead of the scenarios, run the probes named on the command line
 * and print what happened, for system tests that boot the same guest under two
 * policies and compare. Words:
 *   probe-read=ADDRESS probe-write=ADDRESS   one byte, hexadecimal address
 *   probe-user-hypercall                     SBX_HC_VERSION from ring 3
 *   probe-service=NAME                       a policy service name (policy/README.md)
 *   probe-request=SIZE probe-response=SIZE   an ECHO of that request size, or with
 *                                            that response capacity (decimal)
 * Each prints "sbx-test: probe <word>: <outcome>"; then "sbx-test: probes done". */
#ifndef SBX_TEST_GUEST_PROBES_H
#define SBX_TEST_GUEST_PROBES_H

#include <stdbool.h>
#include <stddef.h>

/* True when the command line names at least one probe. */
bool probes_requested(const char *cmdline, size_t capacity);

/* Runs them in order, then halts for good. */
_Noreturn void probes_run(const char *cmdline, size_t capacity);

#endif
