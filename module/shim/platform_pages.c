// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform_pages.c - um_plat_* memory: the page allocator and the slab.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "fault.h"
#include "shim.h"

/*
 * Nothing here warns on failure: the core falls back (lower orders, another
 * node) or fails the request, and the "page allocation failure" report
 * carries a Call Trace that reads like a bug.
 */
void *um_plat_meta_alloc(struct um_platform *p, size_t size, int nid)
{
	return kzalloc_node(size, GFP_KERNEL | __GFP_NOWARN,
			    nid == UM_NUMA_NO_NODE ? NUMA_NO_NODE : nid);
}

void um_plat_meta_free(struct um_platform *p, void *ptr)
{
	kfree(ptr);
}

int um_plat_block_alloc(struct um_platform *p, int nid, unsigned int order,
			unsigned int flags, um_pfn_t *pfn)
{
	gfp_t gfp = GFP_KERNEL | __GFP_THISNODE | __GFP_ZERO | __GFP_NOWARN;
	struct page *page;

	might_sleep();
	if (order >= UM_MAX_ORDER || nid < 0 || nid >= nr_node_ids ||
	    !node_state(nid, N_MEMORY))
		return -ENOMEM;
	if (um_fault(UM_FAULT_BLOCK_ALLOC, 0, 1UL << order, NULL))
		return -ENOMEM;
	/*
	 * Blocks are an optimisation: no OOM kill, little reclaim for them.
	 * An order-0 refill serves one page the caller asked for: it tries
	 * as hard as the caller's gfp says (ALLOC's __GFP_RETRY_MAYFAIL must
	 * not invoke the OOM killer for an ioctl). NOFS/NOIO come from the
	 * caller's memalloc scope (api.c).
	 */
	if (order)
		gfp |= __GFP_NORETRY;
	else if (flags & UM_ALLOC_MAYFAIL)
		gfp |= __GFP_RETRY_MAYFAIL;
	page = alloc_pages_node(nid, gfp, order);
	if (!page)
		return -ENOMEM;
	/* The contract: every page can be freed on its own. */
	if (order)
		split_page(page, order);
	*pfn = page_to_pfn(page);
	return 0;
}

/* Is the direct-map entry of @pfn present? */
static bool um_pfn_mapped(um_pfn_t pfn)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)pfn_to_kaddr(pfn), &level);

	return pte && (pte_flags(*pte) & _PAGE_PRESENT);
}

void um_plat_pages_free(struct um_platform *p, um_pfn_t pfn, um_u64 nr)
{
	um_u64 i;

	for (i = 0; i < nr; i++) {
		/*
		 * The page allocator would hand an unmapped page to someone
		 * who writes it through the direct map: a fatal fault far
		 * from here. Keep such a page forever instead (a core bug).
		 */
		if (!pfn_valid(pfn + i) || !um_pfn_mapped(pfn + i)) {
			atomic64_inc(&p->refused_free_pages);
			pr_err_once("pfn %#llx is not in the direct map: not freeing it (leaked)\n",
				    pfn + i);
			continue;
		}
		__free_page(pfn_to_page(pfn + i));
	}
}
