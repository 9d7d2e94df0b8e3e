/* The scenarios, one function each, named after the scenario they run. Each
 * returns true on PASS, or the false from fail() after reporting why. */
#ifndef SBX_TEST_GUEST_SCENARIOS_H
#define SBX_TEST_GUEST_SCENARIOS_H

#include <stdbool.h>

#include <sbx/boot_info.h>

/* What the hypervisor handed us, checked by guest_main before any scenario. */
extern const struct sbx_guest_boot_info *boot_info;

/* The guest's page tables map [0, 4 GiB); nothing above can be touched. */
#define ADDRESSABLE_END (4ull << 30)

/* scenarios_hypercall.c */
bool null_hypercall(void);
bool securebox_echo(void);
bool securebox_still_answers(void);
bool cpl3_hypercall(void);
bool unknown_hypercall(void);
bool securebox_only_hypercall(void);
bool event_log_read(void);
bool exit_stats(void);

/* scenarios_buffers.c */
bool hypercall_buffer_hypervisor(void);
bool hypercall_buffer_securebox(void);
bool hypercall_buffer_end_of_ram(void);
bool hypercall_buffer_overflow(void);
bool hypercall_buffer_oversized(void);
bool hypercall_buffer_unaligned(void);
bool hypercall_response_hypervisor(void);

/* scenarios_memory.c */
bool read_hypervisor_memory(void);
bool write_hypervisor_memory(void);
bool read_securebox_memory(void);
bool write_securebox_memory(void);

/* scenarios_apic.c */
bool init_startup_refused(void);
bool lvt_init_refused(void);
bool apic_base_locked(void);
bool self_ipi_arrives(void);

/* scenarios_smp.c: the "smp" list, for a machine of three CPUs whose first two
 * are ours */
bool startup_inside_partition(void);
bool startup_running_restarts(void);
bool startup_unowned_refused(void);
bool startup_shorthand_refused(void);
bool startup_self_refused(void);

/* scenarios_cpu.c */
bool vmrun(void);
bool clear_efer_svme(void);
bool write_vm_hsave_pa(void);
bool hidden_state_survives_world_switch(void);

/* scenarios_report.c: prints "sbx-test: report <hex>", the whole REPORT payload
 * (a struct sbx_report), for the system test to verify. */
bool securebox_report(void);

/* scenarios_keys.c: key-create-sign prints "sbx-test: key-signature public=<hex>
 * usage=<n> label=<hex> digest=<hex> signature=<hex>" (the DER signature). */
bool key_create_sign(void);
bool key_wrong_usage(void);
bool key_bad_handle(void);
bool key_not_readable(void);
bool key_slots_exhausted(void);

/* scenarios_seal.c */
bool seal_unseal(void);
bool seal_tamper(void);

/* scenarios_malformed.c */
bool securebox_malformed_corpus(void);

/* scenarios_tpm.c */
bool tpm_localities(void);
/* Not a scenario: prints "sbx-test: pcrN sha256 <hex>" for PCRs 17-19, for
 * the system test to compare with what the hypervisor printed. */
void report_measurement_pcrs(void);

#endif
