/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform.h - the kernel platform of the core (module/plat/linux): the one
 * platform object the core is created with, and what main.c sets up and
 * tears down around it. The um_plat_* functions themselves are the core's
 * contract (module/core/plat_api.h); only this directory defines them.
 */
#ifndef UNMAPPED_PLAT_LINUX_PLATFORM_H
#define UNMAPPED_PLAT_LINUX_PLATFORM_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "plat_api.h"

/*
 * struct um_platform - the kernel platform of the core (opaque to it).
 * @cache: the cache, set once created and cleared before it is destroyed,
 *	   for the work items below (the front ends have their own pointer,
 *	   struct um_front).
 * @trim_work: runs um_cache_trim() for um_plat_request_trim().
 * @scrub_work: runs um_cache_scrub() for um_plat_request_scrub().
 * @prefill_work: runs um_cache_prefill() for um_platform_request_prefill():
 *	   a prefill may reclaim for a long time, so it runs in a work item,
 *	   never in the thread that asked for it (a parameter write holds
 *	   kernel_param_lock).
 * @work_lock: makes "check @work_enabled, queue a work item" atomic
 *	   against disabling them at unload.
 * @work_enabled: the work items above may be queued.
 * @refused_free_pages: pages the core asked to free while they were still
 *	   absent from the direct map; kept out of the page allocator.
 * @dm_level_drops: whole 2M chunks that a range change left mapped at 4K
 *	   although they were mapped by a 2M or 1G entry before it (the range
 *	   backend promises never to; see platform_dm.c).
 * @alias_kept_pages: pages the page allocator gave a refill that the kernel
 *	   image's high mapping also maps, held until unload instead
 *	   (platform_pages.c).
 */
struct um_platform {
	struct um_cache *cache;
	struct work_struct trim_work;
	struct work_struct scrub_work;
	struct work_struct prefill_work;
	spinlock_t work_lock;
	bool work_enabled;
	atomic64_t refused_free_pages;
	atomic64_t dm_level_drops;
	atomic64_t alias_kept_pages;
};

extern struct um_platform um_platform;

/* platform.c: deferred work (trim, scrub, prefill), nodes, time, bugs */
void um_platform_init(struct um_platform *p);
void um_platform_work_enable(struct um_platform *p, bool enable);
void um_platform_request_prefill(struct um_platform *p);
int um_local_memory_node(void);

/* platform_pages.c: blocks kept out of the cache for an alias */
void um_pages_exit(void);
bool um_highmap_alias(unsigned long pfn, unsigned long nr);

/* platform_scrub.c: per-CPU temporary mapping slots */
struct seq_file;
int um_scrub_init(void);
void um_scrub_exit(void);
void um_scrub_show(struct seq_file *m);

#endif /* UNMAPPED_PLAT_LINUX_PLATFORM_H */
