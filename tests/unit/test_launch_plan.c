/* The launch plan and record format that hv and sbx-measure share, and the ELF
 * segment sbx-measure hashes as the hypervisor image. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "elf_image.h"
#include "launch_plan.h"

static void plan_order_matches_security_md(void **state)
{
	static const struct { uint32_t pcr, type, component; } expected[] = {
		{ 17, SBX_EV_EVENT_TAG, SBX_COMPONENT_HYPERVISOR },
		{ 17, SBX_EV_EVENT_TAG, SBX_COMPONENT_POLICY },
		{ 18, SBX_EV_EVENT_TAG, SBX_COMPONENT_SECUREBOX },
		{ 19, SBX_EV_EVENT_TAG, SBX_COMPONENT_KERNEL },
		{ 19, SBX_EV_EVENT_TAG, SBX_COMPONENT_INITRD },
		{ 19, SBX_EV_EVENT_TAG, SBX_COMPONENT_CMDLINE },
		{ 18, SBX_EV_EVENT_TAG, SBX_COMPONENT_SECUREBOX_KEY },
		{ 17, SBX_EV_SEPARATOR, 0 },
		{ 18, SBX_EV_SEPARATOR, 0 },
		{ 19, SBX_EV_SEPARATOR, 0 },
	};

	(void)state;
	assert_int_equal(launch_plan_length, sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 0; i < launch_plan_length; i++) {
		assert_int_equal(launch_plan[i].pcr, expected[i].pcr);
		assert_int_equal(launch_plan[i].event_type, expected[i].type);
		if (expected[i].type == SBX_EV_EVENT_TAG)
			assert_int_equal(launch_plan[i].component, expected[i].component);
	}
}

static void record_bytes(void **state)
{
	struct sbx_measurement_record record;
	uint8_t digest[32], bytes[64];

	(void)state;
	for (int i = 0; i < 32; i++)
		digest[i] = (uint8_t)i;
	launch_record_build(&record, SBX_COMPONENT_POLICY, digest, 0x0102030405060708ull);
	memcpy(bytes, &record, sizeof(bytes));
	/* taggedEventID "SBX"+2, little-endian; taggedEventDataSize 56 */
	static const uint8_t head[8] = { 0x02, 0x58, 0x42, 0x53, 56, 0, 0, 0 };
	assert_memory_equal(bytes, head, 8);
	assert_memory_equal(bytes + 8, digest, 32);
	static const uint8_t size[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	assert_memory_equal(bytes + 40, size, 8);
	static const char name[16] = "policy";
	assert_memory_equal(bytes + 48, name, 16);
}

static void names_are_distinct_and_fit(void **state)
{
	enum sbx_component all[] = { SBX_COMPONENT_HYPERVISOR, SBX_COMPONENT_POLICY,
				     SBX_COMPONENT_SECUREBOX, SBX_COMPONENT_KERNEL,
				     SBX_COMPONENT_INITRD, SBX_COMPONENT_CMDLINE,
				     SBX_COMPONENT_SECUREBOX_KEY };

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		assert_true(strlen(launch_component_name(all[i])) < SBX_COMPONENT_NAME_SIZE);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(launch_component_name(all[i]),
						launch_component_name(all[j]));
	}
}

struct test_elf {
	Elf64_Ehdr header;
	Elf64_Phdr segments[2];
	uint8_t contents[64];
};

static void make_elf(struct test_elf *elf)
{
	memset(elf, 0, sizeof(*elf));
	memcpy(elf->header.e_ident, ELFMAG, SELFMAG);
	elf->header.e_ident[EI_CLASS] = ELFCLASS64;
	elf->header.e_ident[EI_DATA] = ELFDATA2LSB;
	elf->header.e_machine = EM_X86_64;
	elf->header.e_type = ET_EXEC;
	elf->header.e_entry = 0x100000;
	elf->header.e_phoff = offsetof(struct test_elf, segments);
	elf->header.e_phentsize = sizeof(Elf64_Phdr);
	elf->header.e_phnum = 2;
	elf->segments[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
					 .p_offset = offsetof(struct test_elf, contents),
					 .p_vaddr = 0x100000, .p_paddr = 0x100000,
					 .p_filesz = 64, .p_memsz = 64 };
	elf->segments[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
					 .p_vaddr = 0x101000, .p_paddr = 0x101000,
					 .p_filesz = 0, .p_memsz = 4096 };
	memset(elf->contents, 0xab, sizeof(elf->contents));
}

static void elf_image_is_the_one_loaded_segment(void **state)
{
	struct test_elf elf;
	const uint8_t *image;
	size_t size;
	const char *error;

	(void)state;
	make_elf(&elf);
	assert_int_equal(elf_loaded_image((uint8_t *)&elf, sizeof(elf), &image, &size, &error), 0);
	assert_ptr_equal(image, elf.contents);
	assert_int_equal(size, 64);
}

static void elf_image_rejects_bad_files(void **state)
{
	struct test_elf elf;
	const uint8_t *image;
	size_t size;
	const char *error;

	(void)state;
	make_elf(&elf);
	elf.segments[1].p_filesz = 8;   /* two segments with contents */
	assert_int_equal(elf_loaded_image((uint8_t *)&elf, sizeof(elf), &image, &size, &error), -1);

	make_elf(&elf);
	elf.segments[0].p_filesz = 65;  /* past the end of the file */
	elf.segments[0].p_memsz = 65;
	assert_int_equal(elf_loaded_image((uint8_t *)&elf, sizeof(elf), &image, &size, &error), -1);

	make_elf(&elf);
	elf.header.e_phnum = 1000;      /* program headers past the end */
	assert_int_equal(elf_loaded_image((uint8_t *)&elf, sizeof(elf), &image, &size, &error), -1);

	make_elf(&elf);
	elf.header.e_machine = EM_386;
	assert_int_equal(elf_loaded_image((uint8_t *)&elf, sizeof(elf), &image, &size, &error), -1);

	for (size_t length = 0; length < sizeof(elf); length++) {
		make_elf(&elf);
		if (elf_loaded_image((uint8_t *)&elf, length, &image, &size, &error) == 0)
			assert_true(image + size <= (uint8_t *)&elf + length);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_order_matches_security_md),
		cmocka_unit_test(record_bytes),
		cmocka_unit_test(names_are_distinct_and_fit),
		cmocka_unit_test(elf_image_is_the_one_loaded_segment),
		cmocka_unit_test(elf_image_rejects_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
