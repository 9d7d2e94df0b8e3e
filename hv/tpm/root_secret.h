/* The securebox's sealing root secret, derived by the TPM and bound to it, to the
 * measurements in PCR 17 and 18, and to the hypervisor's locality 2, so that the
 * same hypervisor, policy and securebox get the same secret on every boot. */
#ifndef SBX_HV_TPM_ROOT_SECRET_H
#define SBX_HV_TPM_ROOT_SECRET_H

#include <stdint.h>

#include "sbx/boot_info.h"
#include "tpm.h"

/* root secret = TPM2_HMAC(K, "sbx root secret v1"), K the owner-hierarchy primary
 * HMAC key whose authPolicy is PolicyLocality(2) then PolicyPCR(SHA-256 bank,
 * PCR 17 and 18 as they are now); it reads the two PCRs itself.
 *
 * Call it with `tpm` open at locality 2, after the hypervisor, the policy and the
 * securebox image are measured and before anything else extends PCR 17 or 18 (the
 * identity key, the separators), so that the secret depends on those three alone.
 * Needs an empty owner password. On failure `secret` is zeroed, `error` names the
 * command and its response code, and the key and the session it made are flushed
 * (best effort). */
int tpm_derive_root_secret(struct tpm *tpm, uint8_t secret[SBX_ROOT_SECRET_SIZE],
			   struct tpm_error *error);

#endif
