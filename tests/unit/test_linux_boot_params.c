/* The Linux boot protocol pieces the hypervisor fills in: the setup header check,
 * where the kernel, initrd and boot area go, the e820 map, and the zero page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "linux_boot_params.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What Debian's 6.1 bzImage says, in a file of 64 KiB. */
#define IMAGE_SIZE       0x10000
#define SETUP_SECTS      4
#define PAYLOAD_OFFSET   ((SETUP_SECTS + 1) * 512)
#define INIT_SIZE        0x3f98000
#define PREFERRED        (16 * MIB)
#define ALIGNMENT        (2 * MIB)

static uint8_t image[IMAGE_SIZE];
static uint8_t zero_page[LINUX_ZERO_PAGE_SIZE];

static void put(uint8_t *bytes, size_t offset, unsigned size, uint64_t value)
{
	for (unsigned i = 0; i < size; i++, value >>= 8)
		bytes[offset + i] = (uint8_t)value;
}

static uint64_t get(const uint8_t *bytes, size_t offset, unsigned size)
{
	uint64_t value = 0;

	for (unsigned i = size; i-- > 0;)
		value = value << 8 | bytes[offset + i];
	return value;
}

static void make_image(void)
{
	memset(image, 0xcc, sizeof(image));
	image[0x1f1] = SETUP_SECTS;
	put(image, 0x1fe, 2, 0xaa55);
	image[0x200] = 0xeb;
	image[0x201] = 0x6a;                    /* header ends at 0x26c */
	memcpy(image + 0x202, "HdrS", 4);
	put(image, 0x206, 2, 0x020f);
	image[0x210] = 0;                       /* type_of_loader */
	image[0x211] = 0x01;                    /* LOADED_HIGH */
	put(image, 0x218, 8, 0);                /* ramdisk image and size */
	put(image, 0x228, 4, 0);                /* cmd_line_ptr */
	put(image, 0x22c, 4, 0x7fffffff);       /* initrd_addr_max */
	put(image, 0x230, 4, ALIGNMENT);
	image[0x234] = 1;                       /* relocatable */
	put(image, 0x236, 2, 0x7f);             /* xloadflags, XLF_KERNEL_64 among them */
	put(image, 0x238, 4, 0x7ff);            /* cmdline_size */
	put(image, 0x250, 8, 0);                /* setup_data */
	put(image, 0x258, 8, PREFERRED);
	put(image, 0x260, 4, INIT_SIZE);
}

static struct linux_kernel read_image(void)
{
	struct linux_kernel kernel;

	assert_null(linux_kernel_read(image, sizeof(image), &kernel));
	return kernel;
}

static void reads_a_good_header(void **state)
{
	struct linux_kernel kernel;

	(void)state;
	make_image();
	assert_true(linux_has_magic(image, sizeof(image)));
	kernel = read_image();
	assert_int_equal(kernel.protocol, 0x020f);
	assert_int_equal(kernel.header_end, 0x26c);
	assert_int_equal(kernel.payload_offset, PAYLOAD_OFFSET);
	assert_int_equal(kernel.payload_size, IMAGE_SIZE - PAYLOAD_OFFSET);
	assert_true(kernel.relocatable);
	assert_int_equal(kernel.alignment, ALIGNMENT);
	assert_int_equal(kernel.preferred_address, PREFERRED);
	assert_int_equal(kernel.footprint, INIT_SIZE);
	assert_int_equal(kernel.initrd_address_max, 0x7fffffff);
	assert_int_equal(kernel.cmdline_size, 0x7ff);
}

/* setup_sects 0 means 4; a payload larger than init_size sets the footprint. */
static void old_conventions(void **state)
{
	struct linux_kernel kernel;

	(void)state;
	make_image();
	image[0x1f1] = 0;
	put(image, 0x260, 4, 0x1234);
	kernel = read_image();
	assert_int_equal(kernel.payload_offset, 5 * 512);
	assert_int_equal(kernel.footprint, 0x10000);   /* the payload, rounded to a page */
}

