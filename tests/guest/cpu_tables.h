#ifndef SBX_TEST_GUEST_CPU_TABLES_H
#define SBX_TEST_GUEST_CPU_TABLES_H

/* Loads the TSS (whose RSP0 catches faults raised in ring 3) and an IDT with a
 * handler for each of the 32 exception vectors. */
void cpu_tables_init(void);

/* Loads an empty IDT and raises an exception: #GP, then #DF, then shutdown. */
_Noreturn void cpu_triple_fault(void);

#endif
