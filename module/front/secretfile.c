// SPDX-License-Identifier: GPL-2.0-only
/*
 * secretfile.c - secret files: memfd_secret(2)'s semantics, pages from the
 * cache.
 *
 * memfd_secret() takes every page from the page allocator and removes it
 * from the direct map alone, which splits the 2M mapping around it and
 * flushes the TLB of every CPU. A secret file takes order-0 pages from the
 * cache instead, carved from blocks that left the direct map whole: 4 MiB
 * ones for a file of at least 4 MiB (UM_ALLOC_BULK), as a region of that
 * size gets, else the cache's usual 2 MiB.
 *
 * What memfd_secret promises, and how it is kept here:
 *  - ftruncate() sets the size once (inode_operations.setattr below);
 *  - mmap(MAP_SHARED) only, never executable (the noexec superblock and
 *    VM_MAYEXEC cleared);
 *  - a page is allocated, zeroed, on the first touch of its offset (.fault)
 *    and charged then to the creator's locked_vm against the toucher's
 *    RLIMIT_MEMLOCK, exactly as mm/secretmem.c charges (no CAP_IPC_LOCK
 *    exemption there either);
 *  - get_user_pages(), /proc/PID/mem, process_vm_readv() and ptrace find
 *    nothing: the pages are mapped by frame (VM_PFNMAP | VM_IO, special
 *    PTEs that GUP-fast skips too) and there is no .access;
 *  - every page goes back to the cache when the file is released: each VMA
 *    holds the file, so by then nothing maps them (fork() copies the PTEs
 *    into VMAs that hold the file as well).
 * The file lives on a private pseudo filesystem, as secretmem's does, so
 * that ftruncate() has a regular inode of its own to work on.
 *
 * Locking: the page table of a file (@pages) is an xarray; two faults on
 * the same offset race through xa_cmpxchg() and the loser frees its page.
 * Nothing else changes a file's pages before release.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/unmapped.h>
#include <linux/xarray.h>

#include "compat.h"
#include "front.h"
#include "obs_stats.h"
#include "platform.h"
#include "secretfile.h"

#define UM_SECRET_MAGIC		0x756d7363	/* "umsc" */

/*
 * As an anonymous or secretmem fault allocates: the memcg charge and,
 * failing that, the OOM killer, since a fault has no errno to return.
 */
#define UM_SECRET_GFP		GFP_KERNEL_ACCOUNT

struct um_secret {
	struct xarray pages;		/* page offset -> struct page */
	struct user_struct *user;	/* the creator: charged per page */
	atomic_long_t nr_charged;	/* pages in @pages */
};

/* Files alive now: hibernation is refused while there is one (pm.c). */
static atomic_t um_secret_files = ATOMIC_INIT(0);
static atomic64_t um_secret_created = ATOMIC64_INIT(0);
static atomic64_t um_secret_pages = ATOMIC64_INIT(0);
static struct vfsmount *um_secret_mnt;

/** um_secret_active() - whether any secret file exists now. */
bool um_secret_active(void)
{
	return atomic_read(&um_secret_files) > 0;
}

/** um_secret_stats() - fill the secret_* shim counters of @v. [atomic] */
void um_secret_stats(u64 *v)
{
	v[UM_SHIM_STAT_secret_files] = atomic_read(&um_secret_files);
	v[UM_SHIM_STAT_secret_files_created] = atomic64_read(&um_secret_created);
	v[UM_SHIM_STAT_secret_pages] = atomic64_read(&um_secret_pages);
}

/* One page more on @s->user's locked_vm, if the toucher's limit allows. */
static bool um_secret_charge(struct um_secret *s)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned long cur = atomic_long_read(&s->user->locked_vm);

	do {
		if (cur >= limit)
			return false;
	} while (!atomic_long_try_cmpxchg(&s->user->locked_vm, &cur, cur + 1));
	return true;
}

static void um_secret_uncharge(struct um_secret *s, unsigned long nr)
{
	atomic_long_sub(nr, &s->user->locked_vm);
}

/*
 * A file this large fills from 4 MiB refills: memfd_secret's users map
 * and touch the whole file, so half the direct-map changes and flushes.
 */
#define UM_SECRET_BULK_BYTES	((loff_t)PAGE_SIZE << (UM_MAX_ORDER - 1))

/* The page at @idx, taken from the cache if it has none yet. */
static vm_fault_t um_secret_page(struct um_secret *s, pgoff_t idx, bool bulk,
				 struct page **pagep)
{
	struct page *page, *old;

	page = xa_load(&s->pages, idx);
	if (page)
		goto out;

	if (!um_secret_charge(s))
		return VM_FAULT_SIGBUS;
	if (bulk)
		page = um_pages_alloc_bulk(um_local_memory_node(),
					   UM_SECRET_GFP, 0);
	else
		page = unmapped_pages_alloc_node(um_local_memory_node(),
						 UM_SECRET_GFP, 0);
	if (!page) {
		um_secret_uncharge(s, 1);
		return VM_FAULT_OOM;
	}
	old = xa_cmpxchg(&s->pages, idx, NULL, page, GFP_KERNEL_ACCOUNT);
	if (old) {
		/* Another fault of this offset won, or no memory for the slot. */
		unmapped_pages_free(page, 0);
		um_secret_uncharge(s, 1);
		if (xa_is_err(old))
			return vmf_error(xa_err(old));
		page = old;
	} else {
		atomic_long_inc(&s->nr_charged);
		atomic64_inc(&um_secret_pages);
	}
out:
	*pagep = page;
	return 0;
}

