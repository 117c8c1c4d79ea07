// SPDX-License-Identifier: GPL-2.0-only
/*
 * region.c - regions of /dev/unmapped: building them from cache blocks,
 * charging them, mapping them into their owner only, and giving them back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/unmapped.h>

#include "compat.h"
#include "region.h"

/* A block is stored as pfn << UM_BLOCK_ORDER_BITS | order. */
#define UM_BLOCK_ORDER_BITS	4
static_assert(UM_NR_PAGE_ORDERS <= (1 << UM_BLOCK_ORDER_BITS));

static inline unsigned long um_block_pack(unsigned long pfn, unsigned int order)
{
	return pfn << UM_BLOCK_ORDER_BITS | order;
}

static inline unsigned long um_block_pfn(unsigned long block)
{
	return block >> UM_BLOCK_ORDER_BITS;
}

static inline unsigned int um_block_order(unsigned long block)
{
	return block & ((1UL << UM_BLOCK_ORDER_BITS) - 1);
}

/*
 * Charge like io_uring's registered buffers: the user's locked_vm against
 * RLIMIT_MEMLOCK, plus the owner's pinned_vm (VmPin). account_locked_vm()
 * cannot be used: it takes the owner's mmap_lock, and the charge is
 * returned from VMA close, which runs under that lock.
 */
static int um_charge(struct um_region *r)
{
	struct user_struct *user = current_user();
	unsigned long limit, cur, new;

	if (capable(CAP_IPC_LOCK))
		return 0;

	limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	cur = atomic_long_read(&user->locked_vm);
	do {
		new = cur + r->nr_pages;
		if (new > limit || new < cur)
			return -EDQUOT;
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, new));

	r->user = get_uid(user);
	atomic64_add(r->nr_pages, &r->mm->pinned_vm);
	return 0;
}

static void um_uncharge(struct um_region *r)
{
	if (!r->user)
		return;
	atomic64_sub(r->nr_pages, &r->mm->pinned_vm);
	atomic_long_sub(r->nr_pages, &r->user->locked_vm);
	free_uid(r->user);
	r->user = NULL;
}

/*
 * User-sized metadata: charged to the caller's memcg. Grown while the
 * region's own pages bring that memcg to its limit, so it fails (ENOMEM)
 * rather than invoking the memcg OOM killer on some bystander.
 */
#define UM_META_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/*
 * Blocks a region of @nr_pages needs at the least, taking blocks of at most
 * @max_order: the binary digits of @nr_pages below that order, plus the
 * largest blocks for the rest.
 */
static unsigned long um_min_blocks(unsigned long nr_pages,
				   unsigned int max_order)
{
	return (nr_pages >> max_order) +
	       hweight_long(nr_pages & ((1UL << max_order) - 1));
}

/*
 * Make room for one more block (room only grows on fallback), never past
 * @max blocks, so the array stays far below what kvmalloc() allows.
 */
static int um_region_grow(struct um_region *r, unsigned long *room,
			  unsigned long max)
{
	unsigned long new_room = min3(*room * 2, r->nr_pages, max);
	unsigned long *blocks;

	if (new_room <= *room)
		return -EFBIG;
	blocks = um_compat_kvrealloc(r->blocks, *room * sizeof(*blocks),
				     new_room * sizeof(*blocks), UM_META_GFP);
	if (!blocks)
		return -ENOMEM;
	r->blocks = blocks;
	*room = new_room;
	return 0;
}

static void um_region_add(struct um_region *r, struct page *page,
			  unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	if (!r->nr_blocks) {
		r->nid = page_to_nid(page);
		r->min_pfn = pfn;
		r->end_pfn = pfn + (1UL << order);
	} else {
		r->min_pfn = min(r->min_pfn, pfn);
		r->end_pfn = max(r->end_pfn, pfn + (1UL << order));
	}
	r->max_order = max(r->max_order, order);
	r->blocks[r->nr_blocks++] = um_block_pack(pfn, order);
}

/*
 * Largest blocks first: each step takes the biggest power of two that fits
 * what is left, up to @req->max_order; when the cache cannot serve an order
 * it is not asked for that order again during this fill.
 */
