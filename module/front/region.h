/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * region.h - the regions /dev/unmapped hands out.
 *
 * A region is a list of blocks from unmapped_pages_alloc_node(), owned by
 * one open file (struct um_file, file.h) and one mm, and charged to the
 * allocating user's locked memory. References: the file's id table holds
 * one while the id is live, every VMA mapping the region holds one, and so
 * does whoever looked it up or built it for as long as it reads it. The
 * last reference gives the blocks back to the cache (which scrubs them)
 * and the charge back to the user; it is dropped in process context,
 * possibly with the owner's mmap_lock held (VMA close), so releasing never
 * takes it. Every region holds its file and its owner (counted in
 * @nr_regions). A region's fields are immutable once it has an id, except
 * @mapped (atomic) and @ref.
 */
#ifndef UNMAPPED_FRONT_REGION_H
#define UNMAPPED_FRONT_REGION_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "file.h"

struct um_region {
	struct kref ref;
	struct um_file *file;		/* holds a reference */
	struct um_owner *owner;		/* counts this region */
	struct mm_struct *mm;		/* owner->mm, kept with mmgrab() */
	struct user_struct *user;	/* charged, or NULL (CAP_IPC_LOCK) */
	u32 id;				/* 0 until published */
	atomic_t mapped;		/* VMAs mapping the region */
	unsigned long nr_pages;
	unsigned long min_pfn;
	unsigned long end_pfn;
	unsigned int nr_blocks;
	unsigned int max_order;
	int nid;			/* node of the first block */
	unsigned long *blocks;		/* um_block_pack(pfn, order) each */
};

/* What ALLOC asks for, validated by the caller. */
struct um_region_req {
	unsigned long nr_pages;
	unsigned int max_order;		/* largest block order to use */
	bool exact;			/* one block of exactly max_order */
	int nid;			/* a node with memory */
	bool thisnode;			/* never another node */
	unsigned long cap_pages;	/* per-file cap, 0 = none */
	unsigned long max_blocks;	/* most blocks the region may take */
};

struct um_region *um_region_alloc(struct um_file *f,
				  const struct um_region_req *req);
void um_region_put(struct um_region *r);
int um_region_map(struct um_region *r, struct vm_area_struct *vma);

/** um_region_offset() - the mmap() offset, in bytes, of a published region. */
static inline u64 um_region_offset(const struct um_region *r)
{
	return (u64)r->id << UM_OFFSET_SHIFT;
}

#endif /* UNMAPPED_FRONT_REGION_H */
