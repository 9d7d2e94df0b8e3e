/* The key vault (KEY_CREATE, KEY_SIGN, KEY_PUBLIC): a key signs only for the usage
 * it was made with, a handle names a key of this boot only, the slots run out
 * cleanly, and no answer holds a byte more than <sbx/service.h> documents. Keys
 * live until the machine reboots, so every key any scenario makes is counted:
 * key-slots-exhausted, run after the others, fills the slots that are left. */
#include <string.h>

#include "answer_checks.h"
#include "console.h"
#include "p256.h"
#include "report.h"
#include "scenarios.h"
#include "securebox_client.h"

#define HANDLE_TAG_SHIFT 16   /* the upper 16 bits: the boot the handle is from */

static uint32_t issued_handles[SBX_KEY_SLOTS];
static uint32_t issued_usages[SBX_KEY_SLOTS];
static unsigned issued_count;

/* The digest the scenarios have signed: bytes 0xd0, 0xd1, ... */
static void fill_digest(uint8_t digest[SBX_DIGEST_SIZE])
{
	for (unsigned i = 0; i < SBX_DIGEST_SIZE; i++)
		digest[i] = (uint8_t)(0xd0 + i);
}

static void fill_label(uint8_t label[SBX_KEY_LABEL_SIZE], const char *text)
{
	memset(label, 0, SBX_KEY_LABEL_SIZE);
	memcpy(label, text, strlen(text));
}

static bool handle_issued(uint32_t handle)
{
	for (unsigned i = 0; i < issued_count; i++)
		if (issued_handles[i] == handle)
			return true;
	return false;
}

/* Called for every key the vault says it made, before anything else is checked,
 * so that the count of used slots stays right whatever fails next. */
static bool record_handle(uint32_t handle, uint32_t usage)
{
	if (handle_issued(handle))
		return fail("KEY_CREATE handed out handle 0x%x a second time", handle);
	if (issued_count == SBX_KEY_SLOTS)
		return fail("KEY_CREATE made a key after all %u slots were used", SBX_KEY_SLOTS);
	issued_handles[issued_count] = handle;
	issued_usages[issued_count++] = usage;
	return true;
}

/* The answer of KEY_CREATE and KEY_PUBLIC has only documented fields: the key's
 * usage and label as created, a public key that is a point on the curve (so not
 * the private scalar, nor anything else), and zero padding. */
static bool public_answer_documented(const struct sbx_key_public_response *key,
				     uint32_t usage, const uint8_t label[SBX_KEY_LABEL_SIZE])
{
	const char *problem;

	if (key->usage != usage)
		return fail("key 0x%x has usage %u, not %u", key->handle, key->usage, usage);
	if (memcmp(key->label, label, SBX_KEY_LABEL_SIZE))
		return fail("key 0x%x has another label than it was made with", key->handle);
	problem = p256_public_key_problem(key->public_key);
	if (problem)
		return fail("the public key of key 0x%x: %s", key->handle, problem);
	if (!bytes_all(key->padding, sizeof(key->padding), 0))
		return fail("the answer for key 0x%x has non-zero padding", key->handle);
	return true;
}

static bool create_key(uint32_t usage, const char *label_text,
		       struct sbx_key_public_response *key)
{
	struct sbx_key_create_request request = { .usage = usage };

	fill_label(request.label, label_text);
	return securebox_expect_ok(SBX_SERVICE_KEY_CREATE, &request, sizeof(request), key,
				   sizeof(*key)) &&
	       record_handle(key->handle, usage) && public_answer_documented(key, usage, request.label);
}

static bool fetch_public(uint32_t handle, struct sbx_key_public_response *key)
{
	struct sbx_key_public_request request = { .handle = handle };

	if (!securebox_expect_ok(SBX_SERVICE_KEY_PUBLIC, &request, sizeof(request), key,
				 sizeof(*key)))
		return false;
	if (key->handle != handle)
		return fail("KEY_PUBLIC of handle 0x%x answered for handle 0x%x", handle,
			    key->handle);
	return true;
}

static bool sign(uint32_t handle, uint32_t usage, struct sbx_signature *signature)
{
	struct sbx_key_sign_request request = { .handle = handle, .usage = usage };
	const char *problem;

	fill_digest(request.digest);
	if (!securebox_expect_ok(SBX_SERVICE_KEY_SIGN, &request, sizeof(request), signature,
				 sizeof(*signature)))
		return false;
	problem = signature_problem(signature->size, signature->der);
	if (problem)
		return fail("KEY_SIGN with key 0x%x gave a %u-byte signature: %s", handle,
			    signature->size, problem);
	return true;
}

