#ifndef SBX_HV_X86_EXCEPTIONS_H
#define SBX_HV_X86_EXCEPTIONS_H

/* Installs an IDT whose every exception vector reports and halts. */
void exceptions_init(void);

#endif
