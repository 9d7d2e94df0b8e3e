/* The enrollment store. A record vouches that an AK lives in a TPM with a certified
 * EK, so a record that has been damaged or edited must not load: its AK public area
 * has to hash to the Name the file is named by, or the store fails closed. */
#include "enrollment.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "encoding.h"
#include "json_strict.h"
#include "report_verify.h"

#define ENROLLMENT_VERSION 1
/* A record is a few hundred bytes; anything near this is not one. */
#define ENROLLMENT_FILE_SIZE_MAX 16384
#define NAME_HEX_SIZE (2 * AK_NAME_SIZE + 1)

static int fail(char reason[ENROLLMENT_REASON_SIZE], const char *format, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(char reason[ENROLLMENT_REASON_SIZE], const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(reason, ENROLLMENT_REASON_SIZE, format, arguments);
	va_end(arguments);
	return -1;
}

/* DIR/<AK Name in hex>.json, or -1 if it does not fit. */
static int record_path(const char *directory, const uint8_t ak_name[AK_NAME_SIZE],
		       char path[PATH_MAX])
{
	char name[NAME_HEX_SIZE];
	int length;

	hex_encode(ak_name, AK_NAME_SIZE, name);
	length = snprintf(path, PATH_MAX, "%s/%s.json", directory, name);
	return length < 0 || length >= PATH_MAX ? -1 : 0;
}

/* Whether `ak_public` is a well-formed AK whose Name is `ak_name`: the check that
 * ties a record's key to the file it is found under. */
static int ak_matches(const uint8_t *ak_public, size_t size, const uint8_t ak_name[AK_NAME_SIZE],
		      char reason[ENROLLMENT_REASON_SIZE])
{
	struct ak_public ak;
	const char *why;

	if (ak_public_parse(ak_public, size, &ak, &why) != VERIFY_TRUSTED)
		return fail(reason, "ak_public is not an acceptable AK (%s)", why);
	if (memcmp(ak.name, ak_name, AK_NAME_SIZE) != 0)
		return fail(reason, "ak_public does not hash to the record's AK Name");
	return 0;
}

static int counters_read(struct json_object *object, struct enrollment *enrollment,
			 char reason[ENROLLMENT_REASON_SIZE])
{
	static const char *const fields[] = { "reset_count", "restart_count" };
	struct json_object *counters;
	int64_t reset_count, restart_count;

	json_object_object_get_ex(object, "counters", &counters);
	if (!counters)
		return 0;   /* JSON null: no trusted quote yet */
	if (!json_object_is_type(counters, json_type_object))
		return fail(reason, "field counters: neither null nor an object");
	if (json_strict_members(counters, "counters.", fields, 2, reason, ENROLLMENT_REASON_SIZE) ||
	    json_strict_integer(counters, "counters.", "reset_count", 0, UINT32_MAX, &reset_count,
				reason, ENROLLMENT_REASON_SIZE) ||
	    json_strict_integer(counters, "counters.", "restart_count", 0, UINT32_MAX,
				&restart_count, reason, ENROLLMENT_REASON_SIZE))
		return -1;
	enrollment->has_counters = true;
	enrollment->reset_count = (uint32_t)reset_count;
	enrollment->restart_count = (uint32_t)restart_count;
	return 0;
}

static int record_parse(const char *text, size_t size, const uint8_t ak_name[AK_NAME_SIZE],
			struct enrollment *enrollment, char reason[ENROLLMENT_REASON_SIZE])
{
	static const char *const fields[] = { "sbx_enrollment", "ak_name", "ak_public",
					      "ek_certificate_sha256", "counters" };
	struct json_object *object = json_strict_parse(text, size, reason, ENROLLMENT_REASON_SIZE);
	uint8_t *ak_public = NULL;
	size_t ak_public_size = 0;
	int64_t version;
	int status;

	if (!object)
		return -1;
	status = json_strict_integer(object, "", "sbx_enrollment", ENROLLMENT_VERSION,
				     ENROLLMENT_VERSION, &version, reason,
				     ENROLLMENT_REASON_SIZE) ||
		 json_strict_members(object, "", fields, sizeof(fields) / sizeof(fields[0]),
				     reason, ENROLLMENT_REASON_SIZE) ||
		 json_strict_hex(object, "", "ak_name", enrollment->ak_name, AK_NAME_SIZE, reason,
				 ENROLLMENT_REASON_SIZE) ||
		 json_strict_base64(object, "", "ak_public", ENROLLMENT_AK_PUBLIC_MAX, &ak_public,
				    &ak_public_size, reason, ENROLLMENT_REASON_SIZE) ||
		 json_strict_hex(object, "", "ek_certificate_sha256",
				 enrollment->ek_certificate_sha256,
				 sizeof(enrollment->ek_certificate_sha256), reason,
				 ENROLLMENT_REASON_SIZE) ||
		 counters_read(object, enrollment, reason) ? -1 : 0;
	if (status == 0 && memcmp(enrollment->ak_name, ak_name, AK_NAME_SIZE) != 0)
		status = fail(reason, "field ak_name: not the Name the record is filed under");
	if (status == 0)
		status = ak_matches(ak_public, ak_public_size, ak_name, reason);
	if (status == 0) {
		memcpy(enrollment->ak_public, ak_public, ak_public_size);
		enrollment->ak_public_size = ak_public_size;
	}
	free(ak_public);
	json_object_put(object);
	return status;
}

/* Reads at most ENROLLMENT_FILE_SIZE_MAX bytes of `fd` into `text`. */
static ssize_t file_read(int fd, char *text, size_t capacity)
{
	size_t size = 0;

	while (size < capacity) {
		ssize_t got = read(fd, text + size, capacity - size);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		size += (size_t)got;
	}
	return (ssize_t)size;
}

/* Whoever can write a record or its directory could enrol an AK of their own, so
 * neither may be writable by anyone but its owner: the store was made 0700 and its
 * records 0600, and a loosened one is refused rather than believed. */
static int not_shared(const struct stat *status, const char *path,
		      char reason[ENROLLMENT_REASON_SIZE])
{
	if (status->st_mode & (S_IWGRP | S_IWOTH))
		return fail(reason, "%s is writable by other users: it cannot vouch for an AK",
			    path);
	return 0;
}

static int record_file_private(int fd, const char *directory, const char *path,
			       char reason[ENROLLMENT_REASON_SIZE])
{
	struct stat status;

	if (fstat(fd, &status) != 0)
		return fail(reason, "cannot read %s: %s", path, strerror(errno));
	if (!S_ISREG(status.st_mode))
		return fail(reason, "cannot read %s: not a regular file", path);
	if (not_shared(&status, path, reason))
		return -1;
	if (stat(directory, &status) != 0)
		return fail(reason, "cannot read %s: %s", directory, strerror(errno));
	return not_shared(&status, directory, reason);
}

int enrollment_load(const char *directory, const uint8_t ak_name[AK_NAME_SIZE],
		    struct enrollment *enrollment, char reason[ENROLLMENT_REASON_SIZE])
{
	char path[PATH_MAX];
	char *text;
	ssize_t size;
	int fd, status;

	memset(enrollment, 0, sizeof(*enrollment));
	if (record_path(directory, ak_name, path))
		return fail(reason, "state directory path too long");
	/* Non-blocking: a FIFO planted under the record's name must not hang the
	 * verifier (it is refused below, as anything but a regular file is). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return fail(reason, "cannot open %s: %s", path, strerror(errno));
	if (record_file_private(fd, directory, path, reason)) {
		close(fd);
		return -1;
	}
	/* One byte over the cap tells a file at the cap from a longer one. */
	text = malloc(ENROLLMENT_FILE_SIZE_MAX + 1);
	size = text ? file_read(fd, text, ENROLLMENT_FILE_SIZE_MAX + 1) : -1;
	close(fd);
	if (size < 0)
		status = fail(reason, "cannot read %s", path);
	else if (size > ENROLLMENT_FILE_SIZE_MAX)
		status = fail(reason, "corrupt enrollment record: too large (%s)", path);
	else if (record_parse(text, (size_t)size, ak_name, enrollment, reason)) {
		char detail[ENROLLMENT_REASON_SIZE];

		snprintf(detail, sizeof(detail), "%s", reason);
		/* The detail first: the path is long and may be cut short. */
		status = fail(reason, "corrupt enrollment record: %s (%s)", detail, path);
	} else {
		status = 1;
	}
	free(text);
	if (status != 1)
		memset(enrollment, 0, sizeof(*enrollment));
	return status;
}

/* --- store ------------------------------------------------------------------------ */

/* mkdir -p: the default state directory's parent may not exist yet either. */
static int directory_create(const char *directory, char reason[ENROLLMENT_REASON_SIZE])
{
	char path[PATH_MAX];
	size_t length = strlen(directory);

	if (length == 0 || length >= sizeof(path))
		return fail(reason, "state directory path empty or too long");
	memcpy(path, directory, length + 1);
	for (size_t i = 1; i <= length; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return fail(reason, "cannot create %s: %s", path, strerror(errno));
		path[i] = directory[i];
	}
	return 0;
}

static int directory_private(const char *directory, char reason[ENROLLMENT_REASON_SIZE])
{
	struct stat status;

	if (stat(directory, &status) != 0)
		return fail(reason, "cannot read %s: %s", directory, strerror(errno));
	return not_shared(&status, directory, reason);
}

static bool add_counters(struct json_object *object, const struct enrollment *enrollment)
{
	struct json_object *counters;

	if (!enrollment->has_counters)
		return json_object_object_add(object, "counters", NULL) == 0;
	counters = json_object_new_object();
	if (!json_strict_add(object, "counters", counters))
		return false;
	return json_strict_add(counters, "reset_count",
			       json_object_new_int64(enrollment->reset_count)) &&
	       json_strict_add(counters, "restart_count",
			       json_object_new_int64(enrollment->restart_count));
}

/* The record as one line of JSON, malloc'ed; NULL if out of memory. */
static char *record_format(const struct enrollment *enrollment)
{
	struct json_object *object = json_object_new_object();
	char name[NAME_HEX_SIZE], certificate[2 * 32 + 1];
	char *ak_public = base64_encode_alloc(enrollment->ak_public, enrollment->ak_public_size);
	char *text = NULL;

	hex_encode(enrollment->ak_name, AK_NAME_SIZE, name);
	hex_encode(enrollment->ek_certificate_sha256, 32, certificate);
	if (object && ak_public &&
	    json_strict_add(object, "sbx_enrollment", json_object_new_int(ENROLLMENT_VERSION)) &&
	    json_strict_add(object, "ak_name", json_object_new_string(name)) &&
	    json_strict_add(object, "ak_public", json_object_new_string(ak_public)) &&
	    json_strict_add(object, "ek_certificate_sha256", json_object_new_string(certificate)) &&
	    add_counters(object, enrollment))
		text = json_strict_line(object);
	free(ak_public);
	json_object_put(object);
	return text;
}

static int write_all(int fd, const char *text, size_t size)
{
	while (size > 0) {
		ssize_t written = write(fd, text, size);

		if (written < 0 && errno == EINTR)
			continue;
		if (written < 0)
			return -1;
		text += written;
		size -= (size_t)written;
	}
	return 0;
}

/* The rename is durable only once the directory itself is synced. */
static int directory_sync(const char *directory)
{
	int fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int status;

	if (fd < 0)
		return -1;
	status = fsync(fd);
	close(fd);
	return status;
}

int enrollment_store(const char *directory, const struct enrollment *enrollment,
		     char reason[ENROLLMENT_REASON_SIZE])
{
	char path[PATH_MAX], temporary[PATH_MAX];
	char *text;
	int fd, length;

	/* Refuse to write what enrollment_load() would refuse to read. */
	if (enrollment->ak_public_size == 0 ||
	    enrollment->ak_public_size > ENROLLMENT_AK_PUBLIC_MAX)
		return fail(reason, "ak_public of %zu bytes", enrollment->ak_public_size);
	if (ak_matches(enrollment->ak_public, enrollment->ak_public_size, enrollment->ak_name,
		       reason))
		return -1;
	if (record_path(directory, enrollment->ak_name, path))
		return fail(reason, "state directory path too long");
	length = snprintf(temporary, sizeof(temporary), "%s.XXXXXX", path);
	if (length < 0 || (size_t)length >= sizeof(temporary))
		return fail(reason, "state directory path too long");
	if (directory_create(directory, reason) || directory_private(directory, reason))
		return -1;
	text = record_format(enrollment);
	if (!text)
		return fail(reason, "out of memory");
	fd = mkstemp(temporary);
	if (fd < 0) {
		free(text);
		return fail(reason, "cannot create a file in %s: %s", directory, strerror(errno));
	}
	if (write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
		fail(reason, "cannot write %s: %s", temporary, strerror(errno));
		goto failed;
	}
	if (close(fd) != 0) {
		fd = -1;
		fail(reason, "cannot write %s: %s", temporary, strerror(errno));
		goto failed;
	}
	fd = -1;
	if (rename(temporary, path) != 0) {
		fail(reason, "cannot rename %s to %s: %s", temporary, path, strerror(errno));
		goto failed;
	}
	free(text);
	if (directory_sync(directory) != 0)
		return fail(reason, "cannot sync %s: %s", directory, strerror(errno));
	return 0;

failed:
	if (fd >= 0)
		close(fd);
	unlink(temporary);
	free(text);
	return -1;
}

/* Read-modify-write of a record happens under an exclusive lock of the store
 * (DIR/.lock), so that two verifiers cannot lose each other's counts. Returns the
 * lock's descriptor, or -1 with `reason`. */
static int store_lock(const char *directory, char reason[ENROLLMENT_REASON_SIZE])
{
	char path[PATH_MAX];
	int fd, length;

	if (directory_create(directory, reason) || directory_private(directory, reason))
		return -1;
	length = snprintf(path, sizeof(path), "%s/.lock", directory);
	if (length < 0 || (size_t)length >= sizeof(path))
		return fail(reason, "state directory path too long");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(reason, "cannot open %s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			close(fd);
			return fail(reason, "cannot lock %s: %s", path, strerror(errno));
		}
	}
	return fd;
}

