#ifndef SBX_TEST_GUEST_BENCH_H
#define SBX_TEST_GUEST_BENCH_H

/* Times the null hypercall against a securebox round trip, prints the medians
 * and their ratio as "sbx-bench: ..." lines, then halts. */
_Noreturn void bench_run(void);

#endif
