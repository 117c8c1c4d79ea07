/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * front.h - the front ends of the cache (module/front) that main.c opens
 * after the cache is created and closes before it is destroyed. The
 * in-kernel API (api.c) is declared in include/linux/unmapped.h, the
 * character device in chardev.h, secret files in secretfile.h.
 */
#ifndef UNMAPPED_FRONT_H
#define UNMAPPED_FRONT_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "core_api.h"

/*
 * struct um_front - what the front ends share: the cache they serve and
 * their counters (published by obs/, names in obs/obs_stats.h).
 * @cache: set by main.c once the cache is created, cleared before it is
 *	   destroyed. The front ends only run while it is set: the API, the
 *	   shrinker and the hibernation notifier are opened after it and
 *	   closed before.
 * @api_refused: in-kernel API calls refused before reaching the core (GFP
 *	   flags this cache cannot honour, freeing NULL).
 * @memcg_refused: __GFP_ACCOUNT allocations the caller's memory cgroup
 *	   could not be charged for (api.c).
 * @charged_chunks: chunks handed out by the API with a memcg charge now:
 *	   while 0, a free skips the check that finds whether to uncharge.
 * @shrink_empty: shrinker scans that released nothing although count
 *	   said the cache had pages to give back (other releases took them
 *	   first, or none of the free chunks fit under min_cached_mb).
 * @oom_calls: OOM notifications (oom.c); @oom_pages: pages they released.
 * @file_owners: (open file, mm) pairs with regions now (file.c).
 * @owner_mms: mms with our mmu_notifier now, including those whose
 *	   notifier waits for its SRCU-deferred free; 0 once unload is done.
 * @owner_registrations: mmu_notifier registrations (mm_take_all_locks()).
 */
struct um_front {
	struct um_cache *cache;
	atomic64_t api_refused;
	atomic64_t memcg_refused;
	atomic64_t charged_chunks;
	atomic64_t shrink_empty;
	atomic64_t oom_calls;
	atomic64_t oom_pages;
	atomic64_t file_owners;
	atomic64_t owner_mms;
	atomic64_t owner_registrations;
};

extern struct um_front um_front;

/*
 * api.c: unmapped_pages_alloc_node() for a caller that will take many more
 * pages soon (a large secret file): a refill takes a 4 MiB block
 * (UM_ALLOC_BULK), one direct-map change and one flush for 1024 pages.
 */
struct page *um_pages_alloc_bulk(int nid, gfp_t gfp, unsigned int order);

/* front.c: the front ends' counters into @v, indexed by UM_SHIM_STAT_* */
void um_front_stats(u64 *v);

/* shrinker.c */
int um_shrinker_init(void);
void um_shrinker_exit(void);

/* oom.c: every free page goes back before the OOM killer kills */
int um_oom_init(void);
void um_oom_exit(void);

/* cpuhp.c: an offline CPU's per-CPU pages go back to their nodes */
int um_cpuhp_init(void);
void um_cpuhp_exit(void);

/* pm.c: hibernation refused while pages are out, else the cache emptied */
int um_pm_init(void);
void um_pm_exit(void);

#endif /* UNMAPPED_FRONT_H */
