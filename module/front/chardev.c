// SPDX-License-Identifier: GPL-2.0-only
/*
 * chardev.c - /dev/unmapped: the misc device, its ioctls and mmap.
 *
 * The ABI and its semantics are in include/uapi/linux/unmapped.h; regions
 * themselves live in region.c. This file checks what the caller sent,
 * turns it into a region request and copies the answer back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/unmapped.h>

#include "chardev.h"
#include "compat.h"
#include "core_api.h"
#include "platform.h"
#include "region.h"
#include "secretfile.h"

static ushort dev_mode = 0600;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Permissions of /dev/unmapped (default 0600)");

static ulong max_file_bytes;
module_param(max_file_bytes, ulong, 0644);
MODULE_PARM_DESC(max_file_bytes,
		 "Most bytes one open /dev/unmapped may hold (0 = no cap)");

static unsigned int max_region_blocks = UNMAPPED_MAX_REGION_BLOCKS;

static int um_param_set_max_blocks(const char *val,
				   const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, UNMAPPED_MAX_REGION_BLOCKS);
}

static const struct kernel_param_ops um_param_max_blocks_ops = {
	.set = um_param_set_max_blocks,
	.get = param_get_uint,
};
module_param_cb(max_region_blocks, &um_param_max_blocks_ops,
		&max_region_blocks, 0644);
MODULE_PARM_DESC(max_region_blocks,
		 "Test only: most blocks one region may be made of, 1 to UNMAPPED_MAX_REGION_BLOCKS (the default); lowered by tests to reach ALLOC's EFBIG");

#define UM_ALLOC_FLAGS		(UNMAPPED_ALLOC_BLOCK | UNMAPPED_ALLOC_THISNODE)
#define UM_ALLOC_MAX_ORDER	(UM_NR_PAGE_ORDERS - 1)

static_assert(sizeof(struct unmapped_info) == UNMAPPED_INFO_SIZE_VER1);
static_assert(sizeof(struct unmapped_alloc) == UNMAPPED_ALLOC_SIZE_VER0);
static_assert(sizeof(struct unmapped_free) == UNMAPPED_FREE_SIZE_VER0);
static_assert(sizeof(struct unmapped_region) == UNMAPPED_REGION_SIZE_VER0);
static_assert(sizeof(struct unmapped_query) == UNMAPPED_QUERY_SIZE_VER0);
static_assert(sizeof(struct unmapped_secret) == UNMAPPED_SECRET_SIZE_VER0);
static_assert((int)UNMAPPED_BACKEND_RANGE == (int)UM_BACKEND_RANGE);
static_assert((int)UNMAPPED_BACKEND_PAGE == (int)UM_BACKEND_PAGE);
static_assert(UM_ID_MAX <= U32_MAX);
/* The largest region in 2 MiB blocks never reaches the cap... */
static_assert((UM_REGION_MAX_BYTES >> PMD_SHIFT) <= UNMAPPED_MAX_REGION_BLOCKS);
/* ... and the cap keeps the block array far below kvmalloc()'s INT_MAX. */
static_assert(UNMAPPED_MAX_REGION_BLOCKS * sizeof(unsigned long) <= SZ_16M);

static struct um_cache *um_chardev_cache;

/*
 * Copy an ioctl argument in: @usize (its first field) must be the size the
 * command number carries and at least the first version's; bytes beyond
 * what this kernel knows must be zero (copy_struct_from_user()).
 */
