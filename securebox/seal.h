/* Sealing (SEAL, UNSEAL): AES-256-GCM under a key bound to the root secret the
 * hypervisor provides and to the measured components, so that a blob opens only in
 * a securebox started with the same root secret and the same hypervisor, policy,
 * securebox, kernel, initrd and command line. */
#ifndef SBX_SECUREBOX_SEAL_H
#define SBX_SECUREBOX_SEAL_H

#include <stdint.h>

#include "entropy.h"
#include "mbedtls/gcm.h"
#include "sbx/boot_info.h"
#include "sbx/service.h"
#include "service_call.h"

struct sealing {
	int32_t status;            /* SBX_SERVICE_OK once the key exists; else why not */
	mbedtls_gcm_context gcm;   /* keyed: the sealing key exists only as its schedule */
};

/* Derives the sealing key: HKDF-SHA256 with ikm = `root_secret`, salt = "sbx seal
 * v1", info = the six component digests in enum sbx_measured_component order. Then
 * wipes `root_secret`. Without a root secret (SBX_ROOT_SECRET_NONE, or a kind this
 * securebox does not know) there is no key, and both services answer
 * SBX_SERVICE_E_NO_ENTROPY. */
void sealing_init(struct sealing *sealing, uint32_t root_secret_kind,
		  uint8_t root_secret[SBX_ROOT_SECRET_SIZE],
		  const uint8_t component_digests[SBX_MEASURED_COUNT][SBX_DIGEST_SIZE]);

void sealing_free(struct sealing *sealing);

/* SEAL: 1..SBX_SEAL_MAX bytes -> struct sbx_sealed_header, then the ciphertext. The
 * IV is 12 bytes from the DRBG; the header's magic, version and data_size are the
 * additional authenticated data. */
int32_t seal_handle(struct sealing *sealing, struct entropy *entropy, struct service_call *call);

/* UNSEAL: a sealed blob -> the data. Any change to the blob, or another root secret
 * or measurement, is SBX_SERVICE_E_INTEGRITY, and then no byte of plaintext
 * reaches the reply. A payload too short or too long to be a blob at all is
 * SBX_SERVICE_E_MALFORMED. */
int32_t unseal_handle(struct sealing *sealing, struct service_call *call);

#endif
