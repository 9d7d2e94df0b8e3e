/* Running a partition's virtual CPU under SVM and handling its exits. */
#ifndef SBX_HV_X86_VCPU_H
#define SBX_HV_X86_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "partition.h"
#include "svm.h"

#define VECTOR_UD 6
#define VECTOR_GP 13

void vcpu_setup(const struct svm_capabilities *capabilities, uint64_t host_state);

/* Validates the VMCB before the first run, runs the partition until its next exit
 * and handles that exit. */
enum run_outcome vcpu_run_once(struct partition *partition);

void vcpu_inject_exception(struct partition *partition, uint8_t vector, bool has_error_code,
			   uint32_t error_code);

/* The partition broke a rule: report it, then fault or stop it as its violation
 * response says. */
enum run_outcome vcpu_violation(struct partition *partition, uint8_t vector,
				const char *what, uint64_t detail);

#endif
