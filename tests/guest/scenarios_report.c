/* The securebox's signed attestation report (REPORT). The guest checks what it
 * can without trusting anything: the shape of the answer and that it binds our
 * nonce and user data. It prints the report for the system test, which verifies
 * the signature, the identity key (against the hypervisor's PCR 18 event) and the
 * measurements with sbx-verify-report. */
#include <string.h>

#include "answer_checks.h"
#include "console.h"
#include "p256.h"
#include "report.h"
#include "scenarios.h"
#include "securebox_client.h"

#define FIRST_REPORTED_PCR 17

static struct sbx_report_request request;
static struct sbx_report report;

/* Fixed, so that the system test knows them without being told by the guest:
 * nonce byte i is i + 1, user data byte i is 0xff - i. */
static void fill_request(void)
{
	for (unsigned i = 0; i < SBX_NONCE_SIZE; i++)
		request.nonce[i] = (uint8_t)(i + 1);
	for (unsigned i = 0; i < SBX_USER_DATA_SIZE; i++)
		request.user_data[i] = (uint8_t)(0xff - i);
}

/* PCRs 17-19 start at all zeros or, under QEMU's swtpm, all 0xFF: a value still
 * like that was never extended. */
static bool measurements_present(const struct sbx_report_body *body)
{
	for (unsigned i = 0; i < sizeof(body->pcrs) / sizeof(body->pcrs[0]); i++)
		if (bytes_all(body->pcrs[i], SBX_DIGEST_SIZE, 0) ||
		    bytes_all(body->pcrs[i], SBX_DIGEST_SIZE, 0xff))
			return fail("the report gives PCR %u as never extended",
				    FIRST_REPORTED_PCR + i);
	for (unsigned i = 0; i < SBX_MEASURED_COUNT; i++)
		if (bytes_all(body->component_digests[i], SBX_DIGEST_SIZE, 0))
			return fail("the report gives component %u a zero digest", i);
	/* Both are the SHA-256 of the policy file, measured byte for byte. */
	if (memcmp(body->policy_digest, body->component_digests[SBX_MEASURED_POLICY],
		   SBX_DIGEST_SIZE))
		return fail("the policy digest differs from the policy component's digest");
	return true;
}

bool securebox_report(void)
{
	const struct sbx_report_body *body = &report.body;
	const char *problem;

	fill_request();
	if (!securebox_expect_ok(SBX_SERVICE_REPORT, &request, sizeof(request), &report,
				 sizeof(report)))
		return false;
	/* Before any check here can fail, so that the host has the report either way. */
	print("sbx-test: report ");
	print_hex(&report, sizeof(report));
	print("\n");

	if (body->magic != SBX_REPORT_MAGIC || body->version != SBX_REPORT_VERSION)
		return fail("report magic 0x%x version %u, not 0x%x and %u", body->magic,
			    body->version, SBX_REPORT_MAGIC, SBX_REPORT_VERSION);
	/* The system test boots with a TPM, so every digest is in a PCR. */
	if (body->flags != 0 || body->reserved != 0)
		return fail("report flags 0x%x reserved 0x%x, not 0 and 0", body->flags,
			    body->reserved);
	if (memcmp(body->nonce, request.nonce, SBX_NONCE_SIZE))
		return fail("the report does not carry our nonce");
	if (memcmp(body->user_data, request.user_data, SBX_USER_DATA_SIZE))
		return fail("the report does not carry our user data");
	if (!measurements_present(body))
		return false;
	if (bytes_all(body->boot_id, sizeof(body->boot_id), 0))
		return fail("the report's boot ID is zero");
	problem = p256_public_key_problem(body->identity_public_key);
	if (problem)
		return fail("the report's identity key: %s", problem);
	if (!bytes_all(body->padding, sizeof(body->padding), 0))
		return fail("the report body's padding is not zero");
	problem = signature_problem(report.signature_size, report.signature);
	if (problem)
		return fail("the report's %u-byte signature: %s", report.signature_size, problem);
	return true;
}
