// SPDX-License-Identifier: GPL-2.0-only
/*
 * api.c - the in-kernel API (include/linux/unmapped.h), exported GPL.
 *
 * Translates GFP flags into core flags, and core errors into rate-limited
 * reports that name the caller. __GFP_ACCOUNT charges the block to the
 * caller's memory cgroup, as the page allocator does; freeing uncharges it
 * before the block can be handed out again. A caller's mistake (foreign page, double
 * free, wrong or too large order, bad node, GFP flags this cache cannot
 * honour) never WARNs and never changes the cache: the core refuses it
 * before touching anything.
 *
 * Module references: every block handed out holds one reference on this
 * module, dropped when the block comes back. A caller module that uses
 * these symbols cannot be unloaded before us anyway, but it can be
 * unloaded while it still holds blocks (a leak, or pages it handed to
 * someone else); without the reference, our exit would then find pages in
 * use that it can neither take back nor leave unmapped behind a freed cache.
 * With it, `rmmod unmapped` fails with EBUSY ("in use") until every block
 * is back. Dropping the reference inside unmapped_pages_free() is safe:
 * the caller runs our code through a symbol it resolved, so its own module
 * (or, for the char device, the open file) pins us until the call returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/sched/mm.h>
#include <linux/unmapped.h>

#include "compat.h"
#include "front.h"

/* Flags the cache cannot honour: zones, compound pages, never failing. */
#define UM_GFP_REFUSED	(__GFP_DMA | __GFP_DMA32 | __GFP_COMP | __GFP_NOFAIL)
#define UM_GFP_KNOWN	(__GFP_BITS_MASK | __GFP_UNMAPPED_NOZERO)

/* One budget for all misuse reports: a buggy caller in a loop stays quiet. */
static DEFINE_RATELIMIT_STATE(um_misuse_rs, 5 * HZ, 10);

