// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform_block_at.c - um_plat_block_alloc_at(): a block taken by where it
 * is, for keep_1g (core/refill_1g.cpp chooses where).
 *
 * The page allocator hands out blocks from wherever its free lists start,
 * and above 4 GiB that is mostly memory mapped by 1G entries. Free blocks
 * in memory already mapped below 1G are there, but only a request by pfn
 * reaches them: alloc_contig_range() (exported) isolates the block's
 * pageblocks, drains the per-CPU lists and takes the pages from the free
 * lists. Asked only for a block that looked wholly free, it migrates
 * nothing; one that was taken meanwhile fails (-EBUSY) or is migrated out
 * if it can be. The look first is cheap: a pageblock's free block is one
 * PageBuddy() head whose order covers it.
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>

#include "compat.h"
#include "fault.h"
#include "platform.h"

/*
 * Only the zones um_plat_block_alloc()'s GFP_KERNEL takes blocks from:
 * never ZONE_MOVABLE (an unmovable block there would keep its memory from
 * going offline) nor ZONE_DMA (kept for the devices that need it).
 */
static bool um_zone_for_blocks(const struct zone *zone)
{
	enum zone_type z = zone_idx(zone);

#ifdef CONFIG_ZONE_DMA32
	if (z == ZONE_DMA32)
		return true;
#endif
	return z == ZONE_NORMAL;
}

/* Does a free buddy block cover [@pfn, @pfn + 2^@order)? A hint. */
static bool um_looks_free(unsigned long pfn, unsigned int order)
{
	unsigned int k;

	for (k = order; k < UM_NR_PAGE_ORDERS; k++) {
		unsigned long head = pfn & ~((1UL << k) - 1);
		struct page *page = pfn_to_online_page(head);

		if (page && um_compat_free_block_order(page) >= (int)k)
			return true;
	}
	return false;
}

int um_plat_block_alloc_at(struct um_platform *p, int nid, unsigned int order,
			   um_pfn_t pfn)
{
	unsigned long n = 1UL << order, i;
	struct page *first, *last;
	int err;

	might_sleep();
	if (order < UM_PMD_ORDER || order >= UM_NR_PAGE_ORDERS ||
	    (pfn & (n - 1)) || nid < 0 || nid >= nr_node_ids)
		return -EBUSY;
	first = pfn_to_online_page(pfn);
	last = pfn_to_online_page(pfn + n - 1);
	if (!first || !last || page_zone(first) != page_zone(last) ||
	    page_to_nid(first) != nid || !um_zone_for_blocks(page_zone(first)) ||
	    !um_looks_free(pfn, order) || um_highmap_alias(pfn, n))
		return -EBUSY;
	if (um_fault(UM_FAULT_BLOCK_ALLOC, 0, n, NULL))
		return -ENOMEM;
	/*
	 * No __GFP_ZERO (6.12+ take few bits; the pages are cleared below),
	 * no OOM kill. Reclaim only serves migrating what was taken since
	 * the look, as for a block from um_plat_block_alloc().
	 */
	err = um_compat_alloc_contig_range(pfn, pfn + n,
					   GFP_KERNEL | __GFP_NOWARN);
	if (err)
		return err == -ENOMEM ? -ENOMEM : -EBUSY;
	/* As um_plat_block_alloc()'s __GFP_ZERO, through the direct map. */
	for (i = 0; i < n; i++) {
		clear_highpage(first + i);
		if (!(i & 511))
			cond_resched();
	}
	return 0;
}
