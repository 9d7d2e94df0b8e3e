/* TPM2_Quote by the AK: the one selection the contract names (SHA-256 bank, PCRs
 * 0-9 and 17-19), the verifier's nonce as qualifyingData. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include "agent.h"

static const TPML_PCR_SELECTION quote_selection = {
	.count = 1,
	.pcrSelections = { {
		.hash = TPM2_ALG_SHA256,
		.sizeofSelect = 3,
		/* PCRs 0-7, 8-9, 17-19 */
		.pcrSelect = { 0xff, 0x03, 0x0e },
	} },
};

int tpm_quote(struct agent_tpm *tpm, const uint8_t nonce[SBX_NONCE_SIZE],
	      struct buffer *attest, struct buffer *signature, char error[AGENT_ERROR_SIZE])
{
	TPMT_SIG_SCHEME scheme = {
		.scheme = TPM2_ALG_RSASSA,
		.details.rsassa.hashAlg = TPM2_ALG_SHA256,
	};
	TPM2B_DATA qualifying_data = { .size = SBX_NONCE_SIZE };
	TPM2B_ATTEST *quoted = NULL;
	TPMT_SIGNATURE *signed_quote = NULL;
	size_t offset = 0;
	TSS2_RC rc;

	memcpy(qualifying_data.buffer, nonce, SBX_NONCE_SIZE);
	rc = Esys_Quote(tpm->context, tpm->ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			&qualifying_data, &scheme, &quote_selection, &quoted, &signed_quote);
	if (rc != TSS2_RC_SUCCESS) {
		snprintf(error, AGENT_ERROR_SIZE, "TPM2_Quote failed: %s", Tss2_RC_Decode(rc));
		return -1;
	}
	attest->bytes = malloc(quoted->size ? quoted->size : 1);
	signature->bytes = malloc(sizeof(*signed_quote));
	if (attest->bytes && signature->bytes) {
		memcpy(attest->bytes, quoted->attestationData, quoted->size);
		attest->size = quoted->size;
		rc = Tss2_MU_TPMT_SIGNATURE_Marshal(signed_quote, signature->bytes,
						    sizeof(*signed_quote), &offset);
		signature->size = offset;
	}
	Esys_Free(quoted);
	Esys_Free(signed_quote);
	if (!attest->bytes || !signature->bytes || rc != TSS2_RC_SUCCESS) {
		buffer_free(attest);
		buffer_free(signature);
		snprintf(error, AGENT_ERROR_SIZE, "keeping the quote failed: %s",
			 rc != TSS2_RC_SUCCESS ? Tss2_RC_Decode(rc) : "out of memory");
		return -1;
	}
	return 0;
}