static int um_region_fill(struct um_region *r, const struct um_region_req *req)
{
	/*
	 * Charged to the caller's memory cgroup as memfd_secret's pages are
	 * (a container cannot hold more than its memory.max); failing, not
	 * the OOM killer, when memory runs out.
	 */
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	unsigned int cap = req->max_order;
	unsigned long left = r->nr_pages;
	unsigned long room;
	int err;

	if (req->thisnode)
		gfp |= __GFP_THISNODE;

	room = um_min_blocks(left, cap);
	r->blocks = kvmalloc_array(room, sizeof(*r->blocks), UM_META_GFP);
	if (!r->blocks)
		return -ENOMEM;

	while (left) {
		unsigned int order = min_t(unsigned int, ilog2(left), cap);
		struct page *page;

		if (fatal_signal_pending(current))
			return -EINTR;
		if (r->nr_blocks == room) {
			err = um_region_grow(r, &room, req->max_blocks);
			if (err)
				return err;
		}
		page = unmapped_pages_alloc_node(req->nid, gfp, order);
		if (!page) {
			if (req->exact || !order)
				return -ENOMEM;
			cap = order - 1;
			continue;
		}
		um_region_add(r, page, order);
		left -= 1UL << order;
		cond_resched();
	}
	return 0;
}

static void um_region_free_blocks(struct um_region *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_blocks; i++) {
		unsigned long b = r->blocks[i];

		unmapped_pages_free(pfn_to_page(um_block_pfn(b)),
				    um_block_order(b));
		cond_resched();
	}
	r->nr_blocks = 0;
	kvfree(r->blocks);
	r->blocks = NULL;
}

/**
 * um_region_alloc() - build a region for the calling process.
 * @f: the file that will own it.
 * @req: validated request.
 *
 * Makes the caller's mm an owner in @f, reserves the pages against the
 * file's cap, charges the caller's locked memory, takes the blocks. The
 * region is not yet visible: publish it with um_region_publish() or drop
 * it with um_region_put(). It holds a reference on @f.
 *
 * Context: process context, may sleep (the mm's first region anywhere
 * takes its mmap_lock for writing); a fatal signal aborts it.
 * Return: the region with one reference, or ERR_PTR(-ENOSPC) (file cap),
 * ERR_PTR(-EDQUOT) (RLIMIT_MEMLOCK), ERR_PTR(-EFBIG) (it would take more
 * than @req->max_blocks blocks), ERR_PTR(-ENOMEM), ERR_PTR(-EINTR).
 */
struct um_region *um_region_alloc(struct um_file *f,
				  const struct um_region_req *req)
{
	struct um_region *r;
	struct um_owner *o;
	int err;

	if (um_min_blocks(req->nr_pages, req->max_order) > req->max_blocks)
		return ERR_PTR(-EFBIG);
	/* Before the region exists: the mm's exit must find it. */
	o = um_owner_get(f, current->mm);
	if (IS_ERR(o))
		return ERR_CAST(o);
	err = um_file_reserve(f, req->nr_pages, req->cap_pages);
	if (err)
		goto err_put_owner;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r) {
		err = -ENOMEM;
		goto err_unreserve;
	}
	kref_init(&r->ref);
	atomic_set(&r->mapped, 0);
	r->file = f;
	r->owner = o;
	r->nr_pages = req->nr_pages;
	r->nid = NUMA_NO_NODE;
	r->mm = current->mm;
	mmgrab(r->mm);

	err = um_charge(r);
	if (err)
		goto err_drop_mm;

	err = um_region_fill(r, req);
	if (err)
		goto err_free_blocks;
	um_file_get(f);
	return r;

err_free_blocks:
	um_region_free_blocks(r);
	um_uncharge(r);
err_drop_mm:
	mmdrop(r->mm);
	kfree(r);
err_unreserve:
	um_file_unreserve(f, req->nr_pages, false);
err_put_owner:
	um_owner_put(o);
	return ERR_PTR(err);
}

static void um_region_release(struct kref *ref)
{
	struct um_region *r = container_of(ref, struct um_region, ref);
	struct um_file *f = r->file;

	um_region_free_blocks(r);
	um_file_unreserve(f, r->nr_pages, r->id);
	um_uncharge(r);
	um_owner_put(r->owner);
	mmdrop(r->mm);
	kfree(r);
	um_file_put(f);
}

/**
 * um_region_put() - drop a reference; the last one gives the pages back.
 * @r: the region.
 *
 * Context: process context, may sleep; never takes an mmap_lock.
 */
void um_region_put(struct um_region *r)
{
	might_sleep();
	kref_put(&r->ref, um_region_release);
}

