/* The hypervisor's minimal TPM 2.0 command path: build the few commands it sends and
 * parse their responses, strictly. This is the one place sbx marshals TPM structures
 * by hand (the hypervisor cannot carry tpm2-tss); tests/unit cross-checks every byte
 * against libtss2-mu. */
#ifndef SBX_HV_TPM2_COMMAND_H
#define SBX_HV_TPM2_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#define TPM2_MAX_COMMAND_SIZE 4096u
#define TPM2_MAX_RESPONSE_SIZE 4096u
#define TPM2_MAX_BANKS        8
#define TPM2_MAX_DIGEST_SIZE  64
#define TPM2_MAX_EVENT_DATA   1024u   /* TPM2B_EVENT's limit */
#define TPM2_PCR_COUNT        24
#define TPM2_MAX_RANDOM       32u     /* one SHA-256 digest: what every TPM can return */

#define TPM2_ALG_SHA1    0x0004
#define TPM2_ALG_SHA256  0x000B
#define TPM2_ALG_SHA384  0x000C
#define TPM2_ALG_SHA512  0x000D
#define TPM2_ALG_SM3_256 0x0012

/* Digest size of a hash algorithm, 0 for an algorithm this code does not know. */
uint16_t tpm2_digest_size(uint16_t algorithm);

struct tpm2_digest {
	uint16_t algorithm;
	uint16_t size;
	uint8_t bytes[TPM2_MAX_DIGEST_SIZE];
};

struct tpm2_digest_list {
	uint32_t count;
	struct tpm2_digest digest[TPM2_MAX_BANKS];
};

/* The active PCR banks: algorithms with at least one PCR allocated, including
 * ones tpm2_digest_size() does not know (the caller decides about those). */
struct tpm2_bank_list {
	uint32_t count;
	uint16_t algorithm[TPM2_MAX_BANKS];
};

/* Builders write one complete command into `buffer` and return its size, or 0 if
 * an argument is out of range or the command does not fit in `capacity`. */
size_t tpm2_build_pcr_event(uint8_t *buffer, size_t capacity, uint32_t pcr_index,
			    const void *event_data, size_t event_size);
size_t tpm2_build_pcr_read(uint8_t *buffer, size_t capacity, uint16_t algorithm,
			   uint32_t pcr_index);
size_t tpm2_build_get_capability_pcrs(uint8_t *buffer, size_t capacity);
/* 1..TPM2_MAX_RANDOM bytes of TPM randomness. */
size_t tpm2_build_get_random(uint8_t *buffer, size_t capacity, uint16_t bytes);

enum tpm2_parse_status {
	TPM2_PARSE_OK = 0,
	TPM2_PARSE_TRUNCATED,       /* shorter than a field or the header says */
	TPM2_PARSE_MALFORMED,       /* bad tag, size mismatch, trailing bytes, bad count... */
	TPM2_PARSE_UNEXPECTED,      /* well formed but not what was asked for */
	TPM2_PARSE_RESPONSE_CODE,   /* the TPM answered with a non-zero response code */
};

const char *tpm2_parse_status_string(enum tpm2_parse_status status);

/* Every parser checks the whole response: header tag, responseSize == length, the
 * response code (stored in *response_code whenever the header parses), and that
 * every byte is consumed. A failed parse leaves its output zeroed. */

/* For commands whose response carries no parameters and no sessions (e.g.
 * TPM2_Startup): anything after the header is MALFORMED. */
enum tpm2_parse_status tpm2_parse_response_header(const uint8_t *response, size_t length,
						  uint32_t *response_code);
enum tpm2_parse_status tpm2_parse_pcr_event_response(const uint8_t *response, size_t length,
						     uint32_t *response_code,
						     struct tpm2_digest_list *digests);
/* The selection echoed by the TPM must be exactly the one requested. */
enum tpm2_parse_status tpm2_parse_pcr_read_response(const uint8_t *response, size_t length,
						    uint32_t *response_code, uint16_t algorithm,
						    uint32_t pcr_index, struct tpm2_digest *value);
enum tpm2_parse_status tpm2_parse_get_capability_pcrs_response(const uint8_t *response,
							       size_t length,
							       uint32_t *response_code,
							       struct tpm2_bank_list *active);

/* `random` must hold `requested` bytes; *received (1..requested) says how many the
 * TPM returned. On failure `random` is zeroed. */
enum tpm2_parse_status tpm2_parse_get_random_response(const uint8_t *response, size_t length,
						      uint32_t *response_code, uint16_t requested,
						      uint8_t *random, uint16_t *received);

#endif
