// SPDX-License-Identifier: GPL-2.0
/*
 * sbx.ko: /dev/sbx, through which the commodity OS's user space reaches the sbx
 * hypervisor and its securebox (ioctls in sbx_ioctl.h). Only the kernel may make
 * hypercalls (user space gets #UD), and the hypervisor takes buffers by
 * guest-physical address: the driver stages every buffer in a page of its own,
 * whose physical address it hands over. The hypervisor maps the commodity
 * partition one to one, so virt_to_phys() is the address it expects.
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/processor.h>

#include "sbx/hypercall.h"
#include "sbx_ioctl.h"
#include "vmmcall.h"

/*
 * One page holds any message, is aligned beyond SBX_BUFFER_ALIGNMENT, and is
 * physically contiguous; DMA32 keeps it below 4 GiB, as the ABI requires.
 */
static_assert(SBX_MESSAGE_MAX <= PAGE_SIZE);
static_assert(sizeof(struct sbx_exit_stats) <= PAGE_SIZE);

static void *sbx_page(void)
{
	/* Zeroed: a short reply must not hand stale kernel memory to user space. */
	return (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA32);
}

static void sbx_page_free(void *page)
{
	free_page((unsigned long)page);
}

static bool sbx_size_ok(u32 size)
{
	return size >= 1 && size <= SBX_MESSAGE_MAX;
}

static long sbx_securebox_call(struct sbx_ioc_call __user *argp)
{
	struct sbx_hypercall_result result;
	struct sbx_ioc_call call;
	void *request, *response;
	long err = -ENOMEM;

	if (copy_from_user(&call, argp, sizeof(call)))
		return -EFAULT;
	if (!sbx_size_ok(call.request_size) || !sbx_size_ok(call.response_capacity))
		return -EINVAL;

	request = sbx_page();
	response = sbx_page();
	if (!request || !response)
		goto out;
	err = -EFAULT;
	if (copy_from_user(request, u64_to_user_ptr(call.request), call.request_size))
		goto out;

	result = sbx_vmmcall(SBX_HC_SECUREBOX_CALL, virt_to_phys(request), call.request_size,
			     virt_to_phys(response), call.response_capacity);
	call.status = result.status;
	call.response_size = 0;
	if (result.status == SBX_OK) {
		/* The hypervisor bounds it; a driver trusts no size it did not check. */
		if (result.out0 > call.response_capacity) {
			err = -EIO;
			goto out;
		}
		call.response_size = result.out0;
		if (copy_to_user(u64_to_user_ptr(call.response), response, call.response_size))
			goto out;
	}
	err = copy_to_user(argp, &call, sizeof(call)) ? -EFAULT : 0;
out:
	sbx_page_free(request);
	sbx_page_free(response);
	return err;
}

static long sbx_event_log(struct sbx_ioc_event_log __user *argp)
{
	struct sbx_hypercall_result result;
	struct sbx_ioc_event_log log;
	void *buffer;
	long err = -EFAULT;

	if (copy_from_user(&log, argp, sizeof(log)))
		return -EFAULT;
	if (!sbx_size_ok(log.capacity))
		return -EINVAL;
	buffer = sbx_page();
	if (!buffer)
		return -ENOMEM;

	result = sbx_vmmcall(SBX_HC_EVENT_LOG_READ, virt_to_phys(buffer), log.capacity,
			     log.offset, 0);
	log.status = result.status;
	log.copied = 0;
	log.log_size = 0;
	if (result.status == SBX_OK) {
		if (result.out0 > log.capacity || result.out1 > U32_MAX) {
			err = -EIO;
			goto out;
		}
		log.copied = result.out0;
		log.log_size = result.out1;
		if (copy_to_user(u64_to_user_ptr(log.buffer), buffer, log.copied))
			goto out;
	}
	err = copy_to_user(argp, &log, sizeof(log)) ? -EFAULT : 0;
out:
	sbx_page_free(buffer);
	return err;
}

static long sbx_exit_stats(struct sbx_ioc_exit_stats __user *argp)
{
	struct sbx_hypercall_result result;
	struct sbx_ioc_exit_stats stats;
	void *buffer;
	long err = -EFAULT;

	if (copy_from_user(&stats, argp, sizeof(stats)))
		return -EFAULT;
	if (stats.capacity < sizeof(struct sbx_exit_stats))
		return -EINVAL;
	buffer = sbx_page();
	if (!buffer)
		return -ENOMEM;

	result = sbx_vmmcall(SBX_HC_EXIT_STATS, virt_to_phys(buffer),
			     sizeof(struct sbx_exit_stats), 0, 0);
	stats.status = result.status;
	stats.size = 0;
	if (result.status == SBX_OK) {
		if (result.out0 > sizeof(struct sbx_exit_stats)) {
			err = -EIO;
			goto out;
		}
		stats.size = result.out0;
		if (copy_to_user(u64_to_user_ptr(stats.stats), buffer, stats.size))
			goto out;
	}
	err = copy_to_user(argp, &stats, sizeof(stats)) ? -EFAULT : 0;
out:
	sbx_page_free(buffer);
	return err;
}

static long sbx_version(struct sbx_ioc_version __user *argp)
{
	struct sbx_hypercall_result result = sbx_vmmcall(SBX_HC_VERSION, 0, 0, 0, 0);
	struct sbx_ioc_version version = {
		.status = result.status,
		.abi_version = result.status == SBX_OK ? result.out0 : 0,
		.hypervisor_version = result.status == SBX_OK ? result.out1 : 0,
	};

	return copy_to_user(argp, &version, sizeof(version)) ? -EFAULT : 0;
}

static long sbx_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case SBX_IOC_SECUREBOX_CALL:
		return sbx_securebox_call(argp);
	case SBX_IOC_EVENT_LOG:
		return sbx_event_log(argp);
	case SBX_IOC_EXIT_STATS:
		return sbx_exit_stats(argp);
	case SBX_IOC_VERSION:
		return sbx_version(argp);
	}
	return -ENOTTY;
}

static const struct file_operations sbx_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = sbx_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/* Root only (the misc default, 0600): the securebox's keys serve the machine. */
static struct miscdevice sbx_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "sbx",
	.fops = &sbx_fops,
};

/* The hypervisor's CPUID leaf: EBX, ECX, EDX spell this signature. */
#define SBX_CPUID_LEAF      0x40000000
#define SBX_CPUID_SIGNATURE "sbxsbxsbxsbx"

static bool sbx_present(void)
{
	u32 eax, signature[3];

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(SBX_CPUID_LEAF, &eax, &signature[0], &signature[1], &signature[2]);
	return !memcmp(signature, SBX_CPUID_SIGNATURE, sizeof(signature));
}

static int __init sbx_init(void)
{
	struct sbx_hypercall_result result;

	/* VMMCALL under another hypervisor, or none, is not ours to make. */
	if (!sbx_present())
		return -ENODEV;
	result = sbx_vmmcall(SBX_HC_VERSION, 0, 0, 0, 0);
	if (result.status != SBX_OK || result.out0 != SBX_HYPERCALL_ABI_VERSION) {
		pr_err("sbx: hypercall ABI %llu, status %ld; this driver speaks %u\n",
		       result.out0, result.status, SBX_HYPERCALL_ABI_VERSION);
		return -ENODEV;
	}
	return misc_register(&sbx_device);
}

static void __exit sbx_exit(void)
{
	misc_deregister(&sbx_device);
}

module_init(sbx_init);
module_exit(sbx_exit);
MODULE_DESCRIPTION("sbx hypervisor and securebox interface");
MODULE_LICENSE("GPL");
