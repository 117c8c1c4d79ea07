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
 * Why this cannot recurse into itself or deadlock, although releasing
 * changes page tables and flushes TLBs:
 *  - Reclaim runs with PF_MEMALLOC set, so an allocation made while we
 *    release (a CPA page-table page) never enters direct reclaim again: it
 *    dips into the reserves or fails, and the core keeps what it could not
 *    map back (leaked_pages) rather than freeing it. drop_caches calls us
 *    without PF_MEMALLOC; an allocation there may reclaim and call us
 *    again, and that nested call finds the node mutex taken (below).
 *  - Restoring a whole block that left whole allocates nothing: its 2M (or
 *    4K, after a page-backend split) entries already exist. Only
 *    shrink_partial with the range backend splits a 2M entry on release.
 *  - UM_SHRINK_NOWAIT makes the core only TRY the node mutex. A refill
 *    holds that mutex while it allocates; if that allocation enters reclaim
 *    and reclaim calls us, the trylock fails and we return SHRINK_STOP
 *    instead of waiting on ourselves. No core spinlock is held across a
 *    release, and the CPA lock is dropped by the kernel around its own
 *    page-table allocations.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/shrinker.h>

#include "compat.h"
#include "shim.h"

static struct um_compat_shrinker *um_shrinker;

/*
 * Scans wait for each other. Without this, a direct reclaimer that finds
 * another reclaimer (kswapd, say) releasing a block gets nothing from the
 * core's trylock, returns SHRINK_STOP within microseconds, and after a few
 * such rounds without progress the allocator calls the OOM killer while
 * the cache still holds plenty. Waiting here instead is safe: the holder
 * only ever waits for the node mutex with a trylock (so never for a refill
 * whose allocation may be what called us), and a scan recursing through
 * its own allocation (possible from drop_caches, which runs without
 * PF_MEMALLOC) sees itself as the owner and stops.
 */
static DEFINE_MUTEX(um_shrink_mutex);
static struct task_struct *um_shrink_owner;

static unsigned long um_shrink_count(struct shrinker *s,
				     struct shrink_control *sc)
{
	um_u64 n = um_cache_shrink_count(um_platform.cache, sc->nid);

	return n ? n : SHRINK_EMPTY;
}

static unsigned long um_shrink_scan(struct shrinker *s,
				    struct shrink_control *sc)
{
	um_u64 n;

	if (READ_ONCE(um_shrink_owner) == current)
		return SHRINK_STOP;
	if (mutex_lock_killable(&um_shrink_mutex))
		return SHRINK_STOP;
	WRITE_ONCE(um_shrink_owner, current);
	n = um_cache_shrink(um_platform.cache, sc->nid, sc->nr_to_scan,
			    UM_SHRINK_NOWAIT);
	WRITE_ONCE(um_shrink_owner, NULL);
	mutex_unlock(&um_shrink_mutex);
	if (!n)
		return SHRINK_STOP;
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
