// SPDX-License-Identifier: GPL-2.0-only
/*
 * shrinker.c - gives free cached pages back under memory pressure.
 *
 * count: free pages the core may release on the node (whole free blocks,
 * minus min_cached_mb; parts of used 2M blocks only with shrink_partial).
 * scan: release at least what was asked, whole 2M blocks first (each goes
 * back to the direct map in one piece, as it left), or SHRINK_STOP. The
 * pages go straight to the page allocator, so they are credited to the
 * calling reclaim as progress (um_compat_account_reclaimed()).
 *
 * Why this cannot deadlock, although releasing changes page tables and
 * flushes TLBs:
 *  - A release takes no sleeping lock of the core (module/core/README.md):
 *    it never waits for a refill, a trim or another scan, on this thread
 *    or another. A refill holds its node's mutex while it allocates; when
 *    that allocation enters reclaim and reclaim calls us, we release beside
 *    it, which may be what lets it succeed.
 *  - Reclaim runs with PF_MEMALLOC set, so an allocation made while we
 *    release (a CPA page-table page) never enters direct reclaim again: it
 *    dips into the reserves or fails, and the core keeps what it could not
 *    map back (leaked_pages) rather than freeing it. drop_caches calls us
 *    without PF_MEMALLOC; an allocation there may reclaim and call us once
 *    more, which releases other chunks and returns.
 *  - Restoring a whole block that left whole allocates nothing: its 2M (or
 *    4K, after a page-backend split) entries already exist. Only
 *    shrink_partial with the range backend splits a 2M entry on release.
 *
 * A scan that releases nothing although count said there was something
 * is counted in shrink_empty (debugfs stats): with releases that never
 * wait, only because other releases took those chunks first, or none fits
 * under min_cached_mb.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/shrinker.h>

#include "compat.h"
#include "front.h"

static struct um_compat_shrinker *um_shrinker;

static unsigned long um_shrink_count(struct shrinker *s,
				     struct shrink_control *sc)
{
	um_u64 n = um_cache_shrink_count(um_front.cache, sc->nid);

	return n ? n : SHRINK_EMPTY;
}

static unsigned long um_shrink_scan(struct shrinker *s,
				    struct shrink_control *sc)
{
	um_u64 n;

	n = um_cache_shrink(um_front.cache, sc->nid, sc->nr_to_scan,
			    UM_SHRINK_NOWAIT);
	if (!n) {
		if (um_cache_shrink_count(um_front.cache, sc->nid))
			atomic64_inc(&um_front.shrink_empty);
		return SHRINK_STOP;
	}
	um_compat_account_reclaimed(n);
	return n;
}

/** um_shrinker_init() - start answering reclaim. Return: 0 or -errno. */
int um_shrinker_init(void)
{
	um_shrinker = um_compat_shrinker_register("unmapped", um_shrink_count,
						  um_shrink_scan);
	return PTR_ERR_OR_ZERO(um_shrinker);
}

/** um_shrinker_exit() - stop; on return no callback runs. [sleeps] */
void um_shrinker_exit(void)
{
	um_compat_shrinker_unregister(um_shrinker);
}