#define um_misuse(caller, fmt, ...)					\
	do {								\
		if (__ratelimit(&um_misuse_rs))				\
			pr_warn("%pS: " fmt, (void *)(caller), ##__VA_ARGS__); \
	} while (0)

static struct page *um_alloc(int nid, gfp_t gfp, unsigned int order,
			     unsigned int flags, unsigned long caller)
{
	struct um_cache *cache = READ_ONCE(um_front.cache);
	unsigned int scope = 0;
	bool blocking = gfpflags_allow_blocking(gfp);
	um_pfn_t pfn;
	int err;

	BUILD_BUG_ON((__force unsigned int)__GFP_UNMAPPED_NOZERO <
		     (1U << __GFP_BITS_SHIFT));
	BUILD_BUG_ON(NUMA_NO_NODE != UM_NUMA_NO_NODE);
	BUILD_BUG_ON(UM_MAX_ORDER != UM_NR_PAGE_ORDERS);

	/* Callers bind to our symbols only once init is done (see main.c). */
	if (unlikely(!cache))
		return NULL;
	if ((gfp & ~UM_GFP_KNOWN) || (gfp & UM_GFP_REFUSED)) {
		atomic64_inc(&um_front.api_refused);
		um_misuse(caller, "unmapped_pages_alloc(gfp %#x, order %u): unsupported GFP flags %#x\n",
			  (__force unsigned int)gfp, order,
			  (__force unsigned int)(gfp & (~UM_GFP_KNOWN | UM_GFP_REFUSED)));
		return NULL;
	}
	if (gfp & __GFP_UNMAPPED_NOZERO)
		flags |= UM_ALLOC_NOZERO;
	if (gfp & __GFP_THISNODE)
		flags |= UM_ALLOC_THISNODE;
	/* The caller's memalloc_nofs/noio scope counts as its gfp does. */
	gfp = current_gfp_context(gfp);
	if (!blocking) {
		flags |= UM_ALLOC_ATOMIC;
	} else {
		if (gfp & (__GFP_RETRY_MAYFAIL | __GFP_NORETRY))
			flags |= UM_ALLOC_MAYFAIL;
		/* May hold locks that FS/IO reclaim waits for. */
		if ((gfp & (__GFP_FS | __GFP_IO)) != (__GFP_FS | __GFP_IO))
			flags |= UM_ALLOC_NOFS;
		/* Whatever a refill allocates obeys the caller's context. */
		if (!(gfp & __GFP_IO))
			scope = memalloc_noio_save();
		else if (!(gfp & __GFP_FS))
			scope = memalloc_nofs_save();
	}

	err = um_cache_alloc(cache, nid, order, flags, &pfn);
	/* Charged as alloc_pages(__GFP_ACCOUNT) charges, in the same scope. */
	if (!err && (gfp & __GFP_ACCOUNT)) {
		if (um_compat_memcg_charge(pfn_to_page(pfn), gfp, order)) {
			atomic64_inc(&um_front.memcg_refused);
			um_cache_free(cache, pfn, order);
			err = -ENOMEM;
		} else if (um_compat_memcg_charged(pfn_to_page(pfn))) {
			atomic64_inc(&um_front.charged_chunks);
		}
	}

	if (blocking && !(gfp & __GFP_IO))
		memalloc_noio_restore(scope);
	else if (blocking && !(gfp & __GFP_FS))
		memalloc_nofs_restore(scope);

	switch (err) {
	case 0:
		__module_get(THIS_MODULE);
		return pfn_to_page(pfn);
	case -ERANGE:
		um_misuse(caller, "unmapped_pages_alloc(order %u): order too large (max %u)\n",
			  order, UM_MAX_ORDER - 1);
		break;
	case -ENODEV:
		um_misuse(caller, "unmapped_pages_alloc_node(nid %d, order %u): no such node with memory\n",
			  nid, order);
		break;
	case -EINVAL:
		um_misuse(caller, "unmapped_pages_alloc(gfp %#x, order %u): invalid request\n",
			  (__force unsigned int)gfp, order);
		break;
	}
	/* -ENOMEM, -EAGAIN, -EIO: counted in debugfs stats, like any failure. */
	return NULL;
}

struct page *unmapped_pages_alloc_node(int nid, gfp_t gfp, unsigned int order)
{
	return um_alloc(nid, gfp, order, 0, _RET_IP_);
}
EXPORT_SYMBOL_GPL(unmapped_pages_alloc_node);

struct page *unmapped_pages_alloc(gfp_t gfp, unsigned int order)
{
	return um_alloc(NUMA_NO_NODE, gfp, order, 0, _RET_IP_);
}
EXPORT_SYMBOL_GPL(unmapped_pages_alloc);

struct page *um_pages_alloc_bulk(int nid, gfp_t gfp, unsigned int order)
{
	return um_alloc(nid, gfp, order, UM_ALLOC_BULK, _RET_IP_);
}

void unmapped_pages_free(struct page *page, unsigned int order)
{
	struct um_cache *cache = READ_ONCE(um_front.cache);
	unsigned long caller = _RET_IP_;
	unsigned long pfn;
	int err;

	if (unlikely(!cache))
		return;
	if (!page) {
		atomic64_inc(&um_front.api_refused);
		um_misuse(caller, "unmapped_pages_free(NULL, order %u)\n", order);
		return;
	}
	/* Pointer arithmetic only: a bogus @page is never dereferenced... */
	pfn = page_to_pfn(page);
	/*
	 * ...until it is known to be ours: then its charge goes first. That
	 * check is a second hold of the node's lock, so it is made only while
	 * some chunk handed out is charged (none without __GFP_ACCOUNT).
	 */
	if (atomic64_read(&um_front.charged_chunks) &&
	    !um_cache_check_chunk(cache, pfn, order) &&
	    um_compat_memcg_uncharge(page, order))
		atomic64_dec(&um_front.charged_chunks);
	err = um_cache_free(cache, pfn, order);
	switch (err) {
	case 0:
		module_put(THIS_MODULE);
		return;
	case -ENOENT:
		um_misuse(caller, "unmapped_pages_free(pfn %#lx, order %u): page was not allocated here\n",
			  pfn, order);
		break;
	case -EALREADY:
		um_misuse(caller, "unmapped_pages_free(pfn %#lx, order %u): double free\n",
			  pfn, order);
		break;
	case -EINVAL:
		um_misuse(caller, "unmapped_pages_free(pfn %#lx, order %u): not a block of that order (wrong order?)\n",
			  pfn, order);
		break;
	case -ERANGE:
		um_misuse(caller, "unmapped_pages_free(pfn %#lx, order %u): order too large (max %u)\n",
			  pfn, order, UM_MAX_ORDER - 1);
		break;
	default:
		um_misuse(caller, "unmapped_pages_free(pfn %#lx, order %u): refused (%d)\n",
			  pfn, order, err);
		break;
	}
}
EXPORT_SYMBOL_GPL(unmapped_pages_free);
