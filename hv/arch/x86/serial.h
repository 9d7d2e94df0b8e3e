#ifndef SBX_HV_X86_SERIAL_H
#define SBX_HV_X86_SERIAL_H

void serial_init(void);
void serial_putc(char c);

#endif
