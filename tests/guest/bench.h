#ifndef SBX_TEST_GUEST_BENCH_H
#define SBX_TEST_GUEST_BENCH_H

/* Times the null hypercall against a securebox round trip, then a key vault
 * signature (bench_key_sign), prints the medians and their ratios as
 * "sbx-bench: ..." lines, ends with "sbx-bench: done", and halts. */
_Noreturn void bench_run(void);

/* Times KEY_SIGN through the securebox against the same signature computed in
 * the guest (direct_sign.h); prints "sbx-bench: key-sign-securebox median N
 * cycles", "sbx-bench: key-sign-direct median N cycles" and "sbx-bench: key-sign
 * ratio X.YY", or a "sbx-bench: FAIL ..." line for a half that could not run. */
void bench_key_sign(void);

#endif
