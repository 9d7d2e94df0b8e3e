/* The securebox partition: loading it, starting it, and calling it. */
#ifndef SBX_HV_SECUREBOX_H
#define SBX_HV_SECUREBOX_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "sbx/boot_info.h"
#include "sbx/hypercall.h"

/* Loads the securebox ELF from its module into its memory (host physical, 2 MiB
 * aligned, `size` bytes, a multiple of 2 MiB), builds its page tables, nested page
 * tables and VMCB, hands it the seed, root secret and measurements from `secrets`,
 * and scrubs the module, whose memory becomes the commodity's. Returns NULL or why
 * the securebox cannot run. */
const char *securebox_create(struct arena *arena, uint64_t memory, uint64_t size,
			     void *module, uint64_t module_size,
			     const struct sbx_securebox_boot_info *secrets, bool allow_1g_pages);

/* Writes the final PCR 17-19 values into the securebox's boot information, for its
 * reports (called when the launch closes, after the identity key is measured). */
void securebox_record_pcrs(const uint8_t pcrs[3][32]);

struct cpu;

/* Runs the securebox on `cpu` (the running CPU) until it announces its buffers
 * (SBX_HC_SECUREBOX_READY). */
const char *securebox_start(struct cpu *cpu);

/* One request/response round trip, run on `cpu` (the running CPU). The request is
 * copied into the securebox once; the response is checked against `capacity` before
 * anything is copied back. Calls from several CPUs take turns: each waits for the
 * one before it to finish, and the securebox is never preempted. */
enum sbx_status securebox_call(struct cpu *cpu, const void *request, uint64_t request_size,
			       void *response, uint64_t capacity, uint64_t *response_size);

#endif
