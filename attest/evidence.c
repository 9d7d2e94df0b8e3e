/* The agent's responses and the verifier's requests (attest/README.md, "Requests
 * and responses"). Everything in a response is the commodity OS's to forge, so each
 * parser fails closed on the first defect: the version, the kind, the exact set of
 * fields, their JSON types, the base64, each blob's cap. */
#include "evidence.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ek_identity.h"
#include "encoding.h"
#include "json_strict.h"

/* Caps on what the TPM can produce: a TPMS_ATTEST, a TPMT_SIGNATURE or a
 * TPM2B_PUBLIC of an RSA-2048 key is well under 1 KiB, an EK certificate under
 * 4 KiB. */
#define QUOTE_ATTEST_SIZE_MAX 1024
#define QUOTE_SIGNATURE_SIZE_MAX 1024
#define PUBLIC_AREA_SIZE_MAX 1024
#define EK_CERTIFICATE_SIZE_MAX 4096
/* How much of an agent's error message a reason quotes. */
#define AGENT_ERROR_QUOTED_MAX 100

static int fail(char reason[EVIDENCE_REASON_SIZE], const char *message)
{
	snprintf(reason, EVIDENCE_REASON_SIZE, "%s", message);
	return -1;
}

/* Copies at most `size` - 1 characters of untrusted text, printable ASCII only, so
 * that an agent cannot put control sequences on the verifier's terminal. */
static void printable_copy(char *out, size_t size, const char *text, size_t length)
{
	size_t i;

	for (i = 0; i < length && i + 1 < size; i++)
		out[i] = text[i] >= 0x20 && text[i] <= 0x7e ? text[i] : '?';
	out[i] = '\0';
}

/* Reads an "error" response into `reason`: it is the agent's word, quoted. Returns
 * EVIDENCE_AGENT_ERROR, or -1 if the error response itself is malformed. */
static int agent_error_read(struct json_object *object, char reason[EVIDENCE_REASON_SIZE])
{
	static const char *const fields[] = { "sbx_attest", "response", "error" };
	char quoted[AGENT_ERROR_QUOTED_MAX + 1];
	const char *message;
	size_t length;

	if (json_strict_members(object, "", fields, 3, reason, EVIDENCE_REASON_SIZE) ||
	    json_strict_string(object, "", "error", &message, &length, reason,
			       EVIDENCE_REASON_SIZE))
		return -1;
	printable_copy(quoted, sizeof(quoted), message, length);
	snprintf(reason, EVIDENCE_REASON_SIZE, "agent error: \"%s\"%s", quoted,
		 length > AGENT_ERROR_QUOTED_MAX ? " (cut short)" : "");
	return EVIDENCE_AGENT_ERROR;
}

/* Parses a response line of kind `kind` up to its own fields: the JSON, the
 * version, the kind. Returns the object, or NULL with `reason` and `*refused` the
 * parser's return value. */
static struct json_object *response_open(const char *text, size_t size, const char *kind,
					 char reason[EVIDENCE_REASON_SIZE], int *refused)
{
	struct json_object *object;
	const char *response;
	size_t length;
	int64_t version;
	char quoted[32];

	*refused = -1;
	if (size > ATTEST_RESPONSE_SIZE_MAX) {
		fail(reason, "response longer than 1 MiB");
		return NULL;
	}
	object = json_strict_parse(text, size, reason, EVIDENCE_REASON_SIZE);
	if (!object)
		return NULL;
	if (json_strict_integer(object, "", "sbx_attest", INT64_MIN, INT64_MAX, &version, reason,
				EVIDENCE_REASON_SIZE))
		goto rejected;
	if (version != ATTEST_PROTOCOL_VERSION) {
		snprintf(reason, EVIDENCE_REASON_SIZE,
			 "field sbx_attest: protocol version %lld, not %d", (long long)version,
			 ATTEST_PROTOCOL_VERSION);
		goto rejected;
	}
	if (json_strict_string(object, "", "response", &response, &length, reason,
			       EVIDENCE_REASON_SIZE))
		goto rejected;
	if (length == strlen("error") && strcmp(response, "error") == 0) {
		*refused = agent_error_read(object, reason);
		goto rejected;
	}
	if (length != strlen(kind) || strcmp(response, kind) != 0) {
		printable_copy(quoted, sizeof(quoted), response, length);
		snprintf(reason, EVIDENCE_REASON_SIZE, "field response: \"%s\", not \"%s\"",
			 quoted, kind);
		goto rejected;
	}
	return object;

rejected:
	json_object_put(object);
	return NULL;
}