static void expect_rejected(const char *why)
{
	struct linux_kernel kernel;
	const char *error = linux_kernel_read(image, sizeof(image), &kernel);

	assert_non_null(error);
	if (!strstr(error, why))
		fail_msg("expected \"%s\", got \"%s\"", why, error);
}

static void rejects_bad_headers(void **state)
{
	struct linux_kernel kernel;

	(void)state;
	make_image();
	put(image, 0x1fe, 2, 0x55aa);
	expect_rejected("no Linux setup header");

	make_image();
	memcpy(image + 0x202, "HdrT", 4);
	assert_false(linux_has_magic(image, sizeof(image)));
	expect_rejected("no Linux setup header");

	make_image();
	put(image, 0x206, 2, 0x020b);
	expect_rejected("older than 2.12");

	make_image();
	put(image, 0x236, 2, 0x7e);
	expect_rejected("no 64-bit entry point");

	make_image();
	image[0x211] = 0;
	expect_rejected("not a bzImage");

	make_image();
	image[0x201] = 0xff;
	expect_rejected("runs into the zero page");

	make_image();
	put(image, 0x230, 4, 3 * MIB);
	expect_rejected("kernel_alignment");

	make_image();
	put(image, 0x258, 8, PREFERRED + 0x10);
	expect_rejected("pref_address");

	make_image();
	image[0x1f1] = 0xff;     /* 256 sectors of setup: longer than the file */
	expect_rejected("no protected-mode kernel");

	make_image();
	assert_non_null(linux_kernel_read(image, 0x280, &kernel));
	assert_false(linux_has_magic(image, 0x205));
}

static void assert_disjoint(const struct phys_range *a, const struct phys_range *b)
{
	assert_true(a->end <= b->start || b->end <= a->start);
}

static void assert_inside(const struct phys_range *free, size_t count,
			  const struct phys_range *range)
{
	for (size_t i = 0; i < count; i++)
		if (range->start >= free[i].start && range->end <= free[i].end)
			return;
	fail_msg("[0x%llx, 0x%llx) is not free", (unsigned long long)range->start,
		 (unsigned long long)range->end);
}

/* QEMU -m 1G, with GRUB's modules up to 12 MiB. */
static const struct phys_range qemu_free[] = {
	{ 0xc00000, 0x3ffe0000 },
};

static void places_at_the_preferred_address(void **state)
{
	struct linux_kernel kernel;
	struct linux_placement placement;

	(void)state;
	make_image();
	kernel = read_image();
	assert_null(linux_place(&kernel, 2 * MIB + 5, qemu_free, ARRAY_SIZE(qemu_free),
				&placement));
	assert_int_equal(placement.kernel.start, PREFERRED);
	assert_int_equal(placement.kernel.end, PREFERRED + INIT_SIZE);
	/* The initrd goes as high as it can, in whole pages. */
	assert_int_equal(placement.initrd.end, 0x3ffe0000);
	assert_int_equal(placement.initrd.end - placement.initrd.start, 2 * MIB + 0x1000);
	assert_int_equal(placement.boot_area.end - placement.boot_area.start,
			 LINUX_BOOT_AREA_PAGES * 4096);
	assert_int_equal(placement.boot_area.end, placement.initrd.start);
	assert_disjoint(&placement.kernel, &placement.initrd);
	assert_disjoint(&placement.kernel, &placement.boot_area);
	assert_disjoint(&placement.initrd, &placement.boot_area);
	assert_inside(qemu_free, ARRAY_SIZE(qemu_free), &placement.kernel);
	assert_inside(qemu_free, ARRAY_SIZE(qemu_free), &placement.initrd);
	assert_inside(qemu_free, ARRAY_SIZE(qemu_free), &placement.boot_area);
}

/* The preferred address is taken: a relocatable kernel goes to the lowest aligned
 * address with room for init_size; one that cannot move is refused. */
