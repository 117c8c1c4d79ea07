// SPDX-License-Identifier: GPL-2.0-only
/*
 * region_owner.c - free a process's regions when it exits, even while
 * another process still holds the file.
 *
 * Regions belong to the file and to the mm that allocated them. Usually
 * the owner's exit closes the file too, but a descriptor shared with a
 * forked child or passed over a socket would otherwise keep a dead
 * process's memory (and its RLIMIT_MEMLOCK charge) until the last holder
 * closes.
 *
 * struct um_owner is one (file, mm) pair while the mm has regions in the
 * file; the last of them drops it, so a long-lived shared file keeps
 * nothing of the processes that are done with it. struct um_mm is the mm's
 * mmu_notifier, one for all files (mmu_notifier_get()): its ->release (run
 * by exit_mmap()) frees the mm's regions in every file it owns some in.
 * Registering it costs mm_take_all_locks(), so it is done once in the mm's
 * life: besides one user per owner, the notifier keeps a "sticky" user
 * from registration until the mm exits or the module unloads.
 *
 * Lifetimes. An owner is on its mm's list only while it counts a region
 * (or an ALLOC building one), and every region holds its file, so
 * ->release can take a reference on the file of any owner it finds there
 * and free that file's regions of the mm outside the lock, while the file
 * is being closed or its regions freed elsewhere: each id is released
 * once. Owners met on the way may go meanwhile. A um_mm is freed by
 * free_notifier, an SRCU grace period after its last mmu_notifier_put(),
 * so never while ->release runs on it; module unload drops the sticky
 * users and waits for every um_mm to be freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/mmap_lock.h>
#include <linux/mmu_notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "front.h"
#include "platform.h"
#include "region.h"

/*
 * struct um_mm - the mmu_notifier of one mm, shared by its owners.
 * @mn: its users are one per owner, plus the sticky one while @all is
 *	linked.
 * @lock: guards @owners.
 * @owners: struct um_owner.mm_node, one per file with regions of the mm.
 * @registered: the sticky user was taken (under the mm's mmap_lock).
 * @all: in um_mms while the sticky user is held, under um_mms_lock.
 */
struct um_mm {
	struct mmu_notifier mn;
	spinlock_t lock;
	struct list_head owners;
	bool registered;
	struct list_head all;
};

static DEFINE_SPINLOCK(um_mms_lock);
static LIST_HEAD(um_mms);

/* Drop the sticky user, once: at the mm's exit or at module unload. */
static void um_mm_unstick(struct um_mm *umm)
{
	bool sticky;

	spin_lock(&um_mms_lock);
	sticky = !list_empty(&umm->all);
	list_del_init(&umm->all);
	spin_unlock(&um_mms_lock);
	if (sticky)
		mmu_notifier_put(&umm->mn);
}

static void um_mm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct um_mm *umm = container_of(mn, struct um_mm, mn);
	struct um_owner *o;
	LIST_HEAD(done);

	spin_lock(&umm->lock);
	while ((o = list_first_entry_or_null(&umm->owners, struct um_owner,
					     mm_node))) {
		struct um_file *f = o->file;

		/* Still listed, so a region holds @f; @o may go once unlocked. */
		list_move(&o->mm_node, &done);
		um_file_get(f);
		spin_unlock(&umm->lock);
		um_file_drop_mm(f, mm);
		um_file_put(f);
		cond_resched();
		spin_lock(&umm->lock);
	}
	/* Owners of regions still mapped: exit_mmap() unmaps them next. */
	list_splice(&done, &umm->owners);
	spin_unlock(&umm->lock);
	um_mm_unstick(umm);
}

static struct mmu_notifier *um_mm_alloc(struct mm_struct *mm)
{
	struct um_mm *umm = kzalloc(sizeof(*umm), GFP_KERNEL_ACCOUNT);

	if (!umm)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&umm->lock);
	INIT_LIST_HEAD(&umm->owners);
	INIT_LIST_HEAD(&umm->all);
	atomic64_inc(&um_platform.owner_mms);
	return &umm->mn;
}

/* After an SRCU grace period (or a failed registration); BH disabled. */
static void um_mm_free(struct mmu_notifier *mn)
{
	kfree(container_of(mn, struct um_mm, mn));
	atomic64_dec(&um_platform.owner_mms);
}

static const struct mmu_notifier_ops um_mm_ops = {
	.release = um_mm_release,
	.alloc_notifier = um_mm_alloc,
	.free_notifier = um_mm_free,
};

/*
 * @mm's um_mm with one more user, registered if it has none: the first
 * time also with the sticky user. Takes @mm's mmap_lock for writing.
 */
static struct um_mm *um_mm_get(struct mm_struct *mm)
{
	struct mmu_notifier *mn;
	struct um_mm *umm;

