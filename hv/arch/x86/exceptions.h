#ifndef SBX_HV_X86_EXCEPTIONS_H
#define SBX_HV_X86_EXCEPTIONS_H

/* Installs an IDT whose every exception vector reaches exception_common, which
 * the kernel linking this defines: the stubs push the vector and an error code
 * (zero where the CPU pushes none) on top of the CPU's interrupt frame. */
void exceptions_init(void);

/* Loads the IDT exceptions_init built on the running CPU: every CPU shares it. */
void exceptions_load(void);

#endif