static int um_arg_in(void *karg, size_t ksize, size_t ver0, unsigned int cmd,
		     const void __user *uarg, u32 *usize)
{
	int err;

	if (get_user(*usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (*usize != _IOC_SIZE(cmd) || *usize < ver0)
		return -EINVAL;
	err = copy_struct_from_user(karg, ksize, uarg, *usize);
	return err;
}

static int um_arg_out(void __user *uarg, const void *karg, size_t ksize,
		      u32 usize)
{
	return copy_to_user(uarg, karg, min_t(size_t, ksize, usize)) ?
		-EFAULT : 0;
}

static long um_ioc_info(unsigned int cmd, void __user *uarg)
{
	struct unmapped_info info;
	struct um_config cfg;
	u32 usize;
	int err;

	err = um_arg_in(&info, sizeof(info), UNMAPPED_INFO_SIZE_VER0, cmd,
			uarg, &usize);
	if (err)
		return err;

	um_cache_get_config(um_chardev_cache, &cfg);
	info.abi_version = UNMAPPED_ABI_VERSION;
	info.page_size = PAGE_SIZE;
	info.max_order = UM_ALLOC_MAX_ORDER;
	info.backend = cfg.backend;
	info.nr_nodes = nr_node_ids;
	info.max_file_bytes = READ_ONCE(max_file_bytes);
	info.max_region_bytes = UM_REGION_MAX_BYTES;
	info.features = UNMAPPED_FEATURE_SECRET;
	return um_arg_out(uarg, &info, sizeof(info), usize);
}

/* Turn ALLOC's arguments into a region request, or say why not. */
static int um_alloc_req(const struct unmapped_alloc *a,
			struct um_region_req *req)
{
	if (a->flags & ~UM_ALLOC_FLAGS)
		return -EINVAL;

	if (a->flags & UNMAPPED_ALLOC_BLOCK) {
		if (a->length || a->order > UM_ALLOC_MAX_ORDER)
			return -EINVAL;
		req->nr_pages = 1UL << a->order;
		req->max_order = a->order;
		req->exact = true;
	} else {
		if (a->order || !a->length || !PAGE_ALIGNED(a->length) ||
		    a->length > UM_REGION_MAX_BYTES)
			return -EINVAL;
		req->nr_pages = a->length >> PAGE_SHIFT;
		req->max_order = UM_ALLOC_MAX_ORDER;
		req->exact = false;
	}

	if (a->node != NUMA_NO_NODE &&
	    (a->node < 0 || a->node >= nr_node_ids ||
	     !node_state(a->node, N_MEMORY)))
		return -EINVAL;
	/* "The caller's node" is the nearest with memory, for THISNODE too. */
	req->nid = a->node == NUMA_NO_NODE ? um_local_memory_node() : a->node;
	req->thisnode = a->flags & UNMAPPED_ALLOC_THISNODE;

	/* More than all of RAM can never succeed: do not reclaim trying. */
	if (req->nr_pages > totalram_pages())
		return -ENOMEM;
	req->max_blocks = READ_ONCE(max_region_blocks);
	req->cap_pages = READ_ONCE(max_file_bytes) >> PAGE_SHIFT;
	if (READ_ONCE(max_file_bytes) && !req->cap_pages)
		return -ENOSPC;
	return 0;
}

static long um_ioc_alloc(struct um_file *f, unsigned int cmd,
			 void __user *uarg)
{
	struct unmapped_alloc a;
	struct um_region_req req;
	struct um_region *r;
	u32 usize;
	int err;

	err = um_arg_in(&a, sizeof(a), UNMAPPED_ALLOC_SIZE_VER0, cmd, uarg,
			&usize);
	if (err)
		return err;
	err = um_alloc_req(&a, &req);
	if (err)
		return err;
	r = um_region_alloc(f, &req);
	if (IS_ERR(r))
		return PTR_ERR(r);
	/*
	 * From here another thread may FREE the new id (ids are predictable):
	 * the reply is read from our own reference, and while we hold it @r
	 * cannot be freed and reused, so "still @r" below cannot be fooled.
	 */
	err = um_region_publish(f, r);
	if (err)
		goto out_put;

	a.length = (u64)r->nr_pages << PAGE_SHIFT;
	a.id = r->id;
	a.offset = um_region_offset(r);
	err = um_arg_out(uarg, &a, sizeof(a), usize);
	if (err)
		um_region_unpublish(f, a.id, current->mm, r);
out_put:
	um_region_put(r);
	return err;
}

static long um_ioc_free(struct um_file *f, unsigned int cmd,
			void __user *uarg)
{
	struct unmapped_free fr;
	u32 usize;
	int err;

	err = um_arg_in(&fr, sizeof(fr), UNMAPPED_FREE_SIZE_VER0, cmd, uarg,
			&usize);
	if (err)
		return err;
	if (fr.flags)
		return -EINVAL;
	return um_region_unpublish(f, fr.id, current->mm, NULL);
}

static long um_ioc_region(struct um_file *f, unsigned int cmd,
			  void __user *uarg)
{
	struct unmapped_region rg;
	struct um_region *r;
	u32 usize;
	int err;

	err = um_arg_in(&rg, sizeof(rg), UNMAPPED_REGION_SIZE_VER0, cmd, uarg,
			&usize);
	if (err)
		return err;
	if (rg.flags)
		return -EINVAL;

	r = um_region_get(f, rg.id, current->mm);
	if (!r)
		return -ENOENT;
	rg.length = (u64)r->nr_pages << PAGE_SHIFT;
	rg.offset = um_region_offset(r);
	rg.nr_blocks = r->nr_blocks;
	rg.max_block_order = r->max_order;
	rg.node = r->nid;
	rg.mapped = atomic_read(&r->mapped);
	/* Physical addresses help attacks (rowhammer): as /proc/PID/pagemap. */
	if (capable(CAP_SYS_ADMIN)) {
		rg.min_pfn = r->min_pfn;
		rg.end_pfn = r->end_pfn;
	} else {
		rg.min_pfn = 0;
		rg.end_pfn = 0;
	}
	um_region_put(r);
	return um_arg_out(uarg, &rg, sizeof(rg), usize);
}

static long um_ioc_query(struct um_file *f, unsigned int cmd,
			 void __user *uarg)
{
	struct unmapped_query q;
	u64 pages, pending;
	u32 usize;
	int err;

	err = um_arg_in(&q, sizeof(q), UNMAPPED_QUERY_SIZE_VER0, cmd, uarg,
			&usize);
	if (err)
		return err;
	if (q.flags)
		return -EINVAL;

	um_file_usage(f, &q.regions, &pages, &pending);
	q.bytes = pages << PAGE_SHIFT;
	q.pending_bytes = pending << PAGE_SHIFT;
	return um_arg_out(uarg, &q, sizeof(q), usize);
}

/*
 * The reply names the descriptor, so it is copied out before the file is
 * installed: a bad pointer then undoes everything (EFAULT, no descriptor
 * left behind), as memfd_secret() leaves none on failure.
 */
static long um_ioc_secret(unsigned int cmd, void __user *uarg)
{
	struct unmapped_secret sec;
	struct file *file;
	u32 usize;
	int fd, err;

	err = um_arg_in(&sec, sizeof(sec), UNMAPPED_SECRET_SIZE_VER0, cmd,
			uarg, &usize);
	if (err)
		return err;
	if ((sec.flags & ~O_CLOEXEC) || sec.reserved)
		return -EINVAL;

	fd = get_unused_fd_flags(sec.flags & O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = um_secret_file_create();
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto err_put_fd;
	}
	sec.fd = fd;
	err = um_arg_out(uarg, &sec, sizeof(sec), usize);
	if (err) {
		fput(file);
		goto err_put_fd;
	}
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
	return err;
}

static long um_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct um_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (_IOC_TYPE(cmd) != UNMAPPED_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(UNMAPPED_IOC_INFO):
		return um_ioc_info(cmd, uarg);
	case _IOC_NR(UNMAPPED_IOC_ALLOC):
		return um_ioc_alloc(f, cmd, uarg);
	case _IOC_NR(UNMAPPED_IOC_FREE):
		return um_ioc_free(f, cmd, uarg);
	case _IOC_NR(UNMAPPED_IOC_REGION):
		return um_ioc_region(f, cmd, uarg);
	case _IOC_NR(UNMAPPED_IOC_QUERY):
		return um_ioc_query(f, cmd, uarg);
	case _IOC_NR(UNMAPPED_IOC_SECRET):
		return um_ioc_secret(cmd, uarg);
	default:
		return -ENOTTY;
	}
}

static int um_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct um_file *f = file->private_data;
	struct um_region *r;
	int err;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (vma->vm_pgoff & ((1UL << (UM_OFFSET_SHIFT - PAGE_SHIFT)) - 1))
		return -ENXIO;

	r = um_region_get(f, vma->vm_pgoff >> (UM_OFFSET_SHIFT - PAGE_SHIFT),
			  vma->vm_mm);
	if (!r)
		return -ENXIO;
	if (vma_pages(vma) != r->nr_pages) {
		err = -EINVAL;
		goto err_put;
	}
	err = um_region_map(r, vma);
	if (err)
		goto err_put;
	return 0;

err_put:
	um_region_put(r);
	return err;
}

