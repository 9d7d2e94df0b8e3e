/* The securebox parses bytes the commodity OS chose: every malformed request of
 * the corpus (malformed_corpus.h) must be refused with a bare, well-formed header
 * naming an error, or by the hypervisor before it reaches the securebox, and the
 * securebox must still serve afterwards. All cases run; the FAIL line counts the
 * wrong answers and describes the first. */
#include <string.h>

#include "malformed_corpus.h"
#include "report.h"
#include "scenarios.h"
#include "securebox_client.h"

#define HEADER_SIZE sizeof(struct sbx_service_header)

static struct corpus_case request;
static struct securebox_message response;

struct wrong_answer {
	const char *problem;
	const char *status;   /* the hypercall's or the securebox's */
};

/* Whether the answer to `request` is one it may get; if not, *wrong says why. */
static bool answered_right(struct wrong_answer *wrong)
{
	struct hypercall_result result;
	int32_t status;

	memset(&response.header, 0, sizeof(response.header));
	result = hypercall(SBX_HC_SECUREBOX_CALL, (uint64_t)request.bytes, request.size,
			   (uint64_t)&response, sizeof(response));
	wrong->status = sbx_status_name(result.status);
	if (result.status != SBX_OK) {
		wrong->problem = "the hypervisor refused it otherwise";
		return request.hypervisor_refusal != SBX_OK &&
		       result.status == request.hypervisor_refusal;
	}

	status = response.header.status;
	wrong->status = sbx_service_status_name(status);
	if (result.rdi != HEADER_SIZE || response.header.length != 0)
		wrong->problem = "the answer is no bare header";
	else if (status == SBX_SERVICE_OK)
		wrong->problem = "it was accepted";
	else if (!service_status_is_error(status))
		wrong->problem = "the status is undefined";
	else if (!(request.refusals & SERVICE_STATUS_BIT(status)))
		wrong->problem = "the error does not name the defect";
	else
		return true;
	return false;
}

bool securebox_malformed_corpus(void)
{
	uint32_t count = corpus_size(), wrong_count = 0, first_index = 0;
	struct wrong_answer wrong, first = { 0 };

	for (uint32_t i = 0; i < count; i++) {
		corpus_case(i, &request);
		if (answered_right(&wrong))
			continue;
		if (!wrong_count++) {
			first = wrong;
			first_index = i;
		}
	}
	if (wrong_count) {
		corpus_case(first_index, &request);
		return fail("%u of %u malformed requests answered wrongly; the first, case %u "
			    "(%s, service %u, %u bytes): %s (%s)",
			    wrong_count, count, first_index, request.defect, request.service,
			    request.size, first.problem, first.status);
	}
	/* None of it left the securebox unable to serve. */
	return check_securebox_version();
}
