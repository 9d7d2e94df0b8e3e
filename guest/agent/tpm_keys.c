/* The TPM identity the agent presents: the EK (TCG default RSA-2048 template L-1),
 * the AK (a primary in the endorsement hierarchy, attest/README.md), the EK
 * certificate from NV, and credential activation that binds the two keys. Both
 * keys are primaries, so the TPM derives the same ones at every boot and an
 * enrolment outlives a reboot. Everything goes through the kernel's resource
 * manager (/dev/tpmrm0 unless told otherwise), so that tpm2-tools in the shell can
 * share the TPM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "agent.h"

#define RSA_KEY_BITS 2048
#define NV_CHUNK 512   /* below every TPM's TPM_PT_NV_BUFFER_MAX */

static int tpm_fail(char error[AGENT_ERROR_SIZE], const char *what, TSS2_RC rc)
{
	snprintf(error, AGENT_ERROR_SIZE, "%s failed: %s", what, Tss2_RC_Decode(rc));
	return -1;
}

/* EK Credential Profile 2.0, template L-1: the digest of
 * PolicySecret(TPM_RH_ENDORSEMENT). */
static const uint8_t ek_policy[32] = {
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d,
	0x46, 0xa5, 0xd7, 0x24, 0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64,
	0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa,
};

static void ek_template(TPM2B_PUBLIC *template)
{
	memset(template, 0, sizeof(*template));
	template->publicArea.type = TPM2_ALG_RSA;
	template->publicArea.nameAlg = TPM2_ALG_SHA256;
	template->publicArea.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
		TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_ADMINWITHPOLICY |
		TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
	template->publicArea.authPolicy.size = sizeof(ek_policy);
	memcpy(template->publicArea.authPolicy.buffer, ek_policy, sizeof(ek_policy));
	template->publicArea.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_AES;
	template->publicArea.parameters.rsaDetail.symmetric.keyBits.aes = 128;
	template->publicArea.parameters.rsaDetail.symmetric.mode.aes = TPM2_ALG_CFB;
	template->publicArea.parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
	template->publicArea.parameters.rsaDetail.keyBits = RSA_KEY_BITS;
	template->publicArea.unique.rsa.size = RSA_KEY_BITS / 8;
}

static void ak_template(TPM2B_PUBLIC *template)
{
	memset(template, 0, sizeof(*template));
	template->publicArea.type = TPM2_ALG_RSA;
	template->publicArea.nameAlg = TPM2_ALG_SHA256;
	template->publicArea.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
		TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
		TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
	template->publicArea.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
	template->publicArea.parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
	template->publicArea.parameters.rsaDetail.scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
	template->publicArea.parameters.rsaDetail.keyBits = RSA_KEY_BITS;
	template->publicArea.unique.rsa.size = RSA_KEY_BITS / 8;
}

static int marshal_public(const TPM2B_PUBLIC *public, struct buffer *out,
			  char error[AGENT_ERROR_SIZE])
{
	size_t offset = 0;
	TSS2_RC rc;

	out->bytes = malloc(sizeof(*public));
	if (!out->bytes)
		return snprintf(error, AGENT_ERROR_SIZE, "out of memory"), -1;
	rc = Tss2_MU_TPM2B_PUBLIC_Marshal(public, out->bytes, sizeof(*public), &offset);
	if (rc != TSS2_RC_SUCCESS) {
		buffer_free(out);
		return tpm_fail(error, "marshalling a public area", rc);
	}
	out->size = offset;
	return 0;
}