static bool same_enrolment(const struct enrollment *a, const struct enrollment *b)
{
	return a->ak_public_size == b->ak_public_size &&
	       !memcmp(a->ak_public, b->ak_public, a->ak_public_size) &&
	       !memcmp(a->ak_name, b->ak_name, AK_NAME_SIZE) &&
	       !memcmp(a->ek_certificate_sha256, b->ek_certificate_sha256,
		       sizeof(a->ek_certificate_sha256));
}

int enrollment_advance(const char *directory, const struct enrollment *seen,
		       uint32_t reset_count, uint32_t restart_count,
		       char reason[ENROLLMENT_REASON_SIZE])
{
	struct enrollment current;
	int lock = store_lock(directory, reason), found, status;

	if (lock < 0)
		return -1;
	found = enrollment_load(directory, seen->ak_name, &current, reason);
	if (found == 0)
		status = fail(reason, "the AK's record was removed meanwhile");
	else if (found < 0)
		status = -1;
	else if (!same_enrolment(&current, seen))
		status = fail(reason, "the AK was enrolled again meanwhile");
	else if (enrollment_counts_below(&current, reset_count, restart_count)) {
		fail(reason, "reset/restart counts %u/%u are below the %u/%u recorded meanwhile",
		     reset_count, restart_count, current.reset_count, current.restart_count);
		status = ENROLLMENT_COUNTS_BELOW;
	} else {
		current.has_counters = true;
		current.reset_count = reset_count;
		current.restart_count = restart_count;
		status = enrollment_store(directory, &current, reason);
	}
	close(lock);
	return status;
}

int enrollment_enroll(const char *directory, struct enrollment *record,
		      char reason[ENROLLMENT_REASON_SIZE])
{
	struct enrollment previous;
	char detail[ENROLLMENT_REASON_SIZE];
	int lock = store_lock(directory, reason), found, status;

	if (lock < 0)
		return -1;
	found = enrollment_load(directory, record->ak_name, &previous, detail);
	record->has_counters = false;
	record->reset_count = 0;
	record->restart_count = 0;
	if (found < 0) {
		status = fail(reason, "the AK's record is kept, as it cannot be read (remove it "
			      "to enrol again): %s", detail);
	} else {
		if (found == 1 && previous.has_counters &&
		    !memcmp(previous.ek_certificate_sha256, record->ek_certificate_sha256,
			    sizeof(record->ek_certificate_sha256))) {
			record->has_counters = true;
			record->reset_count = previous.reset_count;
			record->restart_count = previous.restart_count;
		}
		status = enrollment_store(directory, record, reason);
	}
	close(lock);
	return status;
}