static void um_vma_open(struct vm_area_struct *vma)
{
	struct um_region *r = vma->vm_private_data;

	kref_get(&r->ref);
	atomic_inc(&r->mapped);
}

static void um_vma_close(struct vm_area_struct *vma)
{
	struct um_region *r = vma->vm_private_data;

	atomic_dec(&r->mapped);
	um_region_put(r);
}

/*
 * No .fault (every page is mapped at mmap time) and no .access, so
 * /proc/PID/mem, ptrace and process_vm_readv() find nothing to read.
 */
static const struct vm_operations_struct um_vm_ops = {
	.open = um_vma_open,
	.close = um_vma_close,
};

/*
 * Pages one remap_pfn_range() call maps when it does not cover the whole
 * VMA: PAT then looks up the memtype of every page it maps
 * (track_pfn_remap()), so such calls are bounded like the largest block.
 */
#define UM_MAP_BATCH_PAGES	(1UL << (UM_NR_PAGE_ORDERS - 1))

static unsigned long um_block_pages(unsigned long block)
{
	return 1UL << um_block_order(block);
}

/*
 * Blocks from @first on that lie physically one after the other, and their
 * pages, at most @max pages unless a single block is larger.
 */
static unsigned int um_region_run(const struct um_region *r,
				  unsigned int first, unsigned long max,
				  unsigned long *nr_pages)
{
	unsigned long pfn = um_block_pfn(r->blocks[first]);
	unsigned long nr = um_block_pages(r->blocks[first]);
	unsigned int i = first + 1;

	while (i < r->nr_blocks && um_block_pfn(r->blocks[i]) == pfn + nr &&
	       nr + um_block_pages(r->blocks[i]) <= max)
		nr += um_block_pages(r->blocks[i++]);
	*nr_pages = nr;
	return i - first;
}

/*
 * Map @r's blocks in runs of contiguous ones, rescheduling between runs;
 * stop at a fatal signal (-EINTR) or the first error. The caller zaps.
 */
static int um_region_map_runs(struct um_region *r, struct vm_area_struct *vma)
{
	unsigned long addr = vma->vm_start, pfn, nr;
	unsigned int i = 0;
	int err;

	while (i < r->nr_blocks) {
		if (fatal_signal_pending(current))
			return -EINTR;
		pfn = um_block_pfn(r->blocks[i]);
		i += um_region_run(r, i, UM_MAP_BATCH_PAGES, &nr);
		err = remap_pfn_range(vma, addr, pfn, nr << PAGE_SHIFT,
				      vma->vm_page_prot);
		if (err)
			return err;
		addr += nr << PAGE_SHIFT;
		cond_resched();
	}
	return 0;
}

/**
 * um_region_map() - map all of @r into @vma, which has exactly its size.
 * @r: the region; on success the caller's reference moves to @vma.
 * @vma: the owner's new shared VMA (mmap_lock held for writing).
 *
 * PFN mappings of RAM: PAT only reads the pages' memtype (struct page
 * flags), it never touches the direct map; get_user_pages() refuses
 * VM_IO | VM_PFNMAP; fork() skips VM_DONTCOPY, core dumps VM_DONTDUMP.
 *
 * A region may be thousands of small blocks: physically contiguous ones
 * are mapped by one call (the whole VMA at once if they all are, which
 * PAT checks in one lookup), at most UM_MAP_BATCH_PAGES per call
 * otherwise, rescheduling between calls; a fatal signal stops it.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINTR (fatal signal) or the error of remap_pfn_range(),
 * with nothing left mapped.
 */
int um_region_map(struct um_region *r, struct vm_area_struct *vma)
{
	unsigned long nr;
	int err;

	um_compat_vm_flags_mod(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
			       VM_DONTDUMP | VM_DONTCOPY, VM_MAYEXEC);

	if (um_region_run(r, 0, r->nr_pages, &nr) == r->nr_blocks)
		err = remap_pfn_range(vma, vma->vm_start,
				      um_block_pfn(r->blocks[0]),
				      nr << PAGE_SHIFT, vma->vm_page_prot);
	else
		err = um_region_map_runs(r, vma);
	if (err) {
		/* The region may be freed once we return: unmap it now. */
		um_compat_zap_pfnmap(vma, vma->vm_start, vma->vm_end - vma->vm_start);
		return err;
	}
	vma->vm_private_data = r;
	vma->vm_ops = &um_vm_ops;
	atomic_inc(&r->mapped);
	return 0;
}
