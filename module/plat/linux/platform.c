// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform.c - the platform object and the small um_plat_* services: NUMA
 * nodes, time, deferred work (trim, scrub, prefill), core bug reports.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/topology.h>

#include "compat.h"
#include "platform.h"

struct um_platform um_platform;

static void um_trim_work(struct work_struct *work)
{
	struct um_platform *p = container_of(work, struct um_platform,
					     trim_work);

	um_cache_trim(p->cache);
}

static void um_scrub_work(struct work_struct *work)
{
	struct um_platform *p = container_of(work, struct um_platform,
					     scrub_work);

	um_cache_scrub(p->cache);
}

static void um_prefill_work(struct work_struct *work)
{
	struct um_platform *p = container_of(work, struct um_platform,
					     prefill_work);

	um_cache_prefill(p->cache);
}

/** um_platform_init() - ready @p for um_cache_create(). */
void um_platform_init(struct um_platform *p)
{
	INIT_WORK(&p->trim_work, um_trim_work);
	INIT_WORK(&p->scrub_work, um_scrub_work);
	INIT_WORK(&p->prefill_work, um_prefill_work);
	spin_lock_init(&p->work_lock);
	p->work_enabled = false;
	atomic64_set(&p->refused_free_pages, 0);
	atomic64_set(&p->dm_level_drops, 0);
	atomic64_set(&p->alias_kept_pages, 0);
}

/**
 * um_platform_work_enable() - allow or stop the deferred work (trim,
 * scrub, prefill). [sleeps]
 * @p: the platform.
 * @enable: true once p->cache is set; false at unload.
 *
 * Disabling waits for a queued or running item (a prefill in the middle
 * of reclaim included), so afterwards none touches the cache.
 */
void um_platform_work_enable(struct um_platform *p, bool enable)
{
	unsigned long flags;

	spin_lock_irqsave(&p->work_lock, flags);
	p->work_enabled = enable;
	spin_unlock_irqrestore(&p->work_lock, flags);
	if (!enable) {
		cancel_work_sync(&p->trim_work);
		cancel_work_sync(&p->scrub_work);
		cancel_work_sync(&p->prefill_work);
	}
}

/* Queue @work on @wq unless unload has stopped the deferred work. */
static void um_platform_queue(struct um_platform *p,
			      struct workqueue_struct *wq,
			      struct work_struct *work)
{
	unsigned long flags;

	/* Callers include um_cache_free(), which may run in any context. */
	spin_lock_irqsave(&p->work_lock, flags);
	if (p->work_enabled)
		queue_work(wq, work);
	spin_unlock_irqrestore(&p->work_lock, flags);
}

void um_plat_request_trim(struct um_platform *p)
{
	um_platform_queue(p, um_compat_system_wq, &p->trim_work);
}

void um_plat_request_scrub(struct um_platform *p)
{
	/*
	 * The per-CPU system queue runs it on this CPU, after the atomic section that freed
	 * the pages or found them dirty; it zeroes 16 pages at a time and
	 * reschedules between pages.
	 */
	um_platform_queue(p, um_compat_system_wq, &p->scrub_work);
}

/**
 * um_platform_request_prefill() - top the cache up to prefill_mb soon, from
 * a work item. [atomic]
 * @p: the platform.
 *
 * On system_long_wq: it may reclaim for seconds. A request while one is
 * pending is merged into it (the prefill reads the target when it runs).
 */
void um_platform_request_prefill(struct um_platform *p)
{
	um_platform_queue(p, system_long_wq, &p->prefill_work);
}

int um_plat_nr_nodes(struct um_platform *p)
{
	return nr_node_ids;
}

int um_plat_node_has_memory(struct um_platform *p, int nid)
{
	return nid >= 0 && nid < nr_node_ids && node_state(nid, N_MEMORY);
}

/**
 * um_local_memory_node() - the node with memory nearest the calling CPU.
 *
 * numa_mem_id() is that node where the architecture keeps track of it
 * (CONFIG_HAVE_MEMORYLESS_NODES); x86 does not, and there it is the CPU's
 * own node, which may have no memory at all (a CPU-only NUMA node). Then
 * the nearest node with memory, by node_distance(), as the page allocator's
 * zonelist orders them (lowest id on a tie). [atomic]
 *
 * Return: a node with memory.
 */
int um_local_memory_node(void)
{
	int nid = numa_mem_id(), n, best = first_memory_node;

	if (node_state(nid, N_MEMORY))
		return nid;
	for_each_node_state(n, N_MEMORY)
		if (node_distance(nid, n) < node_distance(nid, best))
			best = n;
	return best;
}

int um_plat_current_node(struct um_platform *p)
{
	/* Where a NUMA_NO_NODE request starts: never a node without memory. */
	return um_local_memory_node();
}

void um_plat_node_span(struct um_platform *p, int nid, um_pfn_t *start,
		       um_pfn_t *end)
{
	*start = *end = 0;
	if (nid >= 0 && nid < nr_node_ids && node_online(nid)) {
		*start = node_start_pfn(nid);
		*end = node_end_pfn(nid);
	}
}

int um_plat_nr_cpus(struct um_platform *p)
{
	return nr_cpu_ids;
}

int um_plat_flush_targets(struct um_platform *p)
{
	return num_online_cpus() - 1;
}

int um_plat_cpu_hint(struct um_platform *p)
{
	/* Preemptible callers may move right after: the core locks what it picks. */
	return raw_smp_processor_id();
}

int um_plat_pfn_node(struct um_platform *p, um_pfn_t pfn)
{
	/* pfn_to_nid() reads the struct page: only for pfns that have one. */
	if (pfn != (unsigned long)pfn || !pfn_valid(pfn))
		return UM_NUMA_NO_NODE;
	return pfn_to_nid(pfn);
}

um_u64 um_plat_now_ns(struct um_platform *p)
{
	/* Any context, NMI included; monotonic. */
	return ktime_get_mono_fast_ns();
}

void um_plat_cond_resched(struct um_platform *p)
{
	cond_resched();
}

void um_plat_bug(struct um_platform *p, const char *what, const char *file,
		 int line)
{
	WARN_ONCE(1, KBUILD_MODNAME ": core invariant broken: %s (%s:%d)\n",
		  what, file, line);
}
