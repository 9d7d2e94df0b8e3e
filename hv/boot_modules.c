/* GRUB passes modules in grub.cfg order, which says nothing about what they are;
 * the role word at the start of each command line does. */
#include <stdbool.h>
#include <string.h>

#include "boot_modules.h"

struct role {
	const char *name;
	const char *duplicate;
	const char *missing;
};

static const struct role roles[MODULE_ROLE_COUNT] = {
	[MODULE_POLICY] = { "policy", "duplicate policy module", "no policy module" },
	[MODULE_SECUREBOX] = { "securebox", "duplicate securebox module", "no securebox module" },
	[MODULE_KERNEL] = { "kernel", "duplicate kernel module", "no kernel module" },
	[MODULE_INITRD] = { "initrd", "duplicate initrd module", "no initrd module" },
};

const char *boot_module_role_name(enum boot_module_role role)
{
	if ((unsigned int)role >= MODULE_ROLE_COUNT)
		return "unknown";
	return roles[role].name;
}

/* Exact match only: "kernelx" or "Kernel" must not pass for the kernel. */
static int role_of_word(const char *word, size_t length)
{
	int role;

	for (role = 0; role < MODULE_ROLE_COUNT; role++)
		if (strlen(roles[role].name) == length &&
		    strncmp(word, roles[role].name, length) == 0)
			return role;
	return -1;
}

int boot_modules_assign(const struct mb2_info *info, struct boot_modules *modules,
			const char **error, int *module_index)
{
	bool assigned[MODULE_ROLE_COUNT] = { false };
	uint32_t i;
	int role;

	memset(modules, 0, sizeof(*modules));

	for (i = 0; i < info->module_count; i++) {
		const struct mb2_module *module = &info->modules[i];
		const char *arguments = module->cmdline;
		size_t word_length = 0;

		while (arguments[word_length] != '\0' && arguments[word_length] != ' ')
			word_length++;
		role = role_of_word(arguments, word_length);
		if (role < 0) {
			*error = "unknown module role word";
			*module_index = (int)i;
			return -1;
		}
		if (assigned[role]) {
			*error = roles[role].duplicate;
			*module_index = (int)i;
			return -1;
		}

		arguments += word_length;
		while (*arguments == ' ')
			arguments++;
		modules->module[role].start = module->start;
		modules->module[role].size = module->end - module->start;
		modules->module[role].arguments = arguments;
		assigned[role] = true;
	}

	for (role = 0; role < MODULE_ROLE_COUNT; role++) {
		if (!assigned[role]) {
			*error = roles[role].missing;
			*module_index = -1;
			return -1;
		}
	}
	return 0;
}
