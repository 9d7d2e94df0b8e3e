/* sbx-attest enroll (ATTESTATION.md, steps 1-3): the EK certificate chains to the
 * pinned CA and certifies the EK the agent names; the AK is of the pinned profile;
 * and the AK is in the same TPM as that EK, because only that TPM can activate a
 * credential made for the pair. The expected credential is never printed, and it is
 * wiped as soon as it has been compared. */
#include "sbx_attest.h"
#include "mbedtls/platform_util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_client.h"
#include "ak_public.h"
#include "ek_identity.h"
#include "enrollment.h"
#include "evidence.h"

#define CREDENTIAL_SIZE 32

struct enrolment {
	const struct attest_options *options;
	struct verdict *verdict;
	mbedtls_ctr_drbg_context drbg;
	struct identity identity;
	struct ek_public ek;
	struct ak_public ak;
	uint8_t credential[CREDENTIAL_SIZE];
};

/* One request on its own connection; the response line in `*response`. */
static int exchange(struct enrolment *e, char *request, char **response, size_t *response_size)
{
	char reason[AGENT_REASON_SIZE] = "";

	if (!request) {
		verdict_fail(e->verdict, "transport", VERDICT_ERROR, "out of memory");
		return -1;
	}
	if (agent_exchange(e->options->agent, request, ATTEST_AGENT_TIMEOUT_SECONDS, response,
			   response_size, reason)) {
		free(request);
		verdict_fail(e->verdict, "transport", VERDICT_ERROR, "%s", reason);
		return -1;
	}
	free(request);
	return 0;
}

static int check_identity(struct enrolment *e)
{
	char reason[EVIDENCE_REASON_SIZE] = "", certificate_reason[VERDICT_REASON_SIZE] = "";
	char *response;
	size_t response_size;
	const char *why;
	int status;

	if (exchange(e, identity_request(), &response, &response_size))
		return -1;
	status = identity_parse(response, response_size, &e->identity, reason);
	if (status)
		verdict_fail(e->verdict, "identity", attest_refused_response_status(status), "%s",
			     reason);
	free(response);
	if (status)
		return -1;
	verdict_ok(e->verdict, "identity");

	status = ek_public_parse(e->identity.ek_public.bytes, e->identity.ek_public.size, &e->ek,
				 &why);
	if (status != VERIFY_TRUSTED) {
		verdict_fail(e->verdict, "ek.public", status, "%s", why);
		return -1;
	}
	verdict_ok(e->verdict, "ek.public");

	status = ek_certificate_check(e->identity.ek_certificate.bytes,
				      e->identity.ek_certificate.size, e->options->ek_ca,
				      e->options->ek_chain, &e->ek, certificate_reason,
				      sizeof(certificate_reason));
	if (status != VERIFY_TRUSTED) {
		verdict_fail(e->verdict, "ek.certificate", status < 0 ? VERDICT_ERROR : status,
			     "%s", certificate_reason);
		return -1;
	}
	verdict_ok(e->verdict, "ek.certificate");

	status = ak_public_parse(e->identity.ak_public.bytes, e->identity.ak_public.size, &e->ak,
				 &why);
	if (status != VERIFY_TRUSTED) {
		verdict_fail(e->verdict, "ak.public", status, "%s", why);
		return -1;
	}
	verdict_ok(e->verdict, "ak.public");
	return 0;
}

/* MakeCredential for the EK and the AK's Name, ActivateCredential by the agent, and
 * a constant-time comparison of what came back. */
