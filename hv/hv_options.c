#include <string.h>

#include "hv_options.h"

static bool word_is(const char *word, size_t length, const char *expected)
{
	return length == strlen(expected) && memcmp(word, expected, length) == 0;
}

int hv_options_parse(const char *cmdline, struct hv_options *options, const char **error)
{
	options->tpm_optional = false;
	while (*cmdline) {
		const char *word = cmdline;
		size_t length = 0;

		while (word[length] && word[length] != ' ')
			length++;
		if (length == 0) {
			cmdline++;
			continue;
		}
		if (word_is(word, length, "tpm=optional")) {
			options->tpm_optional = true;
		} else if (word_is(word, length, "tpm=required")) {
			options->tpm_optional = false;
		} else {
			*error = word;
			return -1;
		}
		cmdline = word + length;
	}
	return 0;
}
