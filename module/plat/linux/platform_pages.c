// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform_pages.c - um_plat_* memory: the page allocator and the slab.
 *
 * A block must be mapped by the direct map only: the cache takes pages out
 * of the direct map, not out of other mappings. One other kernel mapping
 * of free pages exists on x86_64: the kernel image's high mapping
 * (__START_KERNEL_map) covers the image up to its next 2M boundary, and
 * the pages past the image's end that the page allocator got back (unused
 * brk) are still mapped there, present and writable. Blocks with such a
 * page are set aside until unload (counted in alias_kept_pages) and another
 * block is taken. The range backend's CPA calls touch the direct map only
 * (no alias search), so nothing else of the high mapping ever changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/page.h>

#include "compat.h"
#include "fault.h"
#include "platform.h"

/* Blocks with a high-map alias, held until unload: head page's lru. */
static LIST_HEAD(um_alias_kept);
static DEFINE_SPINLOCK(um_alias_lock);

/* How many blocks with an alias one refill sets aside before giving up. */
#define UM_ALIAS_TRIES	8

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

/* The core's UM_DEFERRED_FREE_BYTES of scratch at the start of the block. */
struct um_deferred_meta {
	struct rcu_head rcu;
};

void um_plat_meta_free_deferred(struct um_platform *p, void *ptr)
{
	BUILD_BUG_ON(sizeof(struct um_deferred_meta) > UM_DEFERRED_FREE_BYTES);
	/* kfree_rcu(): the kernel's callback, so nothing waits at unload. */
	kfree_rcu((struct um_deferred_meta *)ptr, rcu);
}

void um_plat_read_lock(struct um_platform *p)
{
	rcu_read_lock();
}

void um_plat_read_unlock(struct um_platform *p)
{
	rcu_read_unlock();
}

/* Does the kernel image's high mapping map any of [@pfn, @pfn + @nr)? */
bool um_highmap_alias(unsigned long pfn, unsigned long nr)
{
	phys_addr_t start = PFN_PHYS(pfn), end = PFN_PHYS(pfn + nr);
	phys_addr_t lo = phys_base, hi = phys_base + KERNEL_IMAGE_SIZE;
	unsigned long i;

	if (end <= lo || start >= hi)
		return false;
	for (i = 0; i < nr; i++) {
		phys_addr_t phys = PFN_PHYS(pfn + i);
		unsigned int level;
		pte_t *pte;

		if (phys < lo || phys >= hi)
			continue;
		pte = lookup_address(__START_KERNEL_map + (phys - phys_base),
				     &level);
		if (pte && (pte_flags(*pte) & _PAGE_PRESENT))
			return true;
	}
	return false;
}

static void um_alias_keep(struct um_platform *p, struct page *page,
			  unsigned int order)
{
	set_page_private(page, order);
	spin_lock(&um_alias_lock);
	list_add(&page->lru, &um_alias_kept);
	spin_unlock(&um_alias_lock);
	atomic64_add(1UL << order, &p->alias_kept_pages);
}

/** um_pages_exit() - give the blocks kept for their alias back. [sleeps] */
void um_pages_exit(void)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &um_alias_kept, lru) {
		list_del(&page->lru);
		__free_pages(page, page_private(page));
	}
}

int um_plat_block_alloc(struct um_platform *p, int nid, unsigned int order,
			unsigned int flags, um_pfn_t *pfn)
{
	gfp_t gfp = GFP_KERNEL | __GFP_THISNODE | __GFP_ZERO | __GFP_NOWARN;
	struct page *page;
	int tries;

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
	/* keep_1g candidates (plat_api.h): free low memory, no reclaim. */
	if (flags & UM_PLAT_ALLOC_CANDIDATE)
		gfp &= ~__GFP_RECLAIM;
	if (flags & UM_PLAT_ALLOC_LOWZONE)
		gfp |= GFP_DMA32;
	for (tries = 0; tries < UM_ALIAS_TRIES; tries++) {
		page = alloc_pages_node(nid, gfp, order);
		if (!page)
			return -ENOMEM;
		if (!um_highmap_alias(page_to_pfn(page), 1UL << order))
			break;
		/* Kept, or the page allocator hands it out again at once. */
		um_alias_keep(p, page, order);
		page = NULL;
	}
	if (!page)
		return -ENOMEM;
	/* The contract: every page can be freed on its own. */
	if (order)
		split_page(page, order);
	*pfn = page_to_pfn(page);
	return 0;
}

