// SPDX-License-Identifier: GPL-2.0-only
/*
 * unmapped_pfnmap.c - test-only module: which page frames a process's page
 * tables map at given user addresses, read from the PTEs themselves.
 *
 * /proc/PID/pagemap cannot answer this for /dev/unmapped memory:
 * walk_page_range() treats VM_PFNMAP mappings as holes, so pagemap reports
 * them as not present, even to root. The user-path selftests need the pfns,
 * found independently of unmapped.ko's own bookkeeping, to ask the direct
 * map about them (unmapped_test.ko's pfn_state). This module does not use
 * unmapped.ko at all.
 *
 * Interface: /sys/kernel/debug/unmapped_pfnmap/ptes (root)
 *   write "PID ADDR COUNT" (ADDR page aligned, decimal or 0x hex,
 *   COUNT <= 1048576), then read one line per page:
 *   "ADDR PFN" (both hex), or "ADDR none" when nothing present maps it
 *   (see ktest_follow_pfn(); hugetlb mappings always read "none").
 *   Errors come back from the write: ESRCH (no such process or no mm),
 *   EFAULT (a page outside any VMA), EINVAL (bad syntax or count).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ktest_compat.h"

#define PM_MAX_PAGES	(1UL << 20)
#define PM_NONE		(~0UL)

static DEFINE_MUTEX(pm_lock);		/* the last query and its answer */
static struct dentry *pm_dir;
static unsigned long pm_addr, pm_count;
static unsigned long *pm_pfns;		/* PM_NONE: no present PTE */

/* Fill @pfns from @mm's page tables; the mmap_lock keeps them stable. */
static int pm_walk(struct mm_struct *mm, unsigned long addr,
		   unsigned long count, unsigned long *pfns)
{
	unsigned long i;
	int err = 0;

	mmap_read_lock(mm);
	for (i = 0; i < count; i++) {
		unsigned long a = addr + i * PAGE_SIZE;
		struct vm_area_struct *vma = vma_lookup(mm, a);

		if (!vma) {
			err = -EFAULT;
			break;
		}
		if (is_vm_hugetlb_page(vma) ||
		    ktest_follow_pfn(vma, a, &pfns[i]))
			pfns[i] = PM_NONE;
	}
	mmap_read_unlock(mm);
	return err;
}

static int pm_query(pid_t nr, unsigned long addr, unsigned long count)
{
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long *pfns;
	struct pid *pid;
	int err;

	if (!count || count > PM_MAX_PAGES || !PAGE_ALIGNED(addr) ||
	    addr + count * PAGE_SIZE < addr)
		return -EINVAL;

	pid = find_get_pid(nr);
	task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	if (!task)
		return -ESRCH;
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm)
		return -ESRCH;

	pfns = kvmalloc_array(count, sizeof(*pfns), GFP_KERNEL);
	if (!pfns) {
		err = -ENOMEM;
		goto out_mmput;
	}
	err = pm_walk(mm, addr, count, pfns);
	if (err) {
		kvfree(pfns);
		goto out_mmput;
	}
	kvfree(pm_pfns);
	pm_pfns = pfns;
	pm_addr = addr;
	pm_count = count;
out_mmput:
	mmput(mm);
	return err;
}

static ssize_t pm_write(struct file *file, const char __user *ubuf,
			size_t len, loff_t *ppos)
{
	unsigned long addr, count;
	char buf[96];
	int nr, err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%d %li %li", &nr, &addr, &count) != 3)
		return -EINVAL;

	mutex_lock(&pm_lock);
	err = pm_query(nr, addr, count);
	mutex_unlock(&pm_lock);
	return err ? err : len;
}

static int pm_show(struct seq_file *m, void *v)
{
	unsigned long i;

	mutex_lock(&pm_lock);
	for (i = 0; i < pm_count; i++) {
		unsigned long a = pm_addr + i * PAGE_SIZE;

		if (pm_pfns[i] == PM_NONE)
			seq_printf(m, "%#lx none\n", a);
		else
			seq_printf(m, "%#lx %#lx\n", a, pm_pfns[i]);
	}
	mutex_unlock(&pm_lock);
	return 0;
}

static int pm_open(struct inode *inode, struct file *file)
{
	/* Up to 1M lines of ~30 bytes: let seq_file grow its buffer. */
	return single_open_size(file, pm_show, NULL,
				min_t(size_t, (pm_count + 1) * 32, 32 << 20));
}

static const struct file_operations pm_fops = {
	.owner = THIS_MODULE,
	.open = pm_open,
	.read = seq_read,
	.write = pm_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init pm_init(void)
{
	pm_dir = debugfs_create_dir("unmapped_pfnmap", NULL);
	debugfs_create_file("ptes", 0600, pm_dir, NULL, &pm_fops);
	return 0;
}

static void __exit pm_exit(void)
{
	debugfs_remove_recursive(pm_dir);
	kvfree(pm_pfns);
}

module_init(pm_init);
module_exit(pm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("unmapped test: page frames behind a process's user addresses");