static void relocates_when_the_preferred_address_is_taken(void **state)
{
	static const struct phys_range free[] = {
		{ 0x100000, 0x1100000 },           /* 16 MiB: too small */
		{ 0x1234000, 0x1800000 },          /* too small once aligned */
		{ 0x1801000, 0x3ffe0000 },
	};
	struct linux_kernel kernel;
	struct linux_placement placement;

	(void)state;
	make_image();
	kernel = read_image();
	assert_null(linux_place(&kernel, MIB, free, ARRAY_SIZE(free), &placement));
	assert_int_equal(placement.kernel.start, 0x1a00000);
	assert_inside(free, ARRAY_SIZE(free), &placement.kernel);

	image[0x234] = 0;
	kernel = read_image();
	assert_non_null(linux_place(&kernel, MIB, free, ARRAY_SIZE(free), &placement));
}

/* The initrd stays below initrd_addr_max and clear of the kernel's footprint. */
static void initrd_respects_its_limit_and_the_kernel(void **state)
{
	static const struct phys_range free[] = {
		{ 0x100000, 0x800000 },
		{ PREFERRED, PREFERRED + INIT_SIZE + 3 * MIB },
	};
	struct linux_kernel kernel;
	struct linux_placement placement;

	(void)state;
	make_image();
	put(image, 0x22c, 4, PREFERRED + INIT_SIZE + 2 * MIB - 1);
	kernel = read_image();
	assert_null(linux_place(&kernel, MIB, free, ARRAY_SIZE(free), &placement));
	assert_int_equal(placement.initrd.end, PREFERRED + INIT_SIZE + 2 * MIB);
	assert_disjoint(&placement.kernel, &placement.initrd);
	assert_disjoint(&placement.boot_area, &placement.kernel);
	assert_disjoint(&placement.boot_area, &placement.initrd);

	/* Room only inside the kernel's footprint below the limit: refused, not
	 * overlapped. */
	put(image, 0x22c, 4, PREFERRED + INIT_SIZE - 1);
	kernel = read_image();
	assert_non_null(linux_place(&kernel, 8 * MIB, free, ARRAY_SIZE(free), &placement));
}

static void no_initrd_is_an_empty_range(void **state)
{
	struct linux_kernel kernel;
	struct linux_placement placement;

	(void)state;
	make_image();
	kernel = read_image();
	assert_null(linux_place(&kernel, 0, qemu_free, ARRAY_SIZE(qemu_free), &placement));
	assert_int_equal(placement.initrd.start, placement.initrd.end);
	assert_int_equal(placement.boot_area.end, 0x3ffe0000);
}

/* What SeaBIOS reports for -m 1G. */
static const struct mb2_memory_range qemu_map[] = {
	{ 0, 0x9fc00, MB2_MEMORY_AVAILABLE },
	{ 0x9fc00, 0x400, MB2_MEMORY_RESERVED },
	{ 0xf0000, 0x10000, MB2_MEMORY_RESERVED },
	{ MIB, 0x3fee0000, MB2_MEMORY_AVAILABLE },
	{ 0x3ffe0000, 0x20000, MB2_MEMORY_RESERVED },
	{ 0xfffc0000, 0x40000, MB2_MEMORY_RESERVED },
};

/* The hypervisor image, its arena, the securebox, TPM localities 1-4 as
 * main.c hides them; the RSDP copy as linux_boot.c types it. */
static const struct linux_e820_override hypervisor_overrides[] = {
	{ { 0x100000, 0x13a000 }, E820_RESERVED },
	{ { 0xc00000, 0xe00000 }, E820_RESERVED },
	{ { 0x5000000, 0x5400000 }, E820_RESERVED },
	{ { 0xfed41000, 0xfed45000 }, E820_RESERVED },
	{ { 0x3fdd7000, 0x3fdd8000 }, E820_ACPI },
};

static void assert_sorted_without_overlap(const struct linux_e820_entry *e820, int count)
{
	for (int i = 1; i < count; i++)
		assert_true(e820[i - 1].address + e820[i - 1].size <= e820[i].address);
}

