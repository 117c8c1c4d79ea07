// SPDX-License-Identifier: GPL-2.0-only
/*
 * region_owner.c - free a process's regions when it exits, even while
 * another process still holds the file.
 *
 * Regions belong to the file and to the mm that allocated them. Usually
 * the owner's exit closes the file too, but a descriptor shared with a
 * forked child or passed over a socket would otherwise keep a dead
 * process's memory (and its RLIMIT_MEMLOCK charge) until the last holder
 * closes. The first ALLOC of an mm on a file registers an mmu_notifier on
 * that mm; its ->release (run by exit_mmap(), or by
 * mmu_notifier_unregister() when the file goes first) frees that mm's
 * regions in that file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mmu_notifier.h>
#include <linux/slab.h>

#include "region.h"

static void um_owner_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct um_owner *o = container_of(mn, struct um_owner, mn);

	um_file_drop_mm(o->file, mm);
}

static const struct mmu_notifier_ops um_owner_ops = {
	.release = um_owner_release,
};

/**
 * um_file_add_owner() - make sure @mm's exit frees its regions in @f.
 * @f: the file.
 * @mm: the caller's mm (alive: it is current->mm).
 *
 * Context: process context; takes @mm's mmap_lock the first time.
 * Return: 0 or -ENOMEM / -EINTR (mmu_notifier_register()).
 */
int um_file_add_owner(struct um_file *f, struct mm_struct *mm)
{
	struct um_owner *o;
	int err = 0;

	mutex_lock(&f->owners_lock);
	list_for_each_entry(o, &f->owners, node)
		if (o->mn.mm == mm)
			goto out_unlock;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o) {
		err = -ENOMEM;
		goto out_unlock;
	}
	o->mn.ops = &um_owner_ops;
	o->file = f;
	err = mmu_notifier_register(&o->mn, mm);
	if (err) {
		kfree(o);
		goto out_unlock;
	}
	list_add(&o->node, &f->owners);
out_unlock:
	mutex_unlock(&f->owners_lock);
	return err;
}

/**
 * um_file_release_owners() - stop watching the owners of a closing file.
 * @f: the file.
 *
 * Frees the regions of owners still alive (their ->release runs now) and
 * waits for any ->release still running in an exiting owner.
 */
void um_file_release_owners(struct um_file *f)
{
	struct um_owner *o, *tmp;

	mutex_lock(&f->owners_lock);
	list_for_each_entry_safe(o, tmp, &f->owners, node) {
		list_del(&o->node);
		mmu_notifier_unregister(&o->mn, o->mn.mm);
		kfree(o);
	}
	mutex_unlock(&f->owners_lock);
}