static vm_fault_t um_secret_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct um_secret *s = vma->vm_file->private_data;
	loff_t size = i_size_read(file_inode(vma->vm_file));
	struct page *page;
	vm_fault_t ret;

	/* As secretmem: no page at or past the size (SIGBUS). */
	if (((loff_t)vmf->pgoff << PAGE_SHIFT) >= size)
		return VM_FAULT_SIGBUS;

	ret = um_secret_page(s, vmf->pgoff, size >= UM_SECRET_BULK_BYTES,
			     &page);
	if (ret)
		return ret;
	/* VM_FAULT_NOPAGE, also when a racing fault mapped it first. */
	return vmf_insert_pfn(vma, vmf->address, page_to_pfn(page));
}

/* No .access: ptrace and /proc/PID/mem cannot read a PFN mapping without. */
static const struct vm_operations_struct um_secret_vm_ops = {
	.fault = um_secret_fault,
};

static int um_secret_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	/* The noexec superblock refuses it first; this keeps it so. */
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	/*
	 * No VM_DONTCOPY: a fork()ed child keeps the mapping, as with
	 * memfd_secret. VM_DONTEXPAND: mremap() cannot grow it.
	 */
	um_compat_vm_flags_mod(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND |
			       VM_DONTDUMP, VM_MAYEXEC);
	vma->vm_ops = &um_secret_vm_ops;
	return 0;
}

/*
 * The last reference: no VMA maps a page any more (each holds the file),
 * so the pages go back to the cache (which scrubs them) and the charge
 * with them. The file's module reference is dropped after this returns.
 */
static int um_secret_release(struct inode *inode, struct file *file)
{
	struct um_secret *s = file->private_data;
	struct page *page;
	unsigned long idx;

	xa_for_each(&s->pages, idx, page) {
		unmapped_pages_free(page, 0);
		cond_resched();
	}
	xa_destroy(&s->pages);
	um_secret_uncharge(s, atomic_long_read(&s->nr_charged));
	atomic64_sub(atomic_long_read(&s->nr_charged), &um_secret_pages);
	free_uid(s->user);
	kfree(s);
	atomic_dec(&um_secret_files);
	return 0;
}

/* No read/write/splice: file IO fails with EINVAL, as on secretmem. */
static const struct file_operations um_secret_fops = {
	.owner = THIS_MODULE,
	.release = um_secret_release,
	.mmap = um_secret_mmap,
};

/*
 * The size can be set only while it is 0, as secretmem's: pages past a
 * shrunk size would stay mapped, and a grown one gains nothing. Negative
 * sizes never get here (ftruncate(): EINVAL); simple_setattr() checks
 * RLIMIT_FSIZE and s_maxbytes (EFBIG).
 */
static int um_secret_setattr(um_compat_idmap_t *idmap, struct dentry *dentry,
			     struct iattr *iattr)
{
	/* notify_change() holds the inode lock: setattrs do not race. */
	if ((iattr->ia_valid & ATTR_SIZE) && i_size_read(d_inode(dentry)))
		return -EINVAL;
	return simple_setattr(idmap, dentry, iattr);
}

static const struct inode_operations um_secret_iops = {
	.setattr = um_secret_setattr,
};

/**
 * um_secret_file_create() - a new, empty secret file.
 *
 * Opened read-write with O_LARGEFILE (as memfd_secret's, so ftruncate()
 * takes any size up to the filesystem's limit); charged to the creating
 * user. The caller installs it in a descriptor or fput()s it.
 *
 * Context: process context, may sleep.
 * Return: the file, or ERR_PTR(-ENOMEM).
 */
struct file *um_secret_file_create(void)
{
	struct um_secret *s;
	struct inode *inode;
	struct file *file;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	xa_init_flags(&s->pages, XA_FLAGS_ACCOUNT);
	atomic_long_set(&s->nr_charged, 0);

	inode = new_inode(um_secret_mnt->mnt_sb);
	if (!inode) {
		err = -ENOMEM;
		goto err_free;
	}
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IFREG | 0600;
	inode->i_uid = current_fsuid();
	inode->i_gid = current_fsgid();
	inode->i_op = &um_secret_iops;
	inode->i_size = 0;

	/* The file's own (fops_put() in __fput()); we run in our ioctl. */
	__module_get(THIS_MODULE);
	file = alloc_file_pseudo(inode, um_secret_mnt, "unmapped-secret",
				 O_RDWR, &um_secret_fops);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		module_put(THIS_MODULE);
		iput(inode);
		goto err_free;
	}
	s->user = get_uid(current_user());
	file->private_data = s;
	file->f_flags |= O_LARGEFILE;
	atomic_inc(&um_secret_files);
	atomic64_inc(&um_secret_created);
	return file;

err_free:
	kfree(s);
	return ERR_PTR(err);
}

static int um_secret_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, UM_SECRET_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type um_secret_fs = {
	.name = "unmapped-secret",
	.init_fs_context = um_secret_init_fs_context,
	.kill_sb = kill_anon_super,
};

/**
 * um_secret_init() - mount the private filesystem of secret files.
 *
 * Return: 0 or -errno from kern_mount().
 */
int um_secret_init(void)
{
	struct vfsmount *mnt = kern_mount(&um_secret_fs);

	if (IS_ERR(mnt)) {
		pr_err("cannot mount the secret file system: %ld\n",
		       PTR_ERR(mnt));
		return PTR_ERR(mnt);
	}
	/* Never executable (path_noexec(): mmap(PROT_EXEC) is EPERM). */
	mnt->mnt_sb->s_iflags |= SB_I_NOEXEC;
	um_secret_mnt = mnt;
	return 0;
}

/**
 * um_secret_exit() - unmount it. No secret file exists by now: each one
 * holds a reference on this module.
 */
void um_secret_exit(void)
{
	kern_unmount(um_secret_mnt);
}