static int create_primary(struct agent_tpm *tpm, const TPM2B_PUBLIC *template, ESYS_TR *key,
			  struct buffer *public_bytes, const char *what,
			  char error[AGENT_ERROR_SIZE])
{
	TPM2B_SENSITIVE_CREATE sensitive = { 0 };
	TPM2B_DATA outside_info = { 0 };
	TPML_PCR_SELECTION no_pcrs = { 0 };
	TPM2B_PUBLIC *public = NULL;
	TSS2_RC rc;
	int status;

	rc = Esys_CreatePrimary(tpm->context, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD,
				ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, template, &outside_info,
				&no_pcrs, key, &public, NULL, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(error, what, rc);
	status = marshal_public(public, public_bytes, error);
	Esys_Free(public);
	return status;
}

/* A missing certificate is not an error of tpm_open: the agent still serves, and
 * says why identity and evidence cannot be had. */
static int read_ek_certificate(struct agent_tpm *tpm, char error[AGENT_ERROR_SIZE])
{
	TPM2B_NV_PUBLIC *nv_public = NULL;
	ESYS_TR index;
	uint16_t size, offset;
	TSS2_RC rc;

	rc = Esys_TR_FromTPMPublic(tpm->context, EK_CERTIFICATE_NV_INDEX, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, &index);
	if (rc != TSS2_RC_SUCCESS) {
		snprintf(tpm->ek_certificate_missing, AGENT_ERROR_SIZE,
			 "no EK certificate: TPM NV index 0x%08x is not defined (%s); "
			 "provision the TPM (mk/provision-tpm.sh)", EK_CERTIFICATE_NV_INDEX,
			 Tss2_RC_Decode(rc));
		return 0;
	}
	rc = Esys_NV_ReadPublic(tpm->context, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				&nv_public, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(error, "TPM2_NV_ReadPublic of the EK certificate", rc);
	size = nv_public->nvPublic.dataSize;
	Esys_Free(nv_public);
	if (!size) {
		snprintf(tpm->ek_certificate_missing, AGENT_ERROR_SIZE,
			 "no EK certificate: TPM NV index 0x%08x is empty",
			 EK_CERTIFICATE_NV_INDEX);
		return 0;
	}
	tpm->ek_certificate.bytes = malloc(size);
	if (!tpm->ek_certificate.bytes)
		return snprintf(error, AGENT_ERROR_SIZE, "out of memory"), -1;
	for (offset = 0; offset < size;) {
		uint16_t chunk = size - offset < NV_CHUNK ? size - offset : NV_CHUNK;
		TPM2B_MAX_NV_BUFFER *data = NULL;

		rc = Esys_NV_Read(tpm->context, ESYS_TR_RH_OWNER, index, ESYS_TR_PASSWORD,
				  ESYS_TR_NONE, ESYS_TR_NONE, chunk, offset, &data);
		if (rc != TSS2_RC_SUCCESS) {
			buffer_free(&tpm->ek_certificate);
			return tpm_fail(error, "TPM2_NV_Read of the EK certificate", rc);
		}
		if (data->size != chunk) {
			snprintf(error, AGENT_ERROR_SIZE, "TPM2_NV_Read of the EK certificate "
				 "returned %u bytes at offset %u, not %u", data->size, offset, chunk);
			Esys_Free(data);
			buffer_free(&tpm->ek_certificate);
			return -1;
		}
		memcpy(tpm->ek_certificate.bytes + offset, data->buffer, chunk);
		Esys_Free(data);
		offset += chunk;
	}
	tpm->ek_certificate.size = size;
	return 0;
}

int tpm_open(struct agent_tpm *tpm, const char *tcti_config, char error[AGENT_ERROR_SIZE])
{
	TSS2_TCTI_CONTEXT *tcti;
	TPM2B_PUBLIC template;
	TSS2_RC rc;

	memset(tpm, 0, sizeof(*tpm));
	rc = Tss2_TctiLdr_Initialize(tcti_config, &tcti);
	if (rc != TSS2_RC_SUCCESS) {
		snprintf(error, AGENT_ERROR_SIZE, "opening the TPM (%s) failed: %s", tcti_config,
			 Tss2_RC_Decode(rc));
		return -1;
	}
	/* The context keeps the TCTI for the agent's whole life. */
	rc = Esys_Initialize(&tpm->context, tcti, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(error, "Esys_Initialize", rc);
	ek_template(&template);
	if (create_primary(tpm, &template, &tpm->ek, &tpm->ek_public,
			   "TPM2_CreatePrimary of the EK", error))
		return -1;
	ak_template(&template);
	if (create_primary(tpm, &template, &tpm->ak, &tpm->ak_public,
			   "TPM2_CreatePrimary of the AK", error))
		return -1;
	return read_ek_certificate(tpm, error);
}

static int unmarshal_exactly(const struct buffer *in, const char *field, void *out,
			     TSS2_RC (*unmarshal)(const uint8_t *, size_t, size_t *, void *),
			     char error[AGENT_ERROR_SIZE])
{
	size_t offset = 0;

	if (unmarshal(in->bytes, in->size, &offset, out) != TSS2_RC_SUCCESS ||
	    offset != in->size) {
		snprintf(error, AGENT_ERROR_SIZE, "%s is not exactly one TPM2B", field);
		return -1;
	}
	return 0;
}

/* The MU prototypes differ only in the type of their last argument. */
static TSS2_RC unmarshal_id_object(const uint8_t *bytes, size_t size, size_t *offset, void *out)
{
	return Tss2_MU_TPM2B_ID_OBJECT_Unmarshal(bytes, size, offset, out);
}

static TSS2_RC unmarshal_encrypted_secret(const uint8_t *bytes, size_t size, size_t *offset,
					  void *out)
{
	return Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal(bytes, size, offset, out);
}

int tpm_activate(struct agent_tpm *tpm, const struct buffer *credential_blob,
		 const struct buffer *secret, struct buffer *credential,
		 char error[AGENT_ERROR_SIZE])
{
	TPMT_SYM_DEF no_symmetric = { .algorithm = TPM2_ALG_NULL };
	TPM2B_ID_OBJECT blob = { 0 };
	TPM2B_ENCRYPTED_SECRET encrypted = { 0 };
	TPM2B_DIGEST *certificate_info = NULL;
	ESYS_TR session;
	TSS2_RC rc;

	if (unmarshal_exactly(credential_blob, "credential_blob", &blob, unmarshal_id_object,
			      error) ||
	    unmarshal_exactly(secret, "secret", &encrypted, unmarshal_encrypted_secret, error))
		return -1;
	/* The EK's authPolicy is PolicySecret(endorsement): a policy session that
	 * has proven knowledge of the (empty) endorsement authorisation. */
	rc = Esys_StartAuthSession(tpm->context, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, NULL, TPM2_SE_POLICY,
				   &no_symmetric, TPM2_ALG_SHA256, &session);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(error, "TPM2_StartAuthSession", rc);
	rc = Esys_PolicySecret(tpm->context, ESYS_TR_RH_ENDORSEMENT, session, ESYS_TR_PASSWORD,
			       ESYS_TR_NONE, ESYS_TR_NONE, NULL, NULL, NULL, 0, NULL, NULL);
	if (rc == TSS2_RC_SUCCESS)
		rc = Esys_ActivateCredential(tpm->context, tpm->ak, tpm->ek, ESYS_TR_PASSWORD,
					     session, ESYS_TR_NONE, &blob, &encrypted,
					     &certificate_info);
	/* ESYS starts sessions with continueSession: this one outlives the command
	 * unless flushed, and the TPM has few session slots. */
	Esys_FlushContext(tpm->context, session);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(error, "TPM2_ActivateCredential", rc);
	credential->bytes = malloc(certificate_info->size ? certificate_info->size : 1);
	if (!credential->bytes) {
		Esys_Free(certificate_info);
		return snprintf(error, AGENT_ERROR_SIZE, "out of memory"), -1;
	}
	memcpy(credential->bytes, certificate_info->buffer, certificate_info->size);
	credential->size = certificate_info->size;
	Esys_Free(certificate_info);
	return 0;
}
