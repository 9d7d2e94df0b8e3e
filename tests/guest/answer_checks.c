#include "answer_checks.h"

#define DER_SEQUENCE 0x30
#define DER_INTEGER  0x02
/* A P-256 scalar is 32 bytes, 33 with the zero that keeps it positive. */
#define SCALAR_MAX   33
/* SEQUENCE { INTEGER r, INTEGER s } with one-byte r and s. */
#define SIGNATURE_MIN 8

bool bytes_all(const void *bytes, size_t size, uint8_t value)
{
	const uint8_t *byte = bytes;

	for (size_t i = 0; i < size; i++)
		if (byte[i] != value)
			return false;
	return true;
}

/* The INTEGER at der[*offset, end): moves *offset past it. */
static bool integer_fits(const uint8_t *der, uint32_t *offset, uint32_t end)
{
	uint32_t length;

	if (end - *offset < 3 || der[*offset] != DER_INTEGER)
		return false;
	length = der[*offset + 1];
	if (length == 0 || length > SCALAR_MAX || length > end - *offset - 2)
		return false;
	*offset += 2 + length;
	return true;
}

const char *signature_problem(uint32_t size, const uint8_t der[SBX_SIGNATURE_MAX])
{
	uint32_t offset = 2;

	if (size < SIGNATURE_MIN || size > SBX_SIGNATURE_MAX)
		return "its size is out of range";
	/* At most 72 bytes: the SEQUENCE's length takes the one-byte short form. */
	if (der[0] != DER_SEQUENCE || der[1] != size - 2)
		return "it is no DER SEQUENCE of its size";
	if (!integer_fits(der, &offset, size) || !integer_fits(der, &offset, size))
		return "its SEQUENCE does not hold two INTEGERs of a P-256 scalar's size";
	if (offset != size)
		return "bytes follow the two INTEGERs";
	if (!bytes_all(der + size, SBX_SIGNATURE_MAX - size, 0))
		return "the bytes after it are not zero";
	return NULL;
}
