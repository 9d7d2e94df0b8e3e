/* `make bench`: what one signature verification costs the verifier, for the two
 * algorithms an AK could use: RSA-2048 RSASSA-PKCS1-v1_5 (sbx's pinned AK profile,
 * on the real swtpm quote in tests/unit/fixtures) and ECDSA P-256 (what the
 * securebox's identity key uses, on a signature made here), with the same
 * mbedTLS 2.28 build sbx-attest links. Prints verifies per second of each, measured
 * in one run, and their ratio. Not a test: nothing here passes or fails on speed. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/rsa.h"

#include "ak_public.h"

#define ROUNDS 2000
#define TPMT_SIGNATURE_HEADER 6   /* sigAlg, hashAlg, TPM2B size */

static size_t load(const char *directory, const char *name, uint8_t *buffer, size_t capacity)
{
	char path[512];
	FILE *file;
	size_t size;

	snprintf(path, sizeof(path), "%s/%s", directory, name);
	file = fopen(path, "rb");
	if (!file) {
		perror(path);
		exit(1);
	}
	size = fread(buffer, 1, capacity, file);
	fclose(file);
	return size;
}

static double seconds_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec + now.tv_nsec / 1e9;
}

static int fixed_entropy(void *context, unsigned char *out, size_t size)
{
	(void)context;
	memset(out, 0x5a, size);
	return 0;
}

static double rsa_verifies_per_second(const char *fixtures)
{
	uint8_t public_area[1024], attest[1024], signature[1024], hash[32];
	size_t public_size = load(fixtures, "quote_ak.pub", public_area, sizeof(public_area));
	size_t attest_size = load(fixtures, "quote.msg", attest, sizeof(attest));
	size_t signature_size = load(fixtures, "quote.sig", signature, sizeof(signature));
	uint8_t exponent[4];
	struct ak_public ak;
	mbedtls_rsa_context rsa;
	const char *reason;
	double start;

	if (ak_public_parse(public_area, public_size, &ak, &reason) ||
	    signature_size != TPMT_SIGNATURE_HEADER + AK_RSA_MODULUS_SIZE) {
		fprintf(stderr, "signature_cost: the quote fixture does not parse\n");
		exit(1);
	}
	exponent[0] = ak.exponent >> 24;
	exponent[1] = ak.exponent >> 16;
	exponent[2] = ak.exponent >> 8;
	exponent[3] = ak.exponent;
	mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V15, 0);
	if (mbedtls_rsa_import_raw(&rsa, ak.modulus, sizeof(ak.modulus), NULL, 0, NULL, 0, NULL,
				   0, exponent, sizeof(exponent)) ||
	    mbedtls_rsa_complete(&rsa)) {
		fprintf(stderr, "signature_cost: the AK is no RSA key\n");
		exit(1);
	}
	start = seconds_now();
	for (int i = 0; i < ROUNDS; i++) {
		mbedtls_sha256_ret(attest, attest_size, hash, 0);
		if (mbedtls_rsa_pkcs1_verify(&rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC,
					     MBEDTLS_MD_SHA256, sizeof(hash), hash,
					     signature + TPMT_SIGNATURE_HEADER)) {
			fprintf(stderr, "signature_cost: the fixture quote does not verify\n");
			exit(1);
		}
	}
	mbedtls_rsa_free(&rsa);
	return ROUNDS / (seconds_now() - start);
}

static double ecdsa_verifies_per_second(const uint8_t *message, size_t message_size)
{
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ecdsa_context key;
	uint8_t hash[32], der[MBEDTLS_ECDSA_MAX_LEN];
	size_t der_size;
	double start;

	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_ecdsa_init(&key);
	mbedtls_sha256_ret(message, message_size, hash, 0);
	if (mbedtls_ctr_drbg_seed(&drbg, fixed_entropy, NULL, NULL, 0) ||
	    mbedtls_ecdsa_genkey(&key, MBEDTLS_ECP_DP_SECP256R1, mbedtls_ctr_drbg_random, &drbg) ||
	    mbedtls_ecdsa_write_signature(&key, MBEDTLS_MD_SHA256, hash, sizeof(hash), der,
					  &der_size, mbedtls_ctr_drbg_random, &drbg)) {
		fprintf(stderr, "signature_cost: no ECDSA signature to verify\n");
		exit(1);
	}
	start = seconds_now();
	for (int i = 0; i < ROUNDS; i++) {
		mbedtls_sha256_ret(message, message_size, hash, 0);
		if (mbedtls_ecdsa_read_signature(&key, hash, sizeof(hash), der, der_size)) {
			fprintf(stderr, "signature_cost: the ECDSA signature does not verify\n");
			exit(1);
		}
	}
	mbedtls_ecdsa_free(&key);
	mbedtls_ctr_drbg_free(&drbg);
	return ROUNDS / (seconds_now() - start);
}

int main(int argc, char **argv)
{
	uint8_t attest[1024];
	size_t attest_size;
	double rsa, ecdsa;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE-DIRECTORY\n", argv[0]);
		return 4;
	}
	attest_size = load(argv[1], "quote.msg", attest, sizeof(attest));
	rsa = rsa_verifies_per_second(argv[1]);
	ecdsa = ecdsa_verifies_per_second(attest, attest_size);
	printf("signature-cost: RSA-2048 RSASSA-SHA256 verify: %.0f/s\n", rsa);
	printf("signature-cost: ECDSA P-256 SHA-256 verify: %.0f/s\n", ecdsa);
	printf("signature-cost: ratio RSA / ECDSA %.1f\n", rsa / ecdsa);
	return 0;
}