static void blob_free(struct blob *blob)
{
	free(blob->bytes);
	*blob = (struct blob){ NULL, 0 };
}

/* A base64 member into `blob`, 1 to `size_max` bytes. */
static int blob_read(struct json_object *object, const char *where, const char *name,
		     size_t size_max, struct blob *blob, char reason[EVIDENCE_REASON_SIZE])
{
	return json_strict_base64(object, where, name, size_max, &blob->bytes, &blob->size, reason,
				  EVIDENCE_REASON_SIZE);
}

static int quote_read(struct json_object *object, struct evidence *evidence,
		      char reason[EVIDENCE_REASON_SIZE])
{
	static const char *const fields[] = { "attest", "signature" };
	struct json_object *quote;

	return json_strict_member(object, "", "quote", json_type_object, &quote, reason,
				     EVIDENCE_REASON_SIZE) ||
	       json_strict_members(quote, "quote.", fields, 2, reason, EVIDENCE_REASON_SIZE) ||
	       blob_read(quote, "quote.", "attest", QUOTE_ATTEST_SIZE_MAX, &evidence->quote_attest,
			 reason) ||
	       blob_read(quote, "quote.", "signature", QUOTE_SIGNATURE_SIZE_MAX,
			 &evidence->quote_signature, reason);
}

int evidence_parse(const char *text, size_t size, struct evidence *evidence,
		   char reason[EVIDENCE_REASON_SIZE])
{
	static const char *const fields[] = { "sbx_attest", "response", "nonce", "quote",
					      "ak_public", "ek_certificate", "firmware_log",
					      "hv_log", "report" };
	struct json_object *object;
	int status;

	memset(evidence, 0, sizeof(*evidence));
	object = response_open(text, size, "evidence", reason, &status);
	if (!object)
		return status;
	status = json_strict_members(object, "", fields, sizeof(fields) / sizeof(fields[0]),
				     reason, EVIDENCE_REASON_SIZE) ||
		 json_strict_hex(object, "", "nonce", evidence->nonce, SBX_NONCE_SIZE, reason,
				 EVIDENCE_REASON_SIZE) ||
		 quote_read(object, evidence, reason) ||
		 blob_read(object, "", "ak_public", PUBLIC_AREA_SIZE_MAX, &evidence->ak_public,
			   reason) ||
		 blob_read(object, "", "ek_certificate", EK_CERTIFICATE_SIZE_MAX,
			   &evidence->ek_certificate, reason) ||
		 blob_read(object, "", "firmware_log", EVIDENCE_LOG_SIZE_MAX,
			   &evidence->firmware_log, reason) ||
		 blob_read(object, "", "hv_log", EVIDENCE_LOG_SIZE_MAX, &evidence->hv_log,
			   reason) ||
		 blob_read(object, "", "report", sizeof(struct sbx_report), &evidence->report,
			   reason) ? -1 : 0;
	if (status == 0 && evidence->report.size != sizeof(struct sbx_report)) {
		snprintf(reason, EVIDENCE_REASON_SIZE, "field report: %zu bytes, not %zu",
			 evidence->report.size, sizeof(struct sbx_report));
		status = -1;
	}
	json_object_put(object);
	if (status)
		evidence_free(evidence);
	return status;
}

