#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture_file.h"

struct blob fixture_load(const char *name)
{
	char path[256];
	struct blob blob = { NULL, 0 };
	FILE *file;
	long size;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	file = fopen(path, "rb");
	assert_non_null(file);
	assert_int_equal(fseek(file, 0, SEEK_END), 0);
	size = ftell(file);
	assert_true(size > 0);
	rewind(file);
	blob.size = size;
	blob.bytes = malloc(blob.size);
	assert_non_null(blob.bytes);
	assert_int_equal(fread(blob.bytes, 1, blob.size, file), blob.size);
	fclose(file);
	return blob;
}

struct blob blob_resized(const struct blob *blob, size_t size, uint8_t fill)
{
	struct blob copy = { malloc(size ? size : 1), size };

	assert_non_null(copy.bytes);
	memset(copy.bytes, fill, size);
	memcpy(copy.bytes, blob->bytes, size < blob->size ? size : blob->size);
	return copy;
}
