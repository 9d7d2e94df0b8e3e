/* The software attester. Each PCR value is extended here alongside the log being
 * written, independently of the verifier's replay, so that a replay bug cannot hide
 * behind a matching model. Everything is deterministic: the AK is a fixed key and
 * every random value comes from a CTR_DRBG with fixed entropy. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/rsa.h"

#include "attester_model.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "attester_logs.h"
#include "sbx/measurement.h"

#define TPM_RH_ENDORSEMENT_BYTES 0x40, 0x00, 0x00, 0x0b

/* The AK's primes, from `openssl genrsa 2048`: a test key, fixed so that every run
 * signs the same bytes (the attest mbedTLS build has no prime generation). */
static const char ak_prime_p[] =
	"e839efa78af13b7057740eade090137f743787637ad5f7b652b323f52018a7d69b7fe0b77f938903"
	"c13b47f66f59d1f9e83a9c9ba058cc13ba51df260bf68fb5534348566da0478416cd07f0243b0e36"
	"dc1201beb2b9fd88eb24cc87c0ef57c2d7584dd6a5fd9b4dc2f08aa5ca2958fab2357556017f3107"
	"c65cb22999a3a483";
static const char ak_prime_q[] =
	"bb9ad53486d059733ad61a28c5d46bbefbfde019ae6dc0ebb3f0431f0ae98f7f3bb00abf3b468136"
	"532ca0c2997e925a77b12f6288873e2430e1438e1b7d1ada9fbfa76bd541050afd39d2220ee63440"
	"f0612884af4154e81b7a3cea5e518b995c64ea9ae7baf518cbb4887ff674924b15c0ab5c36769e90"
	"91a8931666ed98df";

static const char *const default_components[SBX_MEASURED_COUNT] = {
	"hypervisor image", "policy file", "securebox image",
	"kernel image", "initrd image", "console=ttyS0",
};

static const uint8_t ek_certificate[] = "a DER EK certificate: only its digest is checked here";

static mbedtls_ctr_drbg_context drbg;
static mbedtls_rsa_context ak;
static mbedtls_ecp_keypair identity_keys[2];
static uint8_t identity_public_keys[2][SBX_PUBLIC_KEY_SIZE];
static uint8_t ak_public[512];
static size_t ak_public_size;
static uint8_t ak_name[34];

static int fixed_entropy(void *context, unsigned char *out, size_t size)
{
	(void)context;
	for (size_t i = 0; i < size; i++)
		out[i] = (uint8_t)(i * 29 + 3);
	return 0;
}

static int make_ak(void)
{
	TPM2B_PUBLIC area = { .publicArea = {
		.type = TPM2_ALG_RSA,
		.nameAlg = TPM2_ALG_SHA256,
		.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
				    TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
				    TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT,
		.parameters.rsaDetail = {
			.symmetric.algorithm = TPM2_ALG_NULL,
			.scheme = { TPM2_ALG_RSASSA, { .rsassa = { TPM2_ALG_SHA256 } } },
			.keyBits = 2048,
			.exponent = 0,
		},
		.unique.rsa.size = 256,
	} };
	mbedtls_mpi p, q, e;
	size_t offset = 0;
	int failed;

	mbedtls_mpi_init(&p);
	mbedtls_mpi_init(&q);
	mbedtls_mpi_init(&e);
	failed = mbedtls_mpi_read_string(&p, 16, ak_prime_p) ||
		 mbedtls_mpi_read_string(&q, 16, ak_prime_q) || mbedtls_mpi_lset(&e, 65537) ||
		 mbedtls_rsa_import(&ak, NULL, &p, &q, NULL, &e) || mbedtls_rsa_complete(&ak) ||
		 mbedtls_rsa_check_privkey(&ak) ||
		 mbedtls_rsa_export_raw(&ak, area.publicArea.unique.rsa.buffer, 256, NULL, 0,
					NULL, 0, NULL, 0, NULL, 0);
	mbedtls_mpi_free(&p);
	mbedtls_mpi_free(&q);
	mbedtls_mpi_free(&e);
	if (failed || Tss2_MU_TPM2B_PUBLIC_Marshal(&area, ak_public, sizeof(ak_public), &offset))
		return -1;
	ak_public_size = offset;
	ak_name[0] = 0x00;
	ak_name[1] = 0x0b;
	attester_sha256(ak_public + 2, ak_public_size - 2, ak_name + 2);
	return 0;
}

int attester_model_start(void)
{
	static const unsigned char personalization[] = "sbx attester model";
	size_t size;

	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_rsa_init(&ak, MBEDTLS_RSA_PKCS_V15, 0);
	if (mbedtls_ctr_drbg_seed(&drbg, fixed_entropy, NULL, personalization,
				  sizeof(personalization) - 1) ||
	    make_ak())
		return -1;
	for (int i = 0; i < 2; i++) {
		mbedtls_ecp_keypair_init(&identity_keys[i]);
		if (mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, &identity_keys[i],
					mbedtls_ctr_drbg_random, &drbg) ||
		    mbedtls_ecp_point_write_binary(&identity_keys[i].grp, &identity_keys[i].Q,
						   MBEDTLS_ECP_PF_UNCOMPRESSED, &size,
						   identity_public_keys[i], SBX_PUBLIC_KEY_SIZE) ||
		    size != SBX_PUBLIC_KEY_SIZE)
			return -1;
	}
	return 0;
}

