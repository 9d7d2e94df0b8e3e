/* libFuzzer target for the verifier's identity inputs (attest/ek_public.c,
 * ak_public.c, ek_certificate.c): the EK and AK public areas and the EK certificate
 * that the agent relays at enrolment, from a machine not yet trusted. Every input
 * goes to all three, the certificate against the pinned test CA and the fixture
 * EK; a public area that parses as an EK is also tried against the fixture
 * certificate, which exercises the comparison of keys. Seeded with the swtpm
 * fixtures of tests/unit/fixtures/ (make_ek_fixtures.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ak_public.h"
#include "ek_identity.h"
#include "report_verify.h"

#define ROOT FIXTURES "/ek_root.pem"
#define CHAIN FIXTURES "/ek_intermediate.pem"

static struct ek_public fixture_ek;
static uint8_t *fixture_certificate;
static size_t fixture_certificate_size;

static void must(int condition)
{
	if (!condition)
		abort();
}

static uint8_t *read_fixture(const char *path, size_t *size)
{
	FILE *file = fopen(path, "rb");
	uint8_t *bytes = malloc(1 << 16);

	must(file && bytes);
	*size = fread(bytes, 1, 1 << 16, file);
	must(*size > 0 && *size < (1 << 16) && fclose(file) == 0);
	return bytes;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *reason = NULL;
	size_t size;
	uint8_t *public = read_fixture(FIXTURES "/ek_public.bin", &size);

	(void)argc;
	(void)argv;
	must(ek_public_parse(public, size, &fixture_ek, &reason) == VERIFY_TRUSTED);
	free(public);
	fixture_certificate = read_fixture(FIXTURES "/ek_cert.der", &fixture_certificate_size);
	must(ek_certificate_check(fixture_certificate, fixture_certificate_size, ROOT, CHAIN,
				  &fixture_ek, NULL, 0) == VERIFY_TRUSTED);
	return 0;
}

/* A status of enum verify_status; a failure with its reason. */
static void check_status(int status, const char *reason)
{
	must(status >= VERIFY_TRUSTED && status <= VERIFY_CRYPTO_FAILURE);
	if (status != VERIFY_TRUSTED)
		must(reason && reason[0]);
}

static void check_certificate(const uint8_t *der, size_t size, const struct ek_public *ek)
{
	char reason[160];
	int status = ek_certificate_check(der, size, ROOT, CHAIN, ek, reason, sizeof(reason));

	must(strnlen(reason, sizeof(reason)) < sizeof(reason));
	check_status(status, reason);
	if (status == VERIFY_TRUSTED)
		must(reason[0] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ek_public ek;
	struct ak_public ak;
	const char *reason = NULL;
	int status;

	status = ek_public_parse(data, size, &ek, &reason);
	check_status(status, reason);
	if (status == VERIFY_TRUSTED)
		check_certificate(fixture_certificate, fixture_certificate_size, &ek);

	reason = NULL;
	check_status(ak_public_parse(data, size, &ak, &reason), reason);

	check_certificate(data, size, &fixture_ek);
	return 0;
}
