/* Hex, files and the printing every command shares. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sbxctl.h"

bool json_output;

int fail(int status, const char *format, ...)
{
	va_list args;

	fputs("sbxctl: ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
	return status;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *hex, uint8_t *out, size_t size)
{
	if (strlen(hex) != 2 * size)
		return -1;
	for (size_t i = 0; i < size; i++) {
		int high = hex_digit(hex[2 * i]), low = hex_digit(hex[2 * i + 1]);

		if (high < 0 || low < 0)
			return -1;
		out[i] = (uint8_t)(high << 4 | low);
	}
	return 0;
}

void print_hex(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++)
		printf("%02x", data[i]);
}

void print_json_string(const char *text)
{
	putchar('"');
	for (; *text; text++) {
		unsigned char c = (unsigned char)*text;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int read_file(const char *path, uint8_t *data, size_t capacity, size_t *size)
{
	FILE *file = fopen(path, "rb");
	int extra;

	if (!file)
		return fail(SBXCTL_FAILED, "%s: %s", path, strerror(errno));
	*size = fread(data, 1, capacity, file);
	extra = fgetc(file);
	if (ferror(file)) {
		fclose(file);
		return fail(SBXCTL_FAILED, "%s: read error", path);
	}
	fclose(file);
	if (extra != EOF)
		return fail(SBXCTL_FAILED, "%s: larger than %zu bytes", path, capacity);
	return SBXCTL_OK;
}

int write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *file = fopen(path, "wb");

	if (!file)
		return fail(SBXCTL_FAILED, "%s: %s", path, strerror(errno));
	if (fwrite(data, 1, size, file) != size || fclose(file) != 0)
		return fail(SBXCTL_FAILED, "%s: write error", path);
	return SBXCTL_OK;
}

const char *version_text(uint64_t version, char buffer[16])
{
	snprintf(buffer, 16, "%u.%u.%u", (unsigned)(version >> 16 & 0xff),
		 (unsigned)(version >> 8 & 0xff), (unsigned)(version & 0xff));
	return buffer;
}
