/* Sealing (SEAL, UNSEAL): data comes back as it went in, never travels in clear,
 * and a blob changed anywhere opens to nothing. <sbx/service.h> says any change
 * is SBX_SERVICE_E_INTEGRITY; a header that no longer describes the bytes around
 * it (magic, version, a data_size that disagrees with the length) may also be
 * answered SBX_SERVICE_E_MALFORMED. Never OK, and never a byte of plaintext:
 * securebox_service() fails any error answer that carries a payload. */
#include <stddef.h>
#include <string.h>

#include "report.h"
#include "scenarios.h"
#include "securebox_client.h"

#define SEALED_HEADER_SIZE sizeof(struct sbx_sealed_header)
#define BLOB_MAX (SEALED_HEADER_SIZE + SBX_SEAL_MAX + 1)
#define TAMPER_DATA_SIZE 100
#define TAMPER_BIT 0x01   /* the smallest change a byte can have */

struct blob_field {
	const char *name;
	size_t end;            /* the field is [the previous field's end, end) */
	uint32_t refusals;     /* SERVICE_STATUS_BIT()s of the acceptable answers */
};

#define INTEGRITY SERVICE_STATUS_BIT(SBX_SERVICE_E_INTEGRITY)
#define SHAPE     (SERVICE_STATUS_BIT(SBX_SERVICE_E_MALFORMED) | INTEGRITY)

static const struct blob_field blob_fields[] = {
	{ "magic", offsetof(struct sbx_sealed_header, version), SHAPE },
	{ "version", offsetof(struct sbx_sealed_header, data_size), SHAPE },
	{ "data_size", offsetof(struct sbx_sealed_header, iv), SHAPE },
	{ "iv", offsetof(struct sbx_sealed_header, tag), INTEGRITY },
	{ "tag", SEALED_HEADER_SIZE, INTEGRITY },
	{ "ciphertext", BLOB_MAX, INTEGRITY },
};

static uint8_t data[SBX_SEAL_MAX + 1];
static uint8_t blob[BLOB_MAX];
static uint8_t tampered[BLOB_MAX];
static uint8_t opened[SBX_SEAL_MAX];

static void fill_data(uint32_t size, uint8_t seed)
{
	for (uint32_t i = 0; i < size; i++)
		data[i] = (uint8_t)(i * 13 + seed);
}

static struct sbx_sealed_header blob_header(void)
{
	struct sbx_sealed_header header;

	memcpy(&header, blob, sizeof(header));
	return header;
}

/* Seals data[0, size) into `blob`, which is then SEALED_HEADER_SIZE + size bytes. */
static bool seal(uint32_t size)
{
	struct sbx_sealed_header header;

	if (!securebox_expect_ok(SBX_SERVICE_SEAL, data, size, blob, SEALED_HEADER_SIZE + size))
		return false;
	header = blob_header();
	if (header.magic != SBX_SEAL_MAGIC || header.version != SBX_SEAL_VERSION ||
	    header.data_size != size)
		return fail("SEAL of %u bytes: magic 0x%x version %u data_size %u", size,
			    header.magic, header.version, header.data_size);
	/* Sizes sealed here are long enough that a ciphertext equal to the
	 * plaintext cannot be chance. */
	if (!memcmp(blob + SEALED_HEADER_SIZE, data, size))
		return fail("SEAL of %u bytes left them in clear", size);
	return true;
}

static bool unseal_matches(uint32_t size)
{
	if (!securebox_expect_ok(SBX_SERVICE_UNSEAL, blob, SEALED_HEADER_SIZE + size, opened,
				 size))
		return false;
	if (memcmp(opened, data, size))
		return fail("UNSEAL of a %u-byte blob gave other data than was sealed", size);
	return true;
}

