/* Running a partition's virtual CPU under SVM and handling its exits. */
#ifndef SBX_HV_X86_VCPU_H
#define SBX_HV_X86_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "partition.h"
#include "svm.h"

#define VECTOR_UD 6
#define VECTOR_GP 13

struct cpu;

void vcpu_setup(const struct svm_capabilities *capabilities);

/* Validates the VMCB before the first run, runs the vCPU on `cpu` (the CPU this
 * code runs on) until its next exit and handles that exit. A vCPU of a stopped
 * partition does not run. */
enum run_outcome vcpu_run_once(struct vcpu *vcpu, struct cpu *cpu);

void vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, bool has_error_code,
			   uint32_t error_code);

/* The vCPU's partition broke a rule: report it, then fault or stop the partition
 * as its violation response says. */
enum run_outcome vcpu_violation(struct vcpu *vcpu, uint8_t vector, const char *what,
				uint64_t detail);

#endif