static void e820_reserves_what_the_hypervisor_keeps(void **state)
{
	static const struct linux_e820_entry expected[] = {
		{ 0, 0x9fc00, E820_RAM },
		{ 0x9fc00, 0x400, E820_RESERVED },
		{ 0xf0000, 0x13a000 - 0xf0000, E820_RESERVED },   /* BIOS + hypervisor */
		{ 0x13a000, 0xc00000 - 0x13a000, E820_RAM },
		{ 0xc00000, 2 * MIB, E820_RESERVED },              /* arena */
		{ 0xe00000, 0x5000000 - 0xe00000, E820_RAM },
		{ 0x5000000, 4 * MIB, E820_RESERVED },             /* securebox */
		{ 0x5400000, 0x3fdd7000 - 0x5400000, E820_RAM },
		{ 0x3fdd7000, 0x1000, E820_ACPI },                 /* RSDP copy */
		{ 0x3fdd8000, 0x3ffe0000 - 0x3fdd8000, E820_RAM },
		{ 0x3ffe0000, 0x20000, E820_RESERVED },
		/* No entry for the TPM localities: device memory stays out. */
		{ 0xfffc0000, 0x40000, E820_RESERVED },
	};
	struct linux_e820_entry e820[LINUX_E820_MAX_ENTRIES];
	int count;

	(void)state;
	count = linux_e820_build(e820, ARRAY_SIZE(e820), qemu_map, ARRAY_SIZE(qemu_map),
				 hypervisor_overrides, ARRAY_SIZE(hypervisor_overrides));
	assert_int_equal(count, ARRAY_SIZE(expected));
	assert_sorted_without_overlap(e820, count);
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
		assert_int_equal(e820[i].address, expected[i].address);
		assert_int_equal(e820[i].size, expected[i].size);
		assert_int_equal(e820[i].type, expected[i].type);
	}
}

/* Firmware maps may overlap and come unsorted: the stricter type wins, and unknown
 * types are reserved. */
static void e820_resolves_overlapping_firmware_ranges(void **state)
{
	static const struct mb2_memory_range map[] = {
		{ 16 * MIB, 16 * MIB, MB2_MEMORY_AVAILABLE },
		{ 0, 2 * MIB, MB2_MEMORY_AVAILABLE },
		{ MIB, MIB, MB2_MEMORY_ACPI_RECLAIMABLE },
		{ 20 * MIB, MIB, 9 },
		{ 24 * MIB, 2 * MIB, MB2_MEMORY_BAD },
		{ 25 * MIB, MIB, MB2_MEMORY_NVS },
	};
	static const struct linux_e820_entry expected[] = {
		{ 0, MIB, E820_RAM },
		{ MIB, MIB, E820_ACPI },
		{ 16 * MIB, 4 * MIB, E820_RAM },
		{ 20 * MIB, MIB, E820_RESERVED },
		{ 21 * MIB, 3 * MIB, E820_RAM },
		{ 24 * MIB, 2 * MIB, E820_UNUSABLE },
		{ 26 * MIB, 6 * MIB, E820_RAM },
	};
	/* An override outside RAM changes nothing. */
	static const struct linux_e820_override overrides[] = {
		{ { MIB, 2 * MIB }, E820_RESERVED },
		{ { 40 * MIB, 41 * MIB }, E820_RESERVED },
	};
	struct linux_e820_entry e820[16];
	int count;

	(void)state;
	count = linux_e820_build(e820, ARRAY_SIZE(e820), map, ARRAY_SIZE(map), overrides,
				 ARRAY_SIZE(overrides));
	assert_int_equal(count, ARRAY_SIZE(expected));
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
		assert_int_equal(e820[i].address, expected[i].address);
		assert_int_equal(e820[i].size, expected[i].size);
		assert_int_equal(e820[i].type, expected[i].type);
	}
}

static void e820_refuses_to_overflow(void **state)
{
	struct linux_e820_entry e820[4];

	(void)state;
	assert_int_equal(linux_e820_build(e820, ARRAY_SIZE(e820), qemu_map, ARRAY_SIZE(qemu_map),
					  hypervisor_overrides, ARRAY_SIZE(hypervisor_overrides)),
			 -1);
}

static const struct linux_e820_entry small_e820[] = {
	{ 0, 0x9fc00, E820_RAM },
	{ MIB, GIB - MIB, E820_RAM },
};