/*
 * Is [@pfn, @pfn + @nr) present in the direct map? One page-table lookup
 * per mapping it crosses: one for a chunk inside a 2M entry.
 */
static bool um_range_mapped(um_pfn_t pfn, um_u64 nr)
{
	unsigned long addr = (unsigned long)pfn_to_kaddr(pfn);
	unsigned long end = addr + (nr << PAGE_SHIFT);

	while (addr < end) {
		unsigned int level;
		pte_t *pte = lookup_address(addr, &level);
		unsigned long size = page_level_size(level);

		if (!pte || !(pte_flags(*pte) & _PAGE_PRESENT))
			return false;
		addr = (addr & ~(size - 1)) + size;
	}
	return true;
}

/* One page on its own, as the page allocator's contract says. */
static void um_free_one(struct um_platform *p, um_pfn_t pfn)
{
	/*
	 * The page allocator would hand an unmapped page to someone who
	 * writes it through the direct map: a fatal fault far from here.
	 * Keep such a page forever instead (a core bug).
	 */
	if (!pfn_valid(pfn) || !um_range_mapped(pfn, 1)) {
		atomic64_inc(&p->refused_free_pages);
		pr_err_once("pfn %#llx is not in the direct map: not freeing it (leaked)\n",
			    pfn);
		return;
	}
	__free_page(pfn_to_page(pfn));
}

/*
 * The page allocator puts what is freed at orders up to
 * PAGE_ALLOC_COSTLY_ORDER, and at pageblock_order (THP), on the freeing
 * CPU's per-CPU lists (pcp_allowed_order()). A release frees hundreds of
 * MiB from one CPU; 6.7's pcp auto-tuning lets that CPU's lists grow to
 * hold 100+ MiB of it, out of other CPUs' reach until a drain, and their
 * allocations go to reclaim and the OOM killer meanwhile. Chunks of the
 * other orders (4..8 and 10) go straight to the buddy lists and merge
 * there; the rest of a run that is not so aligned goes page by page.
 */
#define UM_PCP_THP_ORDER	(PMD_SHIFT - PAGE_SHIFT)

static unsigned int um_chunk_order(um_pfn_t pfn, um_u64 nr)
{
	unsigned int order = UM_NR_PAGE_ORDERS - 1;

	while (order > PAGE_ALLOC_COSTLY_ORDER &&
	       (order == UM_PCP_THP_ORDER || (pfn & ((1UL << order) - 1)) ||
		nr < (1UL << order)))
		order--;
	return order > PAGE_ALLOC_COSTLY_ORDER ? order : 0;
}

/*
 * Can the pages of a chunk be freed as one order-@order page? They must be
 * in the state the page allocator checks at free (free_page_is_bad()), as
 * every page the cache frees is: unmapped by users, not in a file, not
 * charged, one reference (split_page()'s). Then the tails' references
 * are frozen to 0, the state of a non-compound high-order page. A page
 * that is not so (a speculative reference, hwpoison) sends the chunk the
 * order-0 way, where the page allocator deals with it as it always does.
 */
static bool um_chunk_take(struct page *page, unsigned int order)
{
	unsigned long i, n = 1UL << order;

	for (i = 0; i < n; i++) {
		struct page *q = page + i;

		/* -1: no mapping, no page type (the union's two users). */
		if (atomic_read(&q->_mapcount) != -1 || q->mapping || PageHWPoison(q) ||
		    (um_compat_page_flags(q) & PAGE_FLAGS_CHECK_AT_FREE) ||
		    um_compat_page_memcg_data(q) || page_ref_count(q) != 1)
			return false;
	}
	for (i = 1; i < n; i++) {
		if (!page_ref_freeze(page + i, 1)) {
			while (--i)
				page_ref_unfreeze(page + i, 1);
			return false;
		}
	}
	return true;
}

void um_plat_pages_free(struct um_platform *p, um_pfn_t pfn, um_u64 nr)
{
	while (nr) {
		unsigned int order = um_chunk_order(pfn, nr);
		um_u64 n = 1ULL << order;

		if (order && pfn_valid(pfn) && um_range_mapped(pfn, n) &&
		    um_chunk_take(pfn_to_page(pfn), order)) {
			__free_pages(pfn_to_page(pfn), order);
		} else {
			um_u64 i;

			for (i = 0; i < n; i++)
				um_free_one(p, pfn + i);
		}
		pfn += n;
		nr -= n;
	}
}