void attester_model_stop(void)
{
	for (int i = 0; i < 2; i++)
		mbedtls_ecp_keypair_free(&identity_keys[i]);
	mbedtls_rsa_free(&ak);
	mbedtls_ctr_drbg_free(&drbg);
}

void attester_defaults(struct attester_config *config)
{
	memset(config, 0, sizeof(*config));
	for (size_t i = 0; i < SBX_NONCE_SIZE; i++)
		config->nonce[i] = (uint8_t)(0x80 + i);
	memcpy(config->components, default_components, sizeof(config->components));
	config->pcr_mask = 0x3ffu | (1u << 17) | (1u << 18) | (1u << 19);
	config->safe = TPM2_YES;
	config->reset_count = 7;
	config->restart_count = 2;
}

/* --- the report --------------------------------------------------------------------- */

static void build_report(const struct attester_config *config, struct attester_output *output)
{
	struct sbx_report_body *body = &output->report.body;
	mbedtls_ecp_keypair *key = &identity_keys[config->identity_key];
	uint8_t hash[32], signature[MBEDTLS_ECDSA_MAX_LEN];
	size_t size;

	memset(&output->report, 0, sizeof(output->report));
	body->magic = htole32(SBX_REPORT_MAGIC);
	body->version = htole32(SBX_REPORT_VERSION);
	memcpy(body->nonce, config->nonce, SBX_NONCE_SIZE);
	for (size_t i = 0; i < SBX_MEASURED_COUNT; i++)
		attester_sha256(config->components[i], strlen(config->components[i]),
		       body->component_digests[i]);
	memcpy(body->policy_digest, body->component_digests[SBX_MEASURED_POLICY], 32);
	for (int i = 0; i < 3; i++)
		memcpy(body->pcrs[i], output->pcrs[SBX_PCR_HYPERVISOR + i], 32);
	memset(body->boot_id, 0xb0 + config->identity_key, sizeof(body->boot_id));
	memcpy(body->identity_public_key, identity_public_keys[config->identity_key],
	       SBX_PUBLIC_KEY_SIZE);

	attester_sha256(body, sizeof(*body), hash);
	attester_must(mbedtls_ecdsa_write_signature(key, MBEDTLS_MD_SHA256, hash, sizeof(hash), signature,
					   &size, mbedtls_ctr_drbg_random, &drbg) == 0);
	attester_must(size <= SBX_SIGNATURE_MAX);
	memcpy(output->report.signature, signature, size);
	output->report.signature_size = htole32((uint32_t)size);
}

/* --- the quote ---------------------------------------------------------------------- */

static void build_quote(const struct attester_config *config, struct attester_output *output)
{
	const uint8_t qualified_prefix[] = { TPM_RH_ENDORSEMENT_BYTES };
	TPMS_ATTEST attest = {
		.magic = TPM2_GENERATED_VALUE,
		.type = TPM2_ST_ATTEST_QUOTE,
		.extraData.size = SBX_NONCE_SIZE,
		.clockInfo = { 123456, config->reset_count, config->restart_count, config->safe },
		.firmwareVersion = 0x2000000000000ull,
	};
	TPML_PCR_SELECTION *selection = &attest.attested.quote.pcrSelect;
	uint8_t message[sizeof(qualified_prefix) + sizeof(ak_name)];
	mbedtls_sha256_context sha;
	size_t offset = 0;

	/* The AK is a primary of the endorsement hierarchy: QN = H(handle || Name). */
	memcpy(message, qualified_prefix, sizeof(qualified_prefix));
	memcpy(message + sizeof(qualified_prefix), ak_name, sizeof(ak_name));
	if (config->foreign_signer)
		message[sizeof(message) - 1] ^= 1;
	attest.qualifiedSigner.size = 34;
	attest.qualifiedSigner.name[0] = 0x00;
	attest.qualifiedSigner.name[1] = 0x0b;
	attester_sha256(message, sizeof(message), attest.qualifiedSigner.name + 2);
	memcpy(attest.extraData.buffer, config->nonce, SBX_NONCE_SIZE);

	selection->count = 1;
	selection->pcrSelections[0].hash = TPM2_ALG_SHA256;
	selection->pcrSelections[0].sizeofSelect = 3;
	for (int i = 0; i < 3; i++)
		selection->pcrSelections[0].pcrSelect[i] = (uint8_t)(config->pcr_mask >> (8 * i));
	mbedtls_sha256_init(&sha);
	attester_must(mbedtls_sha256_starts_ret(&sha, 0) == 0);
	for (int pcr = 0; pcr < MODEL_PCR_COUNT; pcr++)
		if (config->pcr_mask & (1u << pcr))
			attester_must(mbedtls_sha256_update_ret(&sha, output->pcrs[pcr], 32) == 0);
	attester_must(mbedtls_sha256_finish_ret(&sha, attest.attested.quote.pcrDigest.buffer) == 0);
	mbedtls_sha256_free(&sha);
	attest.attested.quote.pcrDigest.size = 32;

	attester_must(Tss2_MU_TPMS_ATTEST_Marshal(&attest, output->attest, sizeof(output->attest),
					 &offset) == TSS2_RC_SUCCESS);
	output->attest_size = offset;
	attester_sign_quote(output);
}

