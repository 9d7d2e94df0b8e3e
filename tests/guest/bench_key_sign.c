/* ECDSA under TCG takes milliseconds, so a few hundred rounds of each, not the
 * ten thousand of the null and echo calls. The securebox's key is its own (made
 * by KEY_CREATE) and the guest's is fixed, but both are P-256 keys signed with the
 * same code, so the ratio is the cost of reaching the securebox plus whatever it
 * does beyond signing. */
#include <string.h>

#include "bench.h"
#include "console.h"
#include "cycle_counter.h"
#include "direct_sign.h"
#include "securebox_client.h"
#include "statistics.h"

#define ROUNDS 201   /* odd: the median is one measured value */
#define LABEL  "sbx-bench key"

static uint64_t securebox_cycles[ROUNDS];
static uint64_t direct_cycles[ROUNDS];
static struct securebox_message request, response;
static struct direct_signer signer;

static uint8_t label[SBX_KEY_LABEL_SIZE];
static uint8_t digest[SBX_DIGEST_SIZE];

/* One securebox call with request's header and payload as they stand: NULL if
 * it and the service succeeded with an answer of `answer_size` bytes. */
static const char *call_problem(uint32_t answer_size)
{
	struct hypercall_result result = securebox_call(&request, &response);

	if (result.status != SBX_OK)
		return sbx_status_name(result.status);
	if (response.header.status != SBX_SERVICE_OK)
		return sbx_service_status_name(response.header.status);
	if (response.header.length != answer_size)
		return "an answer of the wrong size";
	return NULL;
}

/* KEY_CREATE, then leaves a KEY_SIGN request for the new key in `request`. */
static bool prepare_securebox_key(void)
{
	struct sbx_key_create_request create = { .usage = SBX_KEY_USAGE_AUTHENTICATION };
	struct sbx_key_sign_request sign = { .usage = SBX_KEY_USAGE_AUTHENTICATION };
	struct sbx_key_public_response key;
	const char *problem;

	memcpy(create.label, label, sizeof(label));
	securebox_request(&request, SBX_SERVICE_KEY_CREATE, sizeof(create));
	memcpy(request.payload, &create, sizeof(create));
	problem = call_problem(sizeof(key));
	if (problem) {
		print("sbx-bench: FAIL key-sign-securebox: KEY_CREATE: %s\n", problem);
		return false;
	}
	memcpy(&key, response.payload, sizeof(key));

	sign.handle = key.handle;
	memcpy(sign.digest, digest, sizeof(digest));
	securebox_request(&request, SBX_SERVICE_KEY_SIGN, sizeof(sign));
	memcpy(request.payload, &sign, sizeof(sign));
	return true;
}

static bool time_securebox_sign(unsigned round)
{
	uint64_t start = ordered_rdtsc();
	const char *problem = call_problem(sizeof(struct sbx_signature));

	securebox_cycles[round] = ordered_rdtsc() - start;
	if (problem)
		print("sbx-bench: FAIL key-sign-securebox: KEY_SIGN: %s\n", problem);
	return !problem;
}

static bool time_direct_sign(unsigned round)
{
	uint8_t der[SBX_SIGNATURE_MAX];
	size_t size;
	uint64_t start = ordered_rdtsc();
	int error = direct_sign(&signer, SBX_KEY_USAGE_AUTHENTICATION, label, digest, der, &size);

	direct_cycles[round] = ordered_rdtsc() - start;
	if (error)
		print("sbx-bench: FAIL key-sign-direct: mbedTLS error -0x%x\n", -error);
	return !error;
}

void bench_key_sign(void)
{
	const char *problem;
	bool securebox_timed, direct_timed;
	uint64_t securebox_median, direct_median;
	char ratio[RATIO_TEXT_SIZE];

	memcpy(label, LABEL, sizeof(LABEL) - 1);
	for (unsigned i = 0; i < SBX_DIGEST_SIZE; i++)
		digest[i] = (uint8_t)i;

	securebox_timed = prepare_securebox_key();
	problem = direct_signer_init(&signer);
	direct_timed = !problem;
	if (problem)
		print("sbx-bench: FAIL key-sign-direct: %s\n", problem);
	/* Alternated, so that both see the same host: under TCG a busy host slows
	 * the guest for seconds at a time. */
	for (unsigned i = 0; i < ROUNDS; i++) {
		if (securebox_timed)
			securebox_timed = time_securebox_sign(i);
		if (direct_timed)
			direct_timed = time_direct_sign(i);
	}
	direct_signer_free(&signer);

	if (securebox_timed) {
		securebox_median = median_u64(securebox_cycles, ROUNDS);
		print("sbx-bench: key-sign-securebox median %lu cycles\n", securebox_median);
	}
	if (direct_timed) {
		direct_median = median_u64(direct_cycles, ROUNDS);
		print("sbx-bench: key-sign-direct median %lu cycles\n", direct_median);
	}
	if (securebox_timed && direct_timed) {
		format_ratio(ratio, sizeof(ratio), securebox_median, direct_median);
		print("sbx-bench: key-sign ratio %s\n", ratio);
	}
}
