test_instruction_decode_SOURCES := hv/arch/x86/instruction_decode.c
