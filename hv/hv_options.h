/* The hypervisor's own command line (the multiboot2 command line after hv.elf). */
#ifndef SBX_HV_OPTIONS_H
#define SBX_HV_OPTIONS_H

#include <stdbool.h>

struct hv_options {
	/* tpm=optional: boot on without a working TPM, loudly unmeasured. The default,
	 * tpm=required, stops the launch on any TPM failure. */
	bool tpm_optional;
};

/* Returns 0, or -1 with `*error` naming the first word that is not an option. */
int hv_options_parse(const char *cmdline, struct hv_options *options, const char **error);

#endif
