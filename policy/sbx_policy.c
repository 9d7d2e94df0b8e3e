/* sbx-policy: checks, shows and digests sbx policy files with the hypervisor's own
 * parser and measurement record, so what it says is what the hypervisor will do.
 *
 *   sbx-policy check FILE    "FILE: ok", or "FILE:LINE:COLUMN: error: MESSAGE"; also
 *                            refuses what the language allows but this hypervisor
 *                            version refuses at launch (cpus above 1)
 *   sbx-policy show FILE     the effective policy, every default explicit (what the
 *                            language says, whether or not this hypervisor gives it)
 *   sbx-policy digest FILE   "sha256 <hex>" of the file, "record-sha256 <hex>" of the
 *                            PCR 17 event record the hypervisor extends for it
 *
 * Exit status: 0 valid, 1 invalid or unreadable file, 2 usage error. Line 0 (with
 * column 0) in an error means the file as a whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch_plan.h"
#include "policy.h"
#include "policy_format.h"
#include "sha256.h"

#define EXIT_INVALID 1
#define EXIT_USAGE 2
/* digest reads files of any size the hypervisor could be handed, check rejects
 * anything above POLICY_MAX_SIZE; this only bounds the memory the tool uses. */
#define MAX_INPUT_SIZE (1ul << 30)

struct input_file {
	char *data;
	size_t size;
};

static void usage(void)
{
	fprintf(stderr, "usage: sbx-policy check|show|digest FILE\n");
	exit(EXIT_USAGE);
}

static struct input_file read_file(const char *path)
{
	struct input_file file = { NULL, 0 };
	FILE *stream = fopen(path, "rb");
	size_t capacity = 0, got;

	if (!stream) {
		fprintf(stderr, "sbx-policy: cannot open %s: %s\n", path, strerror(errno));
		exit(EXIT_INVALID);
	}
	do {
		if (file.size == capacity) {
			capacity = capacity ? capacity * 2 : POLICY_MAX_SIZE + 1;
			if (capacity > MAX_INPUT_SIZE) {
				fprintf(stderr, "sbx-policy: %s is larger than 1 GiB\n", path);
				exit(EXIT_INVALID);
			}
			file.data = realloc(file.data, capacity);
			if (!file.data) {
				fprintf(stderr, "sbx-policy: out of memory reading %s\n", path);
				exit(EXIT_INVALID);
			}
		}
		got = fread(file.data + file.size, 1, capacity - file.size, stream);
		file.size += got;
	} while (got);
	if (ferror(stream)) {
		fprintf(stderr, "sbx-policy: cannot read %s\n", path);
		exit(EXIT_INVALID);
	}
	fclose(stream);
	return file;
}

static int report(const char *path, const struct policy_error *error)
{
	fprintf(stderr, "%s:%u:%u: error: %s\n", path, error->location.line,
		error->location.column, error->message);
	return -1;
}

static int parse(const char *path, const struct input_file *file, struct policy *policy)
{
	struct policy_error error;

	if (policy_parse(file->data, file->size, policy, &error) == 0)
		return 0;
	return report(path, &error);
}

static void print_sha256(const char *label, const void *data, size_t size, uint8_t *digest)
{
	if (sha256(data, size, digest)) {
		fprintf(stderr, "sbx-policy: SHA-256 failed\n");
		exit(EXIT_INVALID);
	}
	printf("%s ", label);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		printf("%02x", digest[i]);
	printf("\n");
}

static int digest(const struct input_file *file)
{
	uint8_t file_digest[SHA256_DIGEST_SIZE], record_digest[SHA256_DIGEST_SIZE];
	struct sbx_measurement_record record;

	print_sha256("sha256", file->data, file->size, file_digest);
	launch_record_build(&record, SBX_COMPONENT_POLICY, file_digest, file->size);
	print_sha256("record-sha256", &record, sizeof(record), record_digest);
	return 0;
}

static int show(const char *path, const struct input_file *file)
{
	char text[POLICY_FORMAT_MAX];
	struct policy policy;

	if (parse(path, file, &policy))
		return EXIT_INVALID;
	policy_format(&policy, text, sizeof(text));
	fputs(text, stdout);
	return 0;
}

/* "ok" means the hypervisor will run this policy as far as the file alone decides:
 * ranges against its memory, and cpus against the machine's, are checked at boot. */
static int check(const char *path, const struct input_file *file)
{
	struct policy policy;

	if (parse(path, file, &policy))
		return EXIT_INVALID;
	printf("%s: ok\n", path);
	return 0;
}

int main(int argc, char **argv)
{
	struct input_file file;
	int status;

	if (argc != 3)
		usage();
	if (strcmp(argv[1], "check") && strcmp(argv[1], "show") && strcmp(argv[1], "digest"))
		usage();
	file = read_file(argv[2]);
	if (!strcmp(argv[1], "check"))
		status = check(argv[2], &file);
	else if (!strcmp(argv[1], "show"))
		status = show(argv[2], &file);
	else
		status = digest(&file);
	free(file.data);
	if (fflush(stdout)) {
		fprintf(stderr, "sbx-policy: cannot write the output\n");
		return EXIT_INVALID;
	}
	return status;
}
