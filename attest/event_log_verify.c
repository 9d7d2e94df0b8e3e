/* Checks the hypervisor's event log against the launch plan the hypervisor itself
 * follows (hv/launch_plan.c), one event at a time as the reader streams them. Each
 * event's digest is checked against its data before the data is believed: the PCRs
 * cover only the digests. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <endian.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "event_log_parse.h"
#include "event_log_verify.h"
#include "launch_plan.h"

_Static_assert(SBX_COMPONENT_CMDLINE - SBX_COMPONENT_HYPERVISOR + 1 == SBX_MEASURED_COUNT,
	       "reference components follow enum sbx_component");

struct plan_progress {
	size_t position;   /* in launch_plan */
	bool sealed[SBX_PCR_COMMODITY + 1];   /* a separator was seen in this PCR */
	bool key_seen;
	int sha256_bank;
};

static int reject(struct hv_log_verdict *verdict, enum verify_status status,
		  const struct log_event *event, const char *component, const char *why)
{
	verdict->status = status;
	verdict->event_index = event->index;
	verdict->pcr = event->pcr;
	verdict->component = component;
	snprintf(verdict->reason, sizeof(verdict->reason), "pcr %u event %zu (%s): %s",
		 event->pcr, event->index, component, why);
	return status;
}

static bool plan_has_component(uint32_t tagged_event_id)
{
	for (size_t i = 0; i < launch_plan_length; i++)
		if (launch_plan[i].event_type == SBX_EV_EVENT_TAG &&
		    launch_plan[i].component == tagged_event_id)
			return true;
	return false;
}

/* What an event claims to be, for the reason; nothing is decided on it. */
static const char *event_label(const struct log_event *event)
{
	uint32_t tagged_event_id;

	if (event->event_type == SBX_EV_SEPARATOR)
		return "separator";
	if (event->event_type != SBX_EV_EVENT_TAG || event->data_size < sizeof(tagged_event_id))
		return "unknown event";
	memcpy(&tagged_event_id, event->data, sizeof(tagged_event_id));
	tagged_event_id = le32toh(tagged_event_id);
	return plan_has_component(tagged_event_id) ? launch_component_name(tagged_event_id) :
						     "unknown component";
}

static const char *plan_label(const struct launch_event *planned)
{
	return planned->event_type == SBX_EV_SEPARATOR ? "separator" :
							  launch_component_name(planned->component);
}

/* The record's form: launch_record_build() is the only writer. */
static int check_record(const struct log_event *event, struct sbx_measurement_record *record,
			const char *label, struct hv_log_verdict *verdict)
{
	char name[SBX_COMPONENT_NAME_SIZE] = { 0 };
	const char *component_name;

	if (event->data_size != sizeof(*record))
		return reject(verdict, VERIFY_MALFORMED, event, label,
			      "tagged event data is not 64 bytes");
	memcpy(record, event->data, sizeof(*record));
	record->tagged_event_id = le32toh(record->tagged_event_id);
	record->tagged_event_data_size = le32toh(record->tagged_event_data_size);
	record->payload.size = le64toh(record->payload.size);
	if (!plan_has_component(record->tagged_event_id))
		return reject(verdict, VERIFY_UNTRUSTED, event, label, "unknown tagged event id");
	if (record->tagged_event_data_size != sizeof(record->payload))
		return reject(verdict, VERIFY_MALFORMED, event, label,
			      "tagged event data size is not 56");
	component_name = launch_component_name(record->tagged_event_id);
	memcpy(name, component_name, strlen(component_name));
	if (memcmp(record->payload.name, name, sizeof(name)))
		return reject(verdict, VERIFY_MALFORMED, event, label,
			      "component name does not match the tagged event id");
	return VERIFY_TRUSTED;
}

static bool separator_is_normal(const struct log_event *event)
{
	static const uint8_t zero[SBX_SEPARATOR_SIZE];

	return event->data_size == SBX_SEPARATOR_SIZE && !memcmp(event->data, zero, sizeof(zero));
}

/* A planned event the log lacks, named where it should have been. */
static int reject_missing(struct hv_log_verdict *verdict, size_t index,
			  const struct launch_event *planned)
{
	const struct log_event where = { .index = index, .pcr = planned->pcr };

	return reject(verdict, VERIFY_UNTRUSTED, &where, plan_label(planned),
		      "launch plan event missing");
}

/* The event must be the plan's next one. The special cases come first so that the
 * reason says what an attacker or a bug most likely did. */
static int check_sequence(const struct log_event *event, uint32_t tagged_event_id,
			  const struct plan_progress *progress, const char *label,
			  struct hv_log_verdict *verdict)
{
	const struct launch_event *planned = &launch_plan[progress->position];
	bool is_key = event->event_type == SBX_EV_EVENT_TAG &&
		      tagged_event_id == SBX_COMPONENT_SECUREBOX_KEY;
	bool planned_key = planned->event_type == SBX_EV_EVENT_TAG &&
			   planned->component == SBX_COMPONENT_SECUREBOX_KEY;
	char why[96];

	if (is_key && progress->key_seen)
		return reject(verdict, VERIFY_UNTRUSTED, event, label,
			      "identity key event appears twice");
	if (planned_key && !is_key)
		return reject_missing(verdict, event->index, planned);
	if (event->pcr != planned->pcr || event->event_type != planned->event_type ||
	    (planned->event_type == SBX_EV_EVENT_TAG && tagged_event_id != planned->component)) {
		snprintf(why, sizeof(why), "out of sequence: the launch plan has %s in pcr %u here",
			 plan_label(planned), planned->pcr);
		return reject(verdict, VERIFY_UNTRUSTED, event, label, why);
	}
	return VERIFY_TRUSTED;
}

