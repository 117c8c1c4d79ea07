/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file.h - struct um_file, an open /dev/unmapped (file.c): its regions'
 * ids, its owners and its cap.
 *
 * Owners: while an mm has regions in a file, live or still mapped, a
 * struct um_owner links the two, so that the mm's exit frees them even if
 * another process keeps the file; the owner goes with the mm's last
 * region there. All owners of one mm share one mmu_notifier subscription,
 * registered once in the mm's life.
 *
 * Lifetimes: the open file holds one reference on its um_file and every
 * region one more, so an mm's exit can still reach a file that is being
 * closed.
 *
 * Locking: um_file.regions' xa_lock guards the id table, the file's
 * counters, its owners list and their @nr_regions; each mm's own spinlock
 * (file.c) its list of owners. Neither is held while taking the other, nor
 * across anything that sleeps.
 */
#ifndef UNMAPPED_FRONT_FILE_H
#define UNMAPPED_FRONT_FILE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/types.h>
#include <linux/xarray.h>

/*
 * The mmap() offset of region id N is N << UM_OFFSET_SHIFT bytes, so a
 * region is at most 1 TiB and ids stay below 2^22 (offset + length < 2^63).
 */
#define UM_OFFSET_SHIFT		40
#define UM_REGION_MAX_BYTES	(1ULL << UM_OFFSET_SHIFT)
#define UM_ID_MAX		((1U << 22) - 1)

struct um_mm;

struct um_file {
	struct kref ref;	/* the open file's, and one per region */
	struct xarray regions;	/* id -> struct um_region */
	struct list_head owners;	/* struct um_owner: mms with regions */
	u32 next_id;		/* xa_alloc_cyclic() cursor */
	u64 live_regions;	/* ids in @regions */
	u64 live_pages;		/* their pages */
	u64 pending_pages;	/* freed ids whose region is still mapped */
	u64 held_pages;		/* every page the file holds or is allocating */
};

/*
 * An mm that has regions in a file (or is building one). When the mm
 * exits, its regions in the file are freed even if another process still
 * holds the file (a forked child, a descriptor passed over a socket):
 * nobody else may use them, so nothing should keep them.
 */
struct um_owner {
	struct um_file *file;
	struct mm_struct *mm;
	struct um_mm *umm;		/* @mm's subscription; we hold a user */
	/* Regions of @mm in @file, built or being built; under the xa_lock. */
	unsigned long nr_regions;
	struct list_head file_node;	/* in file->owners, under the xa_lock */
	struct list_head mm_node;	/* in umm's list, under its lock */
};

struct um_region;

/* the file */
void um_file_init(struct um_file *f);
void um_file_release(struct um_file *f);
void um_file_get(struct um_file *f);
void um_file_put(struct um_file *f);
void um_file_drop_mm(struct um_file *f, struct mm_struct *mm);
void um_file_usage(struct um_file *f, u64 *regions, u64 *pages,
		   u64 *pending_pages);
int um_file_reserve(struct um_file *f, unsigned long nr, unsigned long cap);
void um_file_unreserve(struct um_file *f, unsigned long nr, bool published);

/* owners */
struct um_owner *um_owner_get(struct um_file *f, struct mm_struct *mm);
void um_owner_put(struct um_owner *o);
void um_owners_exit(void);

/* ids: the file's table of regions */
int um_region_publish(struct um_file *f, struct um_region *r);
int um_region_unpublish(struct um_file *f, u64 id, struct mm_struct *mm,
			struct um_region *expect);
struct um_region *um_region_get(struct um_file *f, u64 id,
				struct mm_struct *mm);

#endif /* UNMAPPED_FRONT_FILE_H */