static struct linux_boot_inputs good_inputs(void)
{
	return (struct linux_boot_inputs){
		.cmdline_address = 0x123456000ull,     /* above 4 GiB: ext_cmd_line_ptr */
		.cmdline_length = 0x7ff,
		.initrd_address = 0x3fde1000,
		.initrd_size = 0x1ee000,
		.rsdp_address = 0x3fdd7000,
		.e820 = small_e820,
		.e820_count = ARRAY_SIZE(small_e820),
	};
}

static void zero_page_has_what_the_loader_owns(void **state)
{
	struct linux_boot_inputs inputs = good_inputs();
	struct linux_kernel kernel;

	(void)state;
	make_image();
	kernel = read_image();
	memset(zero_page, 0xee, sizeof(zero_page));
	assert_null(linux_zero_page_build(zero_page, image, &kernel, &inputs));

	/* The setup header is the image's, up to its end and no further. */
	assert_memory_equal(zero_page + 0x1f1, image + 0x1f1, 0x210 - 0x1f1);
	assert_int_equal(get(zero_page, 0x206, 2), 0x020f);
	assert_int_equal(get(zero_page, 0x258, 8), PREFERRED);
	for (size_t i = 0x26c; i < 0x290; i++)
		assert_int_equal(zero_page[i], 0);

	assert_int_equal(zero_page[0x210], 0xff);
	assert_int_equal(get(zero_page, 0x228, 4), 0x23456000);
	assert_int_equal(get(zero_page, 0x0c8, 4), 0x1);
	assert_int_equal(get(zero_page, 0x218, 4), 0x3fde1000);
	assert_int_equal(get(zero_page, 0x21c, 4), 0x1ee000);
	assert_int_equal(get(zero_page, 0x0c0, 4), 0);
	assert_int_equal(get(zero_page, 0x0c4, 4), 0);
	assert_int_equal(get(zero_page, 0x070, 8), 0x3fdd7000);

	assert_int_equal(zero_page[0x1e8], 2);
	assert_int_equal(get(zero_page, 0x2d0, 8), 0);
	assert_int_equal(get(zero_page, 0x2d8, 8), 0x9fc00);
	assert_int_equal(get(zero_page, 0x2e0, 4), E820_RAM);
	assert_int_equal(get(zero_page, 0x2e4, 8), MIB);
	assert_int_equal(get(zero_page, 0x2ec, 8), GIB - MIB);
	assert_int_equal(get(zero_page, 0x2f4, 4), E820_RAM);
	assert_int_equal(zero_page[0x2f8], 0);
	/* Nothing of the screen, the EDD or the EFI fields is invented. */
	assert_int_equal(zero_page[0], 0);
	assert_int_equal(zero_page[0x1c0], 0);
}

static void zero_page_refuses_what_the_kernel_cannot_take(void **state)
{
	struct linux_boot_inputs inputs;
	struct linux_kernel kernel;

	(void)state;
	make_image();
	kernel = read_image();

	inputs = good_inputs();
	inputs.cmdline_length = 0x800;
	assert_non_null(linux_zero_page_build(zero_page, image, &kernel, &inputs));

	inputs = good_inputs();
	inputs.initrd_address = 0x7fffe000;
	inputs.initrd_size = 0x3000;
	assert_non_null(linux_zero_page_build(zero_page, image, &kernel, &inputs));

	inputs = good_inputs();
	inputs.e820_count = LINUX_E820_MAX_ENTRIES + 1;
	assert_non_null(linux_zero_page_build(zero_page, image, &kernel, &inputs));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_a_good_header),
		cmocka_unit_test(old_conventions),
		cmocka_unit_test(rejects_bad_headers),
		cmocka_unit_test(places_at_the_preferred_address),
		cmocka_unit_test(relocates_when_the_preferred_address_is_taken),
		cmocka_unit_test(initrd_respects_its_limit_and_the_kernel),
		cmocka_unit_test(no_initrd_is_an_empty_range),
		cmocka_unit_test(e820_reserves_what_the_hypervisor_keeps),
		cmocka_unit_test(e820_resolves_overlapping_firmware_ranges),
		cmocka_unit_test(e820_refuses_to_overflow),
		cmocka_unit_test(zero_page_has_what_the_loader_owns),
		cmocka_unit_test(zero_page_refuses_what_the_kernel_cannot_take),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
