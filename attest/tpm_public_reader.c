#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include "tpm_public_reader.h"

#include <string.h>

#include <tss2/tss2_mu.h>

#include "report_verify.h"

bool tpm_read_u16(struct tpm_reader *reader, uint16_t *value)
{
	return Tss2_MU_UINT16_Unmarshal(reader->bytes, reader->size, &reader->offset,
					value) == TSS2_RC_SUCCESS;
}

bool tpm_read_u32(struct tpm_reader *reader, uint32_t *value)
{
	return Tss2_MU_UINT32_Unmarshal(reader->bytes, reader->size, &reader->offset,
					value) == TSS2_RC_SUCCESS;
}

bool tpm_read_bytes(struct tpm_reader *reader, size_t size, const uint8_t **data)
{
	if (size > reader->size - reader->offset)
		return false;
	*data = reader->bytes + reader->offset;
	reader->offset += size;
	return true;
}

bool tpm_public_area_open(const uint8_t *bytes, size_t size, struct tpm_reader *area)
{
	struct tpm_reader outer = { bytes, size, 0 };
	uint16_t area_size;

	if (!tpm_read_u16(&outer, &area_size) || area_size != size - outer.offset)
		return false;
	*area = (struct tpm_reader){ bytes + outer.offset, area_size, 0 };
	return true;
}

bool tpm_public_area_name(const struct tpm_reader *area, uint8_t name[TPM_SHA256_NAME_SIZE])
{
	name[0] = TPM2_ALG_SHA256 >> 8;
	name[1] = TPM2_ALG_SHA256 & 0xff;
	return mbedtls_sha256_ret(area->bytes, area->size, name + 2, 0) == 0;
}

int tpm_attributes_check(uint32_t attributes, uint32_t pinned,
			 const struct tpm_attribute_rule *rules, size_t rule_count,
			 const char *other_check, const char **reason)
{
	for (size_t i = 0; i < rule_count; i++)
		if (!!(attributes & rules[i].bit) != rules[i].set) {
			*reason = rules[i].check;
			return VERIFY_UNTRUSTED;
		}
	if (attributes != pinned) {
		*reason = other_check;
		return VERIFY_UNTRUSTED;
	}
	return VERIFY_TRUSTED;
}

int tpm_public_parse(const uint8_t *bytes, size_t size, tpm_public_area_parser parse_area,
		     const struct tpm_public_checks *checks, void *key, size_t key_size,
		     uint8_t name[TPM_SHA256_NAME_SIZE], const char **reason)
{
	struct tpm_reader area;
	int status;

	memset(key, 0, key_size);
	*reason = "";
	if (!tpm_public_area_open(bytes, size, &area)) {
		*reason = checks->size;
		return VERIFY_MALFORMED;
	}
	status = parse_area(&area, key, reason);
	if (status == VERIFY_TRUSTED && area.offset != area.size) {
		*reason = checks->trailing_bytes;
		status = VERIFY_MALFORMED;
	}
	if (status == VERIFY_TRUSTED && !tpm_public_area_name(&area, name)) {
		*reason = checks->name;
		status = VERIFY_CRYPTO_FAILURE;
	}
	if (status != VERIFY_TRUSTED)
		memset(key, 0, key_size);
	return status;
}
