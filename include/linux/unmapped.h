/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * unmapped.h - in-kernel API of unmapped.ko: pages absent from the direct map.
 *
 * For other modules: add this directory to the include path and use the
 * symbols below (exported GPL). A page returned here is not present in the
 * kernel's direct map on any CPU: page_address() of it must never be
 * dereferenced. Map it where it is needed (a user mapping, a guest, a
 * private page table) and give it back with unmapped_pages_free().
 *
 * The pages come from a per-node cache of blocks that left the direct map
 * whole, so allocating does not split the 2M/1G direct mapping and costs no
 * TLB flush unless the cache has to grow.
 *
 * With __GFP_ACCOUNT the block is charged to the calling task's memory
 * cgroup, as alloc_pages() charges (the allocation fails over its limit),
 * and uncharged when freed.
 *
 * What this API does NOT do: it does not hand out compound pages (the
 * block is 2^order independent pages) and does not map the pages anywhere.
 */
#ifndef _LINUX_UNMAPPED_H
#define _LINUX_UNMAPPED_H

#include <linux/gfp.h>
#include <linux/mm_types.h>

/*
 * __GFP_UNMAPPED_NOZERO - do not zero the pages.
 *
 * Pages are zeroed by default, as if __GFP_ZERO were always set: a page
 * given back may have held another user's secrets. Pass this only when
 * every byte will be overwritten or converted before anyone reads it (e.g.
 * memory about to become a confidential guest's private memory). It lies
 * above the page allocator's flags and never reaches it.
 */
#define __GFP_UNMAPPED_NOZERO	((__force gfp_t)(1U << 31))

/**
 * unmapped_pages_alloc_node() - allocate 2^@order pages absent from the direct map.
 * @nid: NUMA node, or NUMA_NO_NODE for the current CPU's node. With
 *       __GFP_THISNODE only @nid is used; otherwise another node may serve.
 * @gfp: GFP_KERNEL and friends. Without __GFP_DIRECT_RECLAIM the call never
 *       sleeps and is served from the cache only. __GFP_NOIO/__GFP_NOFS
 *       restrictions are honoured when the cache grows.
 * @order: below the number of orders the page allocator serves (MAX_ORDER
 *         on 6.1; NR_PAGE_ORDERS from 6.8): 0 .. 10 on x86.
 *
 * Context: process context if @gfp allows blocking, else any context but
 * NMI (it takes an IRQ-safe spinlock).
 * Return: the first page of the block, or NULL (no memory, bad node or
 * order; the reason is counted in debugfs stats).
 */
struct page *unmapped_pages_alloc_node(int nid, gfp_t gfp, unsigned int order);

/** unmapped_pages_alloc() - unmapped_pages_alloc_node() on the local node. */
struct page *unmapped_pages_alloc(gfp_t gfp, unsigned int order);

/**
 * unmapped_pages_free() - give back a block from unmapped_pages_alloc*().
 * @page: the first page of the block, as returned.
 * @order: the order it was allocated with.
 *
 * The contents are treated as secret: zeroed before the pages are reused or
 * returned to the page allocator. A page that was not allocated here, a
 * wrong order, or a second free of a block that is still free in the cache
 * is refused with a rate-limited warning naming the caller, and the cache
 * is left unchanged. A second free after the block was handed out again
 * cannot be told from the new owner's free: as with the page allocator, it
 * frees the new owner's block.
 *
 * Context: any context but NMI (it takes an IRQ-safe spinlock).
 */
void unmapped_pages_free(struct page *page, unsigned int order);

#endif /* _LINUX_UNMAPPED_H */