static bool digest_allowed(const struct allowed_digests *allowed, const uint8_t digest[32])
{
	for (size_t i = 0; i < allowed->count; i++)
		if (!memcmp(allowed->values[i], digest, SBX_DIGEST_SIZE))
			return true;
	return false;
}

/* A mismatch does not stop the check: the log's form is sound, and the operator
 * should see every component that differs, not only the first. */
static void note_mismatch(struct hv_log_verdict *verdict, const struct log_event *event,
			  const char *label, const struct sbx_measurement_record *record)
{
	struct hv_log_mismatch *mismatch;

	if (verdict->mismatch_count < HV_LOG_MISMATCHES_MAX) {
		mismatch = &verdict->mismatches[verdict->mismatch_count++];
		mismatch->event_index = event->index;
		mismatch->pcr = event->pcr;
		mismatch->component = record->tagged_event_id;
		memcpy(mismatch->digest, record->payload.sha256, SBX_DIGEST_SIZE);
	}
	if (verdict->status == VERIFY_TRUSTED)
		reject(verdict, VERIFY_UNTRUSTED, event, label,
		       "component digest is not an allowed reference value");
}

static int check_event(const struct log_event *event, struct plan_progress *progress,
		       const struct hv_log_expectations *expected, struct hv_log_verdict *verdict)
{
	const char *label = event_label(event);
	struct sbx_measurement_record record = { 0 };
	uint8_t digest[SBX_DIGEST_SIZE];
	int status;

	if (event->pcr < SBX_PCR_HYPERVISOR || event->pcr > SBX_PCR_COMMODITY)
		return reject(verdict, VERIFY_UNTRUSTED, event, label,
			      "the hypervisor log may only extend pcrs 17-19");
	if (progress->sealed[event->pcr])
		return reject(verdict, VERIFY_UNTRUSTED, event, label, "event after the separator");
	if (progress->position == launch_plan_length)
		return reject(verdict, VERIFY_UNTRUSTED, event, label,
			      "event after the end of the launch plan");

	if (mbedtls_sha256_ret(event->data, event->data_size, digest, 0))
		return reject(verdict, VERIFY_CRYPTO_FAILURE, event, label, "SHA-256 failed");
	if (memcmp(digest, event->digests[progress->sha256_bank], sizeof(digest)))
		return reject(verdict, VERIFY_MALFORMED, event, label,
			      "SHA-256 digest does not match the event data");

	if (event->event_type == SBX_EV_EVENT_TAG) {
		status = check_record(event, &record, label, verdict);
		if (status != VERIFY_TRUSTED)
			return status;
	} else if (event->event_type == SBX_EV_SEPARATOR) {
		if (!separator_is_normal(event))
			return reject(verdict, VERIFY_UNTRUSTED, event, label,
				      "separator data is not four zero bytes");
	} else {
		return reject(verdict, VERIFY_UNTRUSTED, event, label,
			      "event type not in the launch plan");
	}

	status = check_sequence(event, record.tagged_event_id, progress, label, verdict);
	if (status != VERIFY_TRUSTED)
		return status;

	if (event->event_type == SBX_EV_SEPARATOR) {
		progress->sealed[event->pcr] = true;
	} else if (record.tagged_event_id == SBX_COMPONENT_SECUREBOX_KEY) {
		if (record.payload.size != SBX_PUBLIC_KEY_SIZE)
			return reject(verdict, VERIFY_MALFORMED, event, label,
				      "identity key is not a 65-byte public key");
		memcpy(verdict->identity_key_digest, record.payload.sha256, SBX_DIGEST_SIZE);
		verdict->identity_key_seen = true;
		progress->key_seen = true;
	} else {
		const size_t component = record.tagged_event_id - SBX_COMPONENT_HYPERVISOR;

		verdict->component_checked[component] = true;
		if (!digest_allowed(&expected->components[component], record.payload.sha256))
			note_mismatch(verdict, event, label, &record);
	}
	progress->position++;
	return VERIFY_TRUSTED;
}

static int reject_log(struct hv_log_verdict *verdict, const struct event_log_error *error)
{
	snprintf(verdict->reason, sizeof(verdict->reason), "event %zu at offset %zu: %s",
		 error->event_index, error->offset, error->reason);
	verdict->status = VERIFY_MALFORMED;
	verdict->event_index = error->event_index;
	verdict->component = error->event_index == 0 ? "header" : "unknown event";
	return verdict->status;
}

int hv_log_check(const uint8_t *log, size_t size, const struct hv_log_expectations *expected,
		 struct hv_log_verdict *verdict)
{
	struct plan_progress progress = { 0 };
	struct event_log_reader reader;
	struct event_log_error error;
	struct log_event event;
	int more;

	memset(verdict, 0, sizeof(*verdict));
	verdict->component = "";
	if (event_log_reader_start(&reader, log, size, &error))
		return reject_log(verdict, &error);
	progress.sha256_bank = event_log_bank_index(&reader.header, TCG_ALG_SHA256);
	if (progress.sha256_bank < 0) {
		error = (struct event_log_error){ "the log has no SHA-256 bank", 0, 0 };
		return reject_log(verdict, &error);
	}

	/* check_event() returns a failure only for one that stops the check. */
	while ((more = event_log_reader_next(&reader, &event, &error)) == 1)
		if (check_event(&event, &progress, expected, verdict) != VERIFY_TRUSTED)
			return verdict->status;
	if (more < 0)
		return reject_log(verdict, &error);

	if (progress.position < launch_plan_length)
		return reject_missing(verdict, reader.next_index, &launch_plan[progress.position]);
	verdict->complete = true;
	return verdict->status;
}
