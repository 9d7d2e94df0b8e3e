/* Gives each multiboot2 module its role from the first word of its command line. */
#ifndef SBX_HV_BOOT_MODULES_H
#define SBX_HV_BOOT_MODULES_H

#include <stdint.h>

#include "multiboot2.h"

enum boot_module_role {
	MODULE_POLICY,
	MODULE_SECUREBOX,
	MODULE_KERNEL,
	MODULE_INITRD,
	MODULE_ROLE_COUNT
};

struct boot_module {
	uint64_t start;          /* physical */
	uint64_t size;           /* bytes; may be 0 only if the file is empty */
	const char *arguments;   /* after the role word and its spaces; "" if none.
	                          * For the kernel this is the commodity command line.
	                          * Points into the mb2_info it came from. */
};

struct boot_modules {
	struct boot_module module[MODULE_ROLE_COUNT];
};

/* The role word: "policy", "securebox", "kernel", "initrd". */
const char *boot_module_role_name(enum boot_module_role role);

/* Every role must appear exactly once; an unknown role word, a duplicate or a
 * missing role is an error. Returns 0, or -1 with `error` set to a static message
 * and `*module_index` to the offending module (or -1 for a missing role). */
int boot_modules_assign(const struct mb2_info *info, struct boot_modules *modules,
			const char **error, int *module_index);

#endif
