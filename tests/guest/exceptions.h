/* Exception recovery, in the style of Linux's exception tables: an attack
 * primitive (probe.S) arms a recovery point before its risky instruction; if
 * that instruction faults, the handler records the fault and resumes at the
 * recovery point, in ring 0 on the primitive's stack, with RAX = the vector.
 * Any other exception is unexpected and ends the run. */
#ifndef SBX_TEST_GUEST_EXCEPTIONS_H
#define SBX_TEST_GUEST_EXCEPTIONS_H

#include <stdint.h>

#define VECTOR_UD 6
#define VECTOR_GP 13

struct fault_record {
	uint64_t vector;
	uint64_t error_code;   /* 0 for vectors that push none */
	uint64_t rip;
	uint64_t cs;           /* its RPL is the privilege level that faulted */
};

/* The last fault a recovery point caught. */
extern struct fault_record last_fault;

/* Armed when recovery_rip != 0; the handler disarms it. Written by probe.S. */
extern uint64_t recovery_rip;
extern uint64_t recovery_rsp;

#endif
