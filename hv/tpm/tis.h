/* TPM Interface Specification (TIS 1.3, FIFO) driver over MMIO: the PC Client
 * register block at 0xFED40000, one 4 KiB page per locality. */
#ifndef SBX_HV_TIS_H
#define SBX_HV_TIS_H

#include <stddef.h>
#include <stdint.h>

#define TIS_BASE_ADDRESS 0xFED40000ul
#define TIS_LOCALITY_SIZE 0x1000ul
#define TIS_LOCALITY_COUNT 5

enum tis_status {
	TIS_OK = 0,
	TIS_NO_DEVICE,               /* nothing TIS-like answers at the base address */
	TIS_LOCALITY_NOT_GRANTED,    /* requestUse never became activeLocality */
	TIS_TIMEOUT,                 /* a status bit never came within its TIS timeout */
	TIS_PROTOCOL_ERROR,          /* expect/dataAvail out of step, bad response size */
	TIS_RESPONSE_TOO_LARGE,      /* the response does not fit the caller's buffer */
	TIS_INVALID_ARGUMENT,        /* no such locality, empty command, tiny buffer */
};

const char *tis_status_string(enum tis_status status);

struct tis {
	uintptr_t base;
	unsigned locality;   /* the locality this handle holds, valid after request */
};

/* Checks that a TIS answers at `base` (access register valid, a vendor id that is
 * neither all zeros nor all ones). */
enum tis_status tis_probe(uintptr_t base);

/* Takes `locality`, first relinquishing any locality that firmware left active
 * (the hypervisor owns the machine at this point). */
enum tis_status tis_request_locality(struct tis *tis, uintptr_t base, unsigned locality);

/* Sends one command and reads the whole response (its size comes from the response
 * header and must fit `response_capacity`). */
enum tis_status tis_transmit(struct tis *tis, const uint8_t *command, size_t command_size,
			     uint8_t *response, size_t response_capacity,
			     size_t *response_size);

void tis_release_locality(struct tis *tis);

#endif