static int um_open(struct inode *inode, struct file *file)
{
	struct um_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	um_file_init(f);
	file->private_data = f;
	return 0;
}

static int um_release(struct inode *inode, struct file *file)
{
	struct um_file *f = file->private_data;

	um_file_release(f);
	return 0;
}

static const struct file_operations um_fops = {
	.owner = THIS_MODULE,
	.open = um_open,
	.release = um_release,
	.unlocked_ioctl = um_ioctl,
	.mmap = um_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice um_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "unmapped",
	.fops = &um_fops,
};

/**
 * um_chardev_init() - register /dev/unmapped.
 * @cache: the module's cache (INFO reports its backend); it must outlive
 *         the device: call um_chardev_exit() before destroying it.
 *
 * Return: 0, -EINVAL (bad dev_mode parameter) or misc_register()'s error.
 */
int um_chardev_init(struct um_cache *cache)
{
	int err;

	if (dev_mode & ~0777) {
		pr_err("dev_mode=%#o: only permission bits (0..0777) allowed\n",
		       dev_mode);
		return -EINVAL;
	}
	um_chardev_cache = cache;
	um_misc.mode = dev_mode;
	err = misc_register(&um_misc);
	if (err)
		pr_err("cannot register /dev/unmapped: %d\n", err);
	return err;
}

/**
 * um_chardev_exit() - unregister /dev/unmapped.
 *
 * No region can exist by now: an open file or a mapping holds the module.
 * Processes that allocated still have its mmu_notifier: drop them all.
 */
void um_chardev_exit(void)
{
	misc_deregister(&um_misc);
	um_owners_exit();
}
