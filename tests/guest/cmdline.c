#include <string.h>

#include "cmdline.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool cmdline_has_word(const char *cmdline, size_t capacity, const char *word)
{
	size_t word_length = strlen(word);
	size_t at = 0;

	while (at < capacity && cmdline[at]) {
		size_t start;

		if (is_blank(cmdline[at])) {
			at++;
			continue;
		}
		start = at;
		while (at < capacity && cmdline[at] && !is_blank(cmdline[at]))
			at++;
		if (at - start == word_length && !memcmp(cmdline + start, word, word_length))
			return true;
	}
	return false;
}
