/* sbxctl: the commodity OS's command line over /dev/sbx (guest/driver/). Each
 * command returns its exit status: SBXCTL_OK, SBXCTL_FAILED when the driver, the
 * hypervisor or the securebox refused (the message names the status), or
 * SBXCTL_USAGE for a bad command line. */
#ifndef SBXCTL_H
#define SBXCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbx/hypercall.h"
#include "sbx/service.h"
#include "sbx/status_names.h"

enum { SBXCTL_OK = 0, SBXCTL_FAILED = 1, SBXCTL_USAGE = 2 };

/* Set by --json: every command then prints one JSON object instead of text. */
extern bool json_output;

/* Prints "sbxctl: <message>" on stderr and returns `status`. */
int fail(int status, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* device.c: /dev/sbx (guest/common/sbx_device.h). Each returns SBXCTL_OK or a
 * failure it has already reported, naming the hypercall status or the errno. */
int device_version(uint64_t *abi_version, uint64_t *hypervisor_version);
int device_exit_stats(struct sbx_exit_stats *stats);
/* The whole event log, malloc'ed; far below this cap in any launch plan. */
#define SBXCTL_EVENT_LOG_MAX (16u << 20)
int device_event_log(uint8_t **log, size_t *size);
/* One securebox service call. On SBXCTL_OK the reply's payload is in `payload` and
 * its size in *payload_size; a payload of another size than `expected_size` (unless
 * 0, any size) is a failure. */
int securebox_service(uint32_t service, const void *request, uint32_t request_size,
		      void *payload, uint32_t capacity, uint32_t *payload_size,
		      uint32_t expected_size);

/* util.c: hex, files, and output. */
int hex_decode(const char *hex, uint8_t *out, size_t size);   /* 0 iff exactly size bytes */
void print_hex(const uint8_t *data, size_t size);
void print_json_string(const char *text);
int read_file(const char *path, uint8_t *data, size_t capacity, size_t *size);
int write_file(const char *path, const uint8_t *data, size_t size);
const char *version_text(uint64_t version, char buffer[16]);   /* "major.minor.patch" */

/* commands.c, key.c */
int command_version(int argc, char **argv);
int command_report(int argc, char **argv);
int command_key(int argc, char **argv);
int command_seal(int argc, char **argv);
int command_unseal(int argc, char **argv);
int command_eventlog(int argc, char **argv);
int command_stats(int argc, char **argv);
/* calls.c, cpuid.c */
int command_calls(int argc, char **argv);
int command_cpuid(int argc, char **argv);

/* options.c: "--name VALUE" pairs after the command word. Fills values[i] for
 * names[i] (all NULL on entry); an unknown, valueless or repeated option is a
 * usage error. */
int parse_options(int argc, char **argv, const char *const *names, const char **values,
		  size_t count);
/* CPU numbers are below this (glibc's cpu_set_t holds as many). */
#define SBXCTL_CPUS_MAX 1024
/* --cpus LIST ("0,1,2,3"), or every CPU the process may run on for a NULL list,
 * into cpus[] (SBXCTL_CPUS_MAX entries) in the list's order. A malformed list, a
 * CPU listed twice or one outside the process's affinity is a usage error. */
int parse_cpu_list(const char *command, const char *list, int *cpus, int *count);

#endif
