/* The parameter block is written byte by byte at the offsets the assembly uses:
 * the page is any buffer, and the block's fields are not naturally aligned for a
 * C struct (m16:32 pointers, a 6-byte GDT pointer). */
#include <string.h>

#include "ap_trampoline.h"
#include "boot_layout.h"
#include "local_apic.h"

#define PAGE_SIZE_BYTES 4096u
#define FOUR_GIB (1ull << 32)

static void put(uint8_t *bytes, size_t offset, unsigned size, uint64_t value)
{
	for (unsigned i = 0; i < size; i++, value >>= 8)
		bytes[offset + i] = (uint8_t)value;
}

static uint32_t get32(const uint8_t *bytes, size_t offset)
{
	return bytes[offset] | bytes[offset + 1] << 8 | bytes[offset + 2] << 16 |
	       (uint32_t)bytes[offset + 3] << 24;
}

const char *ap_trampoline_install(uint8_t *page, uint64_t page_address, const uint8_t *template,
				  size_t size, size_t parameters_offset,
				  const struct ap_start_parameters *parameters)
{
	uint8_t *block;

	if (size > PAGE_SIZE_BYTES || parameters_offset > size ||
	    size - parameters_offset < AP_TRAMPOLINE_PARAMETERS_SIZE)
		return "the trampoline does not fit its page";
	if ((page_address & (PAGE_SIZE_BYTES - 1)) || page_address < STARTUP_PAGE_LOWEST ||
	    page_address >= STARTUP_PAGE_LIMIT)
		return "the trampoline page is not a page in [0x1000, 0xa0000)";
	/* The 32-bit code loads each as one 32-bit register. */
	if (parameters->cr3 >= FOUR_GIB || parameters->cr4 >= FOUR_GIB ||
	    parameters->efer >= FOUR_GIB || parameters->gdt_base >= FOUR_GIB)
		return "CR3, CR4, EFER or the GDT is not below 4 GiB";
	if (!(parameters->cr4 & CR4_PAE) || !(parameters->efer & EFER_LME))
		return "long mode needs CR4.PAE and EFER.LME";
	if (parameters->stack_top & 15)
		return "the stack top is not 16-byte aligned";

	memcpy(page, template, size);
	block = page + parameters_offset;
	/* The template's far jumps hold offsets from the page's start. */
	put(block, AP_TRAMPOLINE_PROTECTED_JUMP, 4,
	    page_address + get32(block, AP_TRAMPOLINE_PROTECTED_JUMP));
	put(block, AP_TRAMPOLINE_LONG_JUMP, 4,
	    page_address + get32(block, AP_TRAMPOLINE_LONG_JUMP));
	put(block, AP_TRAMPOLINE_GDT_POINTER, 2, parameters->gdt_limit);
	put(block, AP_TRAMPOLINE_GDT_POINTER + 2, 4, parameters->gdt_base);
	put(block, AP_TRAMPOLINE_CR3, 4, parameters->cr3);
	put(block, AP_TRAMPOLINE_CR4, 4, parameters->cr4);
	put(block, AP_TRAMPOLINE_EFER, 4, parameters->efer);
	put(block, AP_TRAMPOLINE_STACK_TOP, 8, parameters->stack_top);
	put(block, AP_TRAMPOLINE_ENTRY, 8, parameters->entry);
	put(block, AP_TRAMPOLINE_ARGUMENT, 8, parameters->argument);
	return NULL;
}