int identity_parse(const char *text, size_t size, struct identity *identity,
		   char reason[EVIDENCE_REASON_SIZE])
{
	static const char *const fields[] = { "sbx_attest", "response", "ek_certificate",
					      "ek_public", "ak_public" };
	struct json_object *object;
	int status;

	memset(identity, 0, sizeof(*identity));
	object = response_open(text, size, "identity", reason, &status);
	if (!object)
		return status;
	status = json_strict_members(object, "", fields, sizeof(fields) / sizeof(fields[0]),
				     reason, EVIDENCE_REASON_SIZE) ||
		 blob_read(object, "", "ek_certificate", EK_CERTIFICATE_SIZE_MAX,
			   &identity->ek_certificate, reason) ||
		 blob_read(object, "", "ek_public", PUBLIC_AREA_SIZE_MAX, &identity->ek_public,
			   reason) ||
		 blob_read(object, "", "ak_public", PUBLIC_AREA_SIZE_MAX, &identity->ak_public,
			   reason) ? -1 : 0;
	json_object_put(object);
	if (status)
		identity_free(identity);
	return status;
}

int activation_parse(const char *text, size_t size, struct activation *activation,
		     char reason[EVIDENCE_REASON_SIZE])
{
	static const char *const fields[] = { "sbx_attest", "response", "credential" };
	struct json_object *object;
	int status;

	memset(activation, 0, sizeof(*activation));
	object = response_open(text, size, "activate", reason, &status);
	if (!object)
		return status;
	status = json_strict_members(object, "", fields, sizeof(fields) / sizeof(fields[0]),
				     reason, EVIDENCE_REASON_SIZE) ||
		 blob_read(object, "", "credential", CREDENTIAL_SIZE_MAX, &activation->credential,
			   reason) ? -1 : 0;
	json_object_put(object);
	if (status)
		activation_free(activation);
	return status;
}

void evidence_free(struct evidence *evidence)
{
	blob_free(&evidence->quote_attest);
	blob_free(&evidence->quote_signature);
	blob_free(&evidence->ak_public);
	blob_free(&evidence->ek_certificate);
	blob_free(&evidence->firmware_log);
	blob_free(&evidence->hv_log);
	blob_free(&evidence->report);
	memset(evidence, 0, sizeof(*evidence));
}

void identity_free(struct identity *identity)
{
	blob_free(&identity->ek_certificate);
	blob_free(&identity->ek_public);
	blob_free(&identity->ak_public);
}

/* The credential equals the verifier's secret when activation worked: wiped. */
void activation_free(struct activation *activation)
{
	if (activation->credential.bytes)
		explicit_bzero(activation->credential.bytes, activation->credential.size);
	blob_free(&activation->credential);
}

/* --- requests ---------------------------------------------------------------------- */

static bool add_base64(struct json_object *object, const char *name, const uint8_t *bytes,
		       size_t size)
{
	char *text = base64_encode_alloc(bytes, size);
	bool ok = text && json_strict_add(object, name, json_object_new_string(text));

	free(text);
	return ok;
}

/* A request object with the version and kind set, or NULL if out of memory. */
static struct json_object *request_new(const char *kind)
{
	struct json_object *object = json_object_new_object();

	if (object &&
	    json_strict_add(object, "sbx_attest", json_object_new_int(ATTEST_PROTOCOL_VERSION)) &&
	    json_strict_add(object, "request", json_object_new_string(kind)))
		return object;
	json_object_put(object);
	return NULL;
}

/* The request's line, newline included, malloc'ed; releases `object`. */
static char *request_finish(struct json_object *object)
{
	char *line = json_strict_line(object);

	json_object_put(object);
	return line;
}

char *evidence_request(const uint8_t nonce[SBX_NONCE_SIZE])
{
	struct json_object *object = request_new("evidence");
	char hex[2 * SBX_NONCE_SIZE + 1];

	hex_encode(nonce, SBX_NONCE_SIZE, hex);
	if (object && !json_strict_add(object, "nonce", json_object_new_string(hex))) {
		json_object_put(object);
		return NULL;
	}
	return request_finish(object);
}

char *identity_request(void)
{
	return request_finish(request_new("identity"));
}

char *activation_request(const uint8_t *credential_blob, size_t blob_size,
			 const uint8_t *secret, size_t secret_size)
{
	struct json_object *object = request_new("activate");

	if (object && !(add_base64(object, "credential_blob", credential_blob, blob_size) &&
			add_base64(object, "secret", secret, secret_size))) {
		json_object_put(object);
		return NULL;
	}
	return request_finish(object);
}