void attester_sign_quote(struct attester_output *output)
{
	TPMT_SIGNATURE signature = {
		.sigAlg = TPM2_ALG_RSASSA,
		.signature.rsassa = { .hash = TPM2_ALG_SHA256, .sig.size = 256 },
	};
	uint8_t hash[32];
	size_t offset = 0;

	attester_sha256(output->attest, output->attest_size, hash);
	attester_must(mbedtls_rsa_rsassa_pkcs1_v15_sign(&ak, mbedtls_ctr_drbg_random, &drbg,
					       MBEDTLS_RSA_PRIVATE, MBEDTLS_MD_SHA256, 32, hash,
					       signature.signature.rsassa.sig.buffer) == 0);
	attester_must(Tss2_MU_TPMT_SIGNATURE_Marshal(&signature, output->signature,
					    sizeof(output->signature),
					    &offset) == TSS2_RC_SUCCESS);
	output->signature_size = offset;
}

void attester_build(const struct attester_config *config, struct attester_output *output)
{
	memset(output, 0, sizeof(*output));
	attester_firmware_log(output);
	attester_hv_log(config, identity_public_keys[0], output);
	build_report(config, output);
	build_quote(config, output);
}

/* --- evidence, enrolment, reference --------------------------------------------------- */

static struct blob copy(const void *bytes, size_t size)
{
	struct blob blob = { malloc(size ? size : 1), size };

	attester_must(blob.bytes != NULL);
	memcpy(blob.bytes, bytes, size);
	return blob;
}

void attester_evidence(const struct attester_config *config,
		       const struct attester_output *output, struct evidence *evidence)
{
	memcpy(evidence->nonce, config->nonce, SBX_NONCE_SIZE);
	evidence->quote_attest = copy(output->attest, output->attest_size);
	evidence->quote_signature = copy(output->signature, output->signature_size);
	evidence->ak_public = copy(ak_public, ak_public_size);
	evidence->ek_certificate = copy(ek_certificate, sizeof(ek_certificate));
	evidence->firmware_log = copy(output->firmware_log, output->firmware_log_size);
	evidence->hv_log = copy(output->hv_log, output->hv_log_size);
	evidence->report = copy(&output->report, sizeof(output->report));
}

void attester_evidence_free(struct evidence *evidence)
{
	struct blob *blobs[] = {
		&evidence->quote_attest, &evidence->quote_signature, &evidence->ak_public,
		&evidence->ek_certificate, &evidence->firmware_log, &evidence->hv_log,
		&evidence->report,
	};

	for (size_t i = 0; i < sizeof(blobs) / sizeof(blobs[0]); i++) {
		free(blobs[i]->bytes);
		*blobs[i] = (struct blob){ NULL, 0 };
	}
}

const uint8_t *attester_ak_public(size_t *size)
{
	*size = ak_public_size;
	return ak_public;
}

void attester_enrollment(struct enrollment *enrollment)
{
	memset(enrollment, 0, sizeof(*enrollment));
	memcpy(enrollment->ak_public, ak_public, ak_public_size);
	enrollment->ak_public_size = ak_public_size;
	memcpy(enrollment->ak_name, ak_name, sizeof(ak_name));
	attester_sha256(ek_certificate, sizeof(ek_certificate), enrollment->ek_certificate_sha256);
}

/* Each component allows its default digest and a second, unrelated value, as a
 * fleet mid-update would. */
void attester_reference(struct reference *reference)
{
	struct attester_config config;
	struct attester_output *output = calloc(1, sizeof(*output));

	attester_must(output != NULL);
	attester_defaults(&config);
	memset(reference, 0, sizeof(*reference));
	for (size_t i = 0; i < SBX_MEASURED_COUNT; i++) {
		attester_sha256(default_components[i], strlen(default_components[i]),
		       reference->component_values[i][0]);
		memset(reference->component_values[i][1], 0x11 * (int)(i + 1), 32);
		reference->components[i] = (struct allowed_digests){
			(const uint8_t(*)[SBX_DIGEST_SIZE])reference->component_values[i], 2
		};
	}
	attester_firmware_log(output);
	for (int pcr = 0; pcr < REFERENCE_PLATFORM_PCRS; pcr++) {
		memcpy(reference->platform_values[pcr][0], output->pcrs[pcr], 32);
		reference->platform_pcrs[pcr] = (struct allowed_digests){
			(const uint8_t(*)[SBX_DIGEST_SIZE])reference->platform_values[pcr], 1
		};
	}
	free(output);
}