bool seal_unseal(void)
{
	static const uint32_t sizes[] = { TAMPER_DATA_SIZE, SBX_SEAL_MAX };
	uint8_t first_iv[sizeof(((struct sbx_sealed_header *)0)->iv)];

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill_data(sizes[i], (uint8_t)i);
		if (!seal(sizes[i]) || !unseal_matches(sizes[i]))
			return false;
	}

	/* One key seals everything, so GCM is safe only if no IV repeats: two
	 * seals of the same data must differ. */
	fill_data(TAMPER_DATA_SIZE, 0);
	if (!seal(TAMPER_DATA_SIZE))
		return false;
	memcpy(first_iv, blob_header().iv, sizeof(first_iv));
	if (!seal(TAMPER_DATA_SIZE))
		return false;
	if (!memcmp(first_iv, blob_header().iv, sizeof(first_iv)))
		return fail("two SEALs of the same data used the same IV");

	return securebox_expect_error(SBX_SERVICE_SEAL, data, 0, SBX_SERVICE_E_MALFORMED) &&
	       securebox_expect_error(SBX_SERVICE_SEAL, data, SBX_SEAL_MAX + 1,
				      SBX_SERVICE_E_MALFORMED);
}

static bool unseal_refused(uint32_t size, uint32_t refusals, const char *change, size_t offset)
{
	struct service_answer answer;

	if (!securebox_service(SBX_SERVICE_UNSEAL, tampered, size, &answer))
		return false;
	if (answer.status == SBX_SERVICE_OK)
		return fail("UNSEAL of the blob with %s (offset %lu) changed opened it", change,
			    offset);
	if (!(refusals & SERVICE_STATUS_BIT(answer.status)))
		return fail("UNSEAL of the blob with %s (offset %lu) changed answered %s", change,
			    offset, sbx_service_status_name(answer.status));
	return true;
}

static const struct blob_field *field_at(size_t offset)
{
	unsigned i = 0;

	while (offset >= blob_fields[i].end)
		i++;
	return &blob_fields[i];
}

/* `tampered` = the blob with its data_size set to `data_size`, and one zero byte
 * after its end for the tries that append one. */
static void with_data_size(uint32_t data_size)
{
	struct sbx_sealed_header header = blob_header();

	header.data_size = data_size;
	memcpy(tampered, &header, sizeof(header));
	memcpy(tampered + SEALED_HEADER_SIZE, blob + SEALED_HEADER_SIZE, TAMPER_DATA_SIZE);
	tampered[SEALED_HEADER_SIZE + TAMPER_DATA_SIZE] = 0;
}

bool seal_tamper(void)
{
	const uint32_t size = SEALED_HEADER_SIZE + TAMPER_DATA_SIZE;

	fill_data(TAMPER_DATA_SIZE, 0x5a);
	if (!seal(TAMPER_DATA_SIZE))
		return false;

	for (size_t offset = 0; offset < size; offset++) {
		const struct blob_field *field = field_at(offset);

		memcpy(tampered, blob, size);
		tampered[offset] ^= TAMPER_BIT;
		if (!unseal_refused(size, field->refusals, field->name, offset))
			return false;
	}

	/* Lengths: a consistent header over changed content is a forgery; one that
	 * disagrees with the length is not a blob at all. */
	with_data_size(TAMPER_DATA_SIZE - 1);
	if (!unseal_refused(size - 1, INTEGRITY, "its last byte cut and data_size", size - 1))
		return false;
	with_data_size(TAMPER_DATA_SIZE + 1);
	if (!unseal_refused(size + 1, INTEGRITY, "a byte appended and data_size", size))
		return false;
	with_data_size(TAMPER_DATA_SIZE);
	if (!unseal_refused(size - 1, SHAPE, "its last byte cut", size - 1) ||
	    !unseal_refused(size + 1, SHAPE, "a byte appended", size) ||
	    !unseal_refused(SEALED_HEADER_SIZE, SHAPE, "its ciphertext cut", SEALED_HEADER_SIZE))
		return false;

	/* Nothing above changed the sealed data or the key. */
	return unseal_matches(TAMPER_DATA_SIZE);
}
