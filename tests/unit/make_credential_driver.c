/* make_credential() from the command line, for the interoperability test with
 * swtpm (tests/system/test_make_credential_interop.py):
 *
 *   make-credential-driver EK_PUBLIC AK_NAME CREDENTIAL BLOB_OUT SECRET_OUT
 *
 * reads the EK's TPM2B_PUBLIC, the AK's Name and the credential (files of raw
 * bytes), and writes the marshalled TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET. The
 * seed comes from getrandom(2). Exits 0, or 1 with a message on standard error. */
#include "attest_crypto.h"   /* first: it selects the mbedTLS configuration */

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "ek_identity.h"

#define FILE_SIZE_MAX 4096

static int system_random(void *context, unsigned char *out, size_t size)
{
	(void)context;
	while (size) {
		ssize_t got = getrandom(out, size, 0);

		if (got < 0)
			return -1;
		out += got;
		size -= got;
	}
	return 0;
}

/* Reads all of `path` (at most FILE_SIZE_MAX bytes) into `bytes`. */
static int read_file(const char *path, uint8_t *bytes, size_t *size)
{
	FILE *file = fopen(path, "rb");

	if (!file) {
		perror(path);
		return -1;
	}
	*size = fread(bytes, 1, FILE_SIZE_MAX, file);
	if (ferror(file) || !feof(file)) {
		fprintf(stderr, "%s: unreadable or larger than %d bytes\n", path, FILE_SIZE_MAX);
		fclose(file);
		return -1;
	}
	fclose(file);
	return 0;
}

static int write_file(const char *path, const uint8_t *bytes, size_t size)
{
	FILE *file = fopen(path, "wb");

	if (!file || fwrite(bytes, 1, size, file) != size || fclose(file) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t ek_bytes[FILE_SIZE_MAX], name[FILE_SIZE_MAX], credential[FILE_SIZE_MAX];
	uint8_t blob[CREDENTIAL_BLOB_SIZE_MAX], secret[ENCRYPTED_SECRET_SIZE_MAX];
	size_t ek_size, name_size, credential_size, blob_size, secret_size;
	struct ek_public ek;
	const char *reason;

	if (argc != 6) {
		fprintf(stderr, "usage: %s EK_PUBLIC AK_NAME CREDENTIAL BLOB_OUT SECRET_OUT\n",
			argv[0]);
		return 1;
	}
	if (read_file(argv[1], ek_bytes, &ek_size) != 0 ||
	    read_file(argv[2], name, &name_size) != 0 ||
	    read_file(argv[3], credential, &credential_size) != 0)
		return 1;
	if (ek_public_parse(ek_bytes, ek_size, &ek, &reason) != 0) {
		fprintf(stderr, "%s: not an EK of template L-1: %s\n", argv[1], reason);
		return 1;
	}
	if (name_size != EK_NAME_SIZE) {
		fprintf(stderr, "%s: a Name is %d bytes\n", argv[2], EK_NAME_SIZE);
		return 1;
	}
	if (make_credential(&ek, name, credential, credential_size, system_random, NULL, blob,
			    &blob_size, secret, &secret_size, &reason) != 0) {
		fprintf(stderr, "make_credential: %s\n", reason);
		return 1;
	}
	if (write_file(argv[4], blob, blob_size) != 0 ||
	    write_file(argv[5], secret, secret_size) != 0)
		return 1;
	return 0;
}
