// SPDX-License-Identifier: GPL-2.0-only
/*
 * file.c - struct um_file, an open /dev/unmapped: its reference count, its
 * cap (pages held against max_file_bytes), its id table of regions, and
 * its owners, whose exit frees their regions even while another process
 * still holds the file.
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

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mmap_lock.h>
#include <linux/mmu_notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include "file.h"
#include "front.h"
#include "region.h"

/* --- the file -------------------------------------------------------- */

/**
 * um_file_init() - set up the region table of a newly opened file.
 * @f: zeroed file state.
 */
void um_file_init(struct um_file *f)
{
	kref_init(&f->ref);
	INIT_LIST_HEAD(&f->owners);
	/* Its nodes are the file's metadata: charged to the opener's memcg. */
	xa_init_flags(&f->regions, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
}

/** um_file_get() - take a reference on @f (see um_file_put()). */
void um_file_get(struct um_file *f)
{
	kref_get(&f->ref);
}

static void um_file_free(struct kref *ref)
{
	struct um_file *f = container_of(ref, struct um_file, ref);

	WARN_ON_ONCE(f->held_pages || f->pending_pages || f->live_pages ||
		     !list_empty(&f->owners));
	xa_destroy(&f->regions);
	kfree(f);
}

/**
 * um_file_put() - drop a reference on @f; the last one frees it.
 * @f: the file state. The open file holds one reference until its
 *     release, every region one until it is gone, and an exiting owner
 *     one while it frees the regions of its mm.
 *
 * Context: any context that may take a spinlock; never sleeps.
 */
void um_file_put(struct um_file *f)
{
	kref_put(&f->ref, um_file_free);
}

/**
 * um_file_reserve() - reserve @nr pages of the file's cap before
 * allocating them.
 * @f: the file.
 * @nr: pages about to be allocated.
 * @cap: the cap in pages, 0 = none.
 *
 * Return: 0, or -ENOSPC (over the cap).
 */
int um_file_reserve(struct um_file *f, unsigned long nr, unsigned long cap)
{
	int err = 0;

	xa_lock(&f->regions);
	if (cap && (nr > cap || f->held_pages > cap - nr))
		err = -ENOSPC;
	else
		f->held_pages += nr;
	xa_unlock(&f->regions);
	return err;
}

/**
 * um_file_unreserve() - @nr pages of the file are gone (or never came).
 * @f: the file.
 * @nr: pages reserved with um_file_reserve().
 * @published: they were a region that had an id (counted pending since
 *	       its id was released).
 */
void um_file_unreserve(struct um_file *f, unsigned long nr, bool published)
{
	xa_lock(&f->regions);
	if (published)
		f->pending_pages -= nr;
	f->held_pages -= nr;
	xa_unlock(&f->regions);
}

/**
 * um_file_usage() - what the file holds now.
 * @f: the file.
 * @regions: out: regions with a live id.
 * @pages: out: their pages.
 * @pending_pages: out: pages of freed regions that are still mapped.
 */
void um_file_usage(struct um_file *f, u64 *regions, u64 *pages,
		   u64 *pending_pages)
{
	xa_lock(&f->regions);
	*regions = f->live_regions;
	*pages = f->live_pages;
	*pending_pages = f->pending_pages;
	xa_unlock(&f->regions);
}

/* --- ids -------------------------------------------------------------- */

/**
 * um_region_publish() - give a new region an id in its file.
 * @f: the file that owns it.
 * @r: from um_region_alloc().
 *
 * The id takes a reference of its own before the region becomes visible:
 * once published, a FREE of the (predictable) id from another thread may
 * drop the id's reference at any moment, so the caller keeps its own to
 * read @r and drops it with um_region_put() when done.
 *
 * Return: 0 (r->id set), -ENOSPC (no free id) or -ENOMEM.
 */
int um_region_publish(struct um_file *f, struct um_region *r)
{
	int err;

	kref_get(&r->ref);
	xa_lock(&f->regions);
	err = __xa_alloc_cyclic(&f->regions, &r->id, r,
				XA_LIMIT(1, UM_ID_MAX), &f->next_id,
				GFP_KERNEL);
	if (err >= 0) {
		f->live_regions++;
		f->live_pages += r->nr_pages;
		err = 0;
	} else {
		r->id = 0;
	}
	xa_unlock(&f->regions);
	if (err < 0)
		um_region_put(r);	/* the id's; the caller's keeps @r */
	return err == -EBUSY ? -ENOSPC : err;
}

/**
 * um_region_unpublish() - release a region's id (FREE, close).
 * @f: the file.
 * @id: the id, as the caller gave it.
 * @mm: only a region of this mm (the caller's); NULL: any.
 * @expect: if not NULL, only if @id still names this region.
 *
 * Drops the id's reference: the pages stay until the last mapping goes.
 * Return: 0, or -ENOENT (no such region).
 */
int um_region_unpublish(struct um_file *f, u64 id, struct mm_struct *mm,
			struct um_region *expect)
{
	struct um_region *r;

	if (!id || id > UM_ID_MAX)
		return -ENOENT;

	xa_lock(&f->regions);
	r = xa_load(&f->regions, id);
	if (!r || (mm && r->mm != mm) || (expect && r != expect)) {
		xa_unlock(&f->regions);
		return -ENOENT;
	}
	__xa_erase(&f->regions, id);
	f->live_regions--;
	f->live_pages -= r->nr_pages;
	f->pending_pages += r->nr_pages;
	xa_unlock(&f->regions);

	um_region_put(r);
	return 0;
}

/**
 * um_region_get() - look up a region of @mm by id and take a reference.
 * @f: the file.
 * @id: the id, as the caller gave it.
 * @mm: the caller's mm.
 *
 * Return: the region, or NULL (no such region of @mm in @f).
 */
struct um_region *um_region_get(struct um_file *f, u64 id,
				struct mm_struct *mm)
{
	struct um_region *r;

	if (!id || id > UM_ID_MAX)
		return NULL;

	xa_lock(&f->regions);
	r = xa_load(&f->regions, id);
	if (r && r->mm == mm)
		kref_get(&r->ref);
	else
		r = NULL;
	xa_unlock(&f->regions);
	return r;
}

/**
 * um_file_drop_mm() - free every region of @mm in @f (its owner exits).
 * @f: the file.
 * @mm: the owner.
 *
 * Safe against itself and against FREE: each id is released once, and a
 * region is only looked at under the table's lock.
 */
void um_file_drop_mm(struct um_file *f, struct mm_struct *mm)
{
	struct um_region *r;
	unsigned long id;

	xa_for_each(&f->regions, id, r) {
		um_region_unpublish(f, id, mm, NULL);
		cond_resched();
	}
}

/**
 * um_file_release() - the file is closed for good: free every region.
 * @f: the file. No VMA maps its regions any more (each holds the file).
 *
 * Drops the open file's reference afterwards: @f itself goes when the
 * last region does, which may be in an exiting owner freeing it just now.
 */
void um_file_release(struct um_file *f)
{
	struct um_region *r;
	unsigned long id;

	xa_for_each(&f->regions, id, r) {
		um_region_unpublish(f, id, NULL, r);
		cond_resched();
	}
	um_file_put(f);
}

/* --- owners ----------------------------------------------------------- */

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
	atomic64_inc(&um_front.owner_mms);
	return &umm->mn;
}

/* After an SRCU grace period (or a failed registration); BH disabled. */
static void um_mm_free(struct mmu_notifier *mn)
{
	kfree(container_of(mn, struct um_mm, mn));
	atomic64_dec(&um_front.owner_mms);
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
		atomic64_inc(&um_front.owner_registrations);
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
	atomic64_inc(&um_front.file_owners);
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
	atomic64_dec(&um_front.file_owners);
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
	while (atomic64_read(&um_front.owner_mms)) {
		mmu_notifier_synchronize();
		schedule_timeout_uninterruptible(1);
	}
	/* ... and has returned, out of this module's text, once this does. */
	mmu_notifier_synchronize();
}
