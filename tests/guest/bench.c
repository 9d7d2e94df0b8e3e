/* A securebox call is two world switches more than a null hypercall (into the
 * securebox and back) plus the copies, so its median should be about twice the
 * null hypercall's. Absolute cycles under emulation mean little; the ratio,
 * measured in one run, is what to compare. */
#include "arch/x86/cpu.h"
#include "bench.h"
#include "console.h"
#include "cycle_counter.h"
#include "hypercall.h"
#include "securebox_client.h"
#include "statistics.h"

#define ROUNDS            10000
#define ECHO_PAYLOAD_SIZE 8

static uint64_t null_cycles[ROUNDS];
static uint64_t echo_cycles[ROUNDS];
static struct securebox_message request, response;

static bool time_null_hypercalls(void)
{
	for (unsigned i = 0; i < ROUNDS; i++) {
		uint64_t start = ordered_rdtsc();
		struct hypercall_result result = hypercall(SBX_HC_VERSION, 0, 0, 0, 0);

		null_cycles[i] = ordered_rdtsc() - start;
		if (result.status != SBX_OK) {
			print("sbx-bench: FAIL SBX_HC_VERSION returned %s\n",
			      sbx_status_name(result.status));
			return false;
		}
	}
	return true;
}

static bool time_securebox_echoes(void)
{
	securebox_request(&request, SBX_SERVICE_ECHO, ECHO_PAYLOAD_SIZE);
	for (unsigned i = 0; i < ROUNDS; i++) {
		uint64_t start = ordered_rdtsc();
		struct hypercall_result result = securebox_call(&request, &response);

		echo_cycles[i] = ordered_rdtsc() - start;
		if (result.status != SBX_OK) {
			print("sbx-bench: FAIL SBX_HC_SECUREBOX_CALL returned %s\n",
			      sbx_status_name(result.status));
			return false;
		}
	}
	return true;
}

void bench_run(void)
{
	if (time_null_hypercalls() && time_securebox_echoes()) {
		uint64_t null_median = median_u64(null_cycles, ROUNDS);
		uint64_t echo_median = median_u64(echo_cycles, ROUNDS);
		char ratio[RATIO_TEXT_SIZE];

		format_ratio(ratio, sizeof(ratio), echo_median, null_median);
		print("sbx-bench: null-hypercall median %lu cycles\n", null_median);
		print("sbx-bench: securebox-echo median %lu cycles\n", echo_median);
		print("sbx-bench: ratio %s\n", ratio);
	}
	bench_key_sign();
	print("sbx-bench: done\n");
	cpu_halt_forever();
}