	if (mmap_write_lock_killable(mm))
		return ERR_PTR(-EINTR);
	mn = mmu_notifier_get_locked(&um_mm_ops, mm);
	if (IS_ERR(mn)) {
		mmap_write_unlock(mm);
		return ERR_CAST(mn);
	}
	umm = container_of(mn, struct um_mm, mn);
	if (!umm->registered) {
		umm->registered = true;
		/* Finds it, with one user: cannot fail. */
		mmu_notifier_get_locked(&um_mm_ops, mm);
		spin_lock(&um_mms_lock);
		list_add(&umm->all, &um_mms);
		spin_unlock(&um_mms_lock);
		atomic64_inc(&um_platform.owner_registrations);
	}
	mmap_write_unlock(mm);
	return umm;
}

/* @f's owner for @mm with one more region, or NULL. Under the xa_lock. */
static struct um_owner *um_owner_find_locked(struct um_file *f,
					     struct mm_struct *mm)
{
	struct um_owner *o;

	list_for_each_entry(o, &f->owners, file_node)
		if (o->mm == mm) {
			o->nr_regions++;
			return o;
		}
	return NULL;
}

static struct um_owner *um_owner_find(struct um_file *f, struct mm_struct *mm)
{
	struct um_owner *o;

	xa_lock(&f->regions);
	o = um_owner_find_locked(f, mm);
	xa_unlock(&f->regions);
	return o;
}

/**
 * um_owner_get() - count one more region of @mm in @f.
 * @f: the file.
 * @mm: the caller's mm (alive: it is current->mm).
 *
 * Makes @mm an owner in @f if it is not: from then on its exit frees its
 * regions there. Drop with um_owner_put() when the region is gone, or was
 * never built.
 *
 * Context: process context; the first owner of @mm in any file takes its
 * mmap_lock for writing, and its first ever registers the notifier.
 * Return: the owner, or ERR_PTR(-ENOMEM) / ERR_PTR(-EINTR).
 */
struct um_owner *um_owner_get(struct um_file *f, struct mm_struct *mm)
{
	struct um_owner *o, *new;
	struct um_mm *umm;

	o = um_owner_find(f, mm);
	if (o)
		return o;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return ERR_PTR(-ENOMEM);
	umm = um_mm_get(mm);
	if (IS_ERR(umm)) {
		kfree(new);
		return ERR_CAST(umm);
	}
	new->file = f;
	new->mm = mm;
	new->umm = umm;
	new->nr_regions = 1;

	xa_lock(&f->regions);
	o = um_owner_find_locked(f, mm);	/* another thread of @mm won */
	if (!o)
		list_add(&new->file_node, &f->owners);
	xa_unlock(&f->regions);
	if (o) {
		mmu_notifier_put(&umm->mn);
		kfree(new);
		return o;
	}
	/* @mm cannot exit while we run in it: no ->release before this. */
	spin_lock(&umm->lock);
	list_add(&new->mm_node, &umm->owners);
	spin_unlock(&umm->lock);
	atomic64_inc(&um_platform.file_owners);
	return new;
}

/**
 * um_owner_put() - one region of @o's mm in its file less; the last drops
 * the owner.
 * @o: from um_owner_get().
 *
 * Context: process context, also under an mmap_lock (VMA close) or in
 * ->release; never sleeps.
 */
void um_owner_put(struct um_owner *o)
{
	struct um_file *f = o->file;
	struct um_mm *umm = o->umm;
	bool last;

	xa_lock(&f->regions);
	last = !--o->nr_regions;
	if (last)
		list_del(&o->file_node);
	xa_unlock(&f->regions);
	if (!last)
		return;

	spin_lock(&umm->lock);
	list_del(&o->mm_node);
	spin_unlock(&umm->lock);
	kfree(o);
	atomic64_dec(&um_platform.file_owners);
	mmu_notifier_put(&umm->mn);
}

/**
 * um_owners_exit() - module unload: drop every mm's sticky user and wait
 * until every um_mm is freed.
 *
 * Called once no file is open (so no owner is left). An mm that is exiting
 * may still run ->release meanwhile; its um_mm is freed after that returns.
 *
 * Context: process context, sleeps.
 */
void um_owners_exit(void)
{
	struct um_mm *umm;

	spin_lock(&um_mms_lock);
	while ((umm = list_first_entry_or_null(&um_mms, struct um_mm, all))) {
		list_del_init(&umm->all);
		spin_unlock(&um_mms_lock);
		mmu_notifier_put(&umm->mn);
		spin_lock(&um_mms_lock);
	}
	spin_unlock(&um_mms_lock);

	/* free_notifier runs an SRCU grace period after the last put. */
	while (atomic64_read(&um_platform.owner_mms)) {
		mmu_notifier_synchronize();
		schedule_timeout_uninterruptible(1);
	}
	/* ... and has returned, out of this module's text, once this does. */
	mmu_notifier_synchronize();
}