static bool sign_refused(uint32_t handle, uint32_t usage, int32_t expected, const char *why)
{
	struct sbx_key_sign_request request = { .handle = handle, .usage = usage };
	struct service_answer answer;

	fill_digest(request.digest);
	if (!securebox_service(SBX_SERVICE_KEY_SIGN, &request, sizeof(request), &answer))
		return false;
	if (answer.status != expected)
		return fail("KEY_SIGN with handle 0x%x and usage %u (%s) answered %s, not %s",
			    handle, usage, why, sbx_service_status_name(answer.status),
			    sbx_service_status_name(expected));
	return true;
}

static bool public_refused(uint32_t handle, const char *why)
{
	struct sbx_key_public_request request = { .handle = handle };
	struct service_answer answer;

	if (!securebox_service(SBX_SERVICE_KEY_PUBLIC, &request, sizeof(request), &answer))
		return false;
	if (answer.status != SBX_SERVICE_E_HANDLE)
		return fail("KEY_PUBLIC with handle 0x%x (%s) answered %s, not %s", handle, why,
			    sbx_service_status_name(answer.status),
			    sbx_service_status_name(SBX_SERVICE_E_HANDLE));
	return true;
}

bool key_create_sign(void)
{
	struct sbx_key_public_response created, fetched;
	struct sbx_signature signature;
	uint8_t digest[SBX_DIGEST_SIZE];

	if (!create_key(SBX_KEY_USAGE_AUTHENTICATION, "sbx-test login", &created) ||
	    !fetch_public(created.handle, &fetched))
		return false;
	if (memcmp(&fetched, &created, sizeof(fetched)))
		return fail("KEY_PUBLIC describes key 0x%x otherwise than KEY_CREATE did",
			    created.handle);
	if (!sign(created.handle, SBX_KEY_USAGE_AUTHENTICATION, &signature))
		return false;

	/* The host verifies it over the domain, usage, label and digest. */
	fill_digest(digest);
	print("sbx-test: key-signature public=");
	print_hex(created.public_key, sizeof(created.public_key));
	print(" usage=%u label=", created.usage);
	print_hex(created.label, sizeof(created.label));
	print(" digest=");
	print_hex(digest, sizeof(digest));
	print(" signature=");
	print_hex(signature.der, signature.size);
	print("\n");
	return true;
}

/* An undefined usage names no purpose a key could be bound to: the request is
 * refused, as malformed or as a usage error (<sbx/service.h> does not say which),
 * and no slot is taken. */
static bool create_refused(uint32_t usage)
{
	struct sbx_key_create_request request = { .usage = usage };
	struct service_answer answer;

	fill_label(request.label, "sbx-test undefined usage");
	if (!securebox_service(SBX_SERVICE_KEY_CREATE, &request, sizeof(request), &answer))
		return false;
	if (answer.status == SBX_SERVICE_OK) {
		struct sbx_key_public_response key;

		memcpy(&key, answer.payload, sizeof(key));
		record_handle(key.handle, usage);
		return fail("KEY_CREATE made key 0x%x with undefined usage %u", key.handle, usage);
	}
	if (answer.status != SBX_SERVICE_E_MALFORMED && answer.status != SBX_SERVICE_E_USAGE)
		return fail("KEY_CREATE with undefined usage %u answered %s", usage,
			    sbx_service_status_name(answer.status));
	return true;
}

bool key_wrong_usage(void)
{
	struct sbx_key_public_response login, documents;
	struct sbx_signature signature;

	return create_key(SBX_KEY_USAGE_AUTHENTICATION, "sbx-test login 2", &login) &&
	       create_key(SBX_KEY_USAGE_DOCUMENT, "sbx-test documents", &documents) &&
	       sign_refused(login.handle, SBX_KEY_USAGE_DOCUMENT, SBX_SERVICE_E_USAGE,
			    "an authentication key") &&
	       sign_refused(documents.handle, SBX_KEY_USAGE_AUTHENTICATION, SBX_SERVICE_E_USAGE,
			    "a document key") &&
	       /* The refusals were about usage: with its own, each key signs. */
	       sign(documents.handle, SBX_KEY_USAGE_DOCUMENT, &signature) &&
	       sign(login.handle, SBX_KEY_USAGE_AUTHENTICATION, &signature) &&
	       create_refused(0) && create_refused(SBX_KEY_USAGE_DOCUMENT + 1);
}

