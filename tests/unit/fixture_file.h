/* Fixture files of the unit tests (tests/unit/fixtures/), read whole into memory,
 * and resized copies of them for truncation and trailing-byte tests. Failures are
 * cmocka assertions. */
#ifndef SBX_TESTS_FIXTURE_FILE_H
#define SBX_TESTS_FIXTURE_FILE_H

#include <stddef.h>
#include <stdint.h>

#define FIXTURES "tests/unit/fixtures/"

struct blob {
	uint8_t *bytes;   /* malloc'ed */
	size_t size;
};

/* The whole of FIXTURES/name, which must exist and not be empty. */
struct blob fixture_load(const char *name);

/* A copy of `blob` resized to `size`, in a block of exactly that size (so that
 * ASan sees a read past it); bytes past the original are `fill`. */
struct blob blob_resized(const struct blob *blob, size_t size, uint8_t fill);

#endif
