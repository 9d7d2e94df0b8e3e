/* Everything the services keep between requests. The securebox has one, set up
 * from the boot information in two steps around SBX_HC_SECUREBOX_IDENTITY; host
 * tests and the fuzzer set up their own from a boot information of their making. */
#ifndef SBX_SECUREBOX_CONTEXT_H
#define SBX_SECUREBOX_CONTEXT_H

#include "entropy.h"
#include "key_vault.h"
#include "report.h"
#include "sbx/boot_info.h"
#include "seal.h"

struct service_context {
	struct entropy entropy;
	struct identity identity;
	struct key_vault vault;
	struct sealing sealing;
	struct sbx_securebox_measurements measurements;
};

/* Step one, before the hypervisor measures the identity key: instantiates the DRBG
 * from the boot seed (which it wipes) and makes the identity key, if there is a
 * seed. Afterwards context->identity.status says whether there is a key to
 * measure. */
void service_context_init(struct service_context *context,
			  struct sbx_securebox_boot_info *boot_info);

/* Step two, once the hypervisor has written the PCRs into the boot information (or
 * has been asked for nothing, without an identity key): takes the measurements,
 * starts the key vault's handles from the boot ID, and derives the sealing key
 * (wiping the root secret). */
void service_context_bind(struct service_context *context,
			  struct sbx_securebox_boot_info *boot_info);

/* Frees what mbedTLS holds, wiping it. The securebox never stops, so never calls
 * this; host tests and the fuzzer do, to start again clean. */
void service_context_free(struct service_context *context);

#endif