/* Both services that take a handle refuse `handle`, unless it is one we were
 * given: any of those is a good handle, however it looks. */
static bool handle_refused(uint32_t handle, const char *why)
{
	if (handle_issued(handle))
		return true;
	return sign_refused(handle, SBX_KEY_USAGE_AUTHENTICATION, SBX_SERVICE_E_HANDLE, why) &&
	       public_refused(handle, why);
}

bool key_bad_handle(void)
{
	struct sbx_key_public_response key;
	uint32_t handle;

	if (!create_key(SBX_KEY_USAGE_AUTHENTICATION, "sbx-test handles", &key))
		return false;
	handle = key.handle;
	return handle_refused(0, "made up") && handle_refused(0xffffffff, "made up") &&
	       handle_refused(handle ^ 0xffff, "this boot's tag, the other bits changed") &&
	       handle_refused(handle ^ (1u << HANDLE_TAG_SHIFT), "another boot's tag") &&
	       handle_refused(handle ^ (0x8000u << HANDLE_TAG_SHIFT), "another boot's tag") &&
	       handle_refused(handle ^ (0xffffu << HANDLE_TAG_SHIFT), "another boot's tag") &&
	       /* The refusals were about the handles: the real one still works. */
	       fetch_public(handle, &key);
}

/* Every answer about a key, checked field by field: nothing the vault sends has
 * room for its private half. */
bool key_not_readable(void)
{
	struct sbx_key_public_response created, fetched;
	struct sbx_signature signature;

	if (!create_key(SBX_KEY_USAGE_DOCUMENT, "sbx-test not readable", &created) ||
	    !fetch_public(created.handle, &fetched) ||
	    !public_answer_documented(&fetched, created.usage, created.label))
		return false;
	if (memcmp(fetched.public_key, created.public_key, SBX_PUBLIC_KEY_SIZE))
		return fail("KEY_PUBLIC gives key 0x%x another public key than KEY_CREATE did",
			    created.handle);
	/* sign() checks that the signature field is a DER signature, then zeros. */
	return sign(created.handle, SBX_KEY_USAGE_DOCUMENT, &signature);
}

/* Each KEY_CREATE makes a key of its own: one private key behind two handles
 * would sign for both purposes. */
static bool public_keys_distinct(void)
{
	static struct sbx_key_public_response keys[SBX_KEY_SLOTS];

	for (unsigned i = 0; i < issued_count; i++) {
		if (!fetch_public(issued_handles[i], &keys[i]))
			return false;
		for (unsigned j = 0; j < i; j++)
			if (!memcmp(keys[i].public_key, keys[j].public_key, SBX_PUBLIC_KEY_SIZE))
				return fail("keys 0x%x and 0x%x have the same public key",
					    keys[j].handle, keys[i].handle);
	}
	return true;
}

bool key_slots_exhausted(void)
{
	struct sbx_key_create_request request = { .usage = SBX_KEY_USAGE_AUTHENTICATION };
	struct sbx_key_public_response key;
	struct sbx_signature signature;
	struct service_answer answer;

	fill_label(request.label, "sbx-test filler");
	/* record_handle() fails the scenario, and so ends the loop, on a key past
	 * the last slot. */
	for (;;) {
		if (!securebox_service(SBX_SERVICE_KEY_CREATE, &request, sizeof(request), &answer))
			return false;
		if (answer.status == SBX_SERVICE_E_NO_SLOTS)
			break;
		if (answer.status != SBX_SERVICE_OK)
			return fail("KEY_CREATE with %u keys made answered %s", issued_count,
				    sbx_service_status_name(answer.status));
		if (answer.length != sizeof(key))
			return fail("KEY_CREATE answered %u bytes, not %lu", answer.length,
				    sizeof(key));
		memcpy(&key, answer.payload, sizeof(key));
		if (!record_handle(key.handle, request.usage) ||
		    !public_answer_documented(&key, request.usage, request.label))
			return false;
	}
	if (!issued_count)
		return fail("KEY_CREATE answered %s before making any key",
			    sbx_service_status_name(SBX_SERVICE_E_NO_SLOTS));

	/* A full vault still serves the keys it has, and stays full. */
	return sign(issued_handles[0], issued_usages[0], &signature) &&
	       public_keys_distinct() &&
	       securebox_expect_error(SBX_SERVICE_KEY_CREATE, &request, sizeof(request),
				      SBX_SERVICE_E_NO_SLOTS);
}