static int check_activation(struct enrolment *e)
{
	uint8_t blob[CREDENTIAL_BLOB_SIZE_MAX], secret[ENCRYPTED_SECRET_SIZE_MAX];
	size_t blob_size, secret_size, response_size;
	char reason[EVIDENCE_REASON_SIZE] = "";
	struct activation activation = { { NULL, 0 } };
	const char *why = "";
	char *response;
	bool activated;
	int status;

	if (mbedtls_ctr_drbg_random(&e->drbg, e->credential, sizeof(e->credential))) {
		verdict_fail(e->verdict, "ak.credential", VERDICT_ERROR,
			     "the CSPRNG gave no credential");
		return -1;
	}
	if (make_credential(&e->ek, e->ak.name, e->credential, sizeof(e->credential),
			    mbedtls_ctr_drbg_random, &e->drbg, blob, &blob_size, secret,
			    &secret_size, &why)) {
		verdict_fail(e->verdict, "ak.credential", VERDICT_ERROR,
			     "cannot make the credential: %s", why ? why : "no reason given");
		return -1;
	}
	if (exchange(e, activation_request(blob, blob_size, secret, secret_size), &response,
		     &response_size))
		return -1;
	status = activation_parse(response, response_size, &activation, reason);
	if (status) {
		verdict_fail(e->verdict, "ak.activation", attest_refused_response_status(status),
			     "%s", reason);
		free(response);
		return -1;
	}
	free(response);
	activated = activation.credential.size == sizeof(e->credential) &&
		    mbedtls_ct_memcmp(activation.credential.bytes, e->credential,
				      sizeof(e->credential)) == 0;
	activation_free(&activation);
	if (!activated) {
		verdict_fail(e->verdict, "ak.activation", VERIFY_UNTRUSTED,
			     "the credential came back wrong: the AK is not in the EK's TPM");
		return -1;
	}
	verdict_ok(e->verdict, "ak.activation");
	return 0;
}

static int store(struct enrolment *e)
{
	const struct blob *ak_public = &e->identity.ak_public;
	char reason[ENROLLMENT_REASON_SIZE] = "";
	struct enrollment record = { 0 };

	if (ak_public->size > sizeof(record.ak_public)) {
		verdict_fail(e->verdict, "enrollment", VERIFY_MALFORMED,
			     "the AK public area is larger than %zu bytes",
			     sizeof(record.ak_public));
		return -1;
	}
	memcpy(record.ak_public, ak_public->bytes, ak_public->size);
	record.ak_public_size = ak_public->size;
	memcpy(record.ak_name, e->ak.name, AK_NAME_SIZE);
	if (mbedtls_sha256_ret(e->identity.ek_certificate.bytes, e->identity.ek_certificate.size,
			       record.ek_certificate_sha256, 0)) {
		verdict_fail(e->verdict, "enrollment", VERDICT_ERROR, "SHA-256 failed");
		return -1;
	}
	if (enrollment_enroll(e->options->state, &record, reason)) {
		verdict_fail(e->verdict, "enrollment", VERDICT_ERROR, "%s", reason);
		return -1;
	}
	verdict_ok(e->verdict, "enrollment");
	return 0;
}

static int parse_options(int argc, char **argv, struct attest_options *options)
{
	static const struct option long_options[] = {
		{ "agent", required_argument, NULL, 'a' },
		{ "ek-ca", required_argument, NULL, 'c' },
		{ "ek-chain", required_argument, NULL, 'i' },
		{ "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	char reason[VERDICT_REASON_SIZE];
	char *target;
	int option;

	if (attest_defaults(options, reason, sizeof(reason)))
		return attest_print_error("usage", VERDICT_ERROR, "%s", reason);
	opterr = 0;
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		target = option == 'c' ? options->ek_ca :
			 option == 'i' ? options->ek_chain :
			 option == 's' ? options->state : NULL;
		if (option == 'a') {
			options->agent = optarg;
		} else if (target) {
			if (strlen(optarg) >= PATH_MAX)
				return attest_print_error("usage", VERDICT_ERROR,
							  "path too long: %s", optarg);
			strcpy(target, optarg);
		} else {
			return attest_print_error("usage", VERDICT_ERROR,
						  "enroll: unknown option or missing value: %s",
						  argv[optind - 1]);
		}
	}
	if (optind != argc)
		return attest_print_error("usage", VERDICT_ERROR, "enroll: unexpected argument %s",
					  argv[optind]);
	return 0;
}

int enroll_command(int argc, char **argv)
{
	struct attest_options options;
	struct verdict verdict;
	struct enrolment e = { .options = &options, .verdict = &verdict };
	int status = parse_options(argc, argv, &options);

	if (status)
		return status;
	verdict_init(&verdict);
	if (attest_random_start(&e.drbg))
		verdict_fail(&verdict, "random", VERDICT_ERROR, "cannot seed the CSPRNG");
	else if (!check_identity(&e) && !check_activation(&e))
		store(&e);
	mbedtls_platform_zeroize(e.credential, sizeof(e.credential));
	identity_free(&e.identity);
	mbedtls_ctr_drbg_free(&e.drbg);
	return attest_print(&verdict);
}
