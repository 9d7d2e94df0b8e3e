/* "--name VALUE" options after a command word. */
#include <string.h>

#include "sbxctl.h"

int parse_options(int argc, char **argv, const char *const *names, const char **values,
		  size_t count)
{
	for (int i = 0; i < argc; i += 2) {
		size_t option = 0;

		while (option < count && strcmp(argv[i], names[option]) != 0)
			option++;
		if (option == count)
			return fail(SBXCTL_USAGE, "unknown option %s (see --help)", argv[i]);
		if (i + 1 >= argc)
			return fail(SBXCTL_USAGE, "%s needs a value", argv[i]);
		values[option] = argv[i + 1];
	}
	return SBXCTL_OK;
}
