// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform_dm.c - um_plat_dm_*: taking pages out of the kernel direct map
 * and putting them back, and counting what that cost.
 *
 * Two backends (enum um_backend):
 *   range: one change_page_attr pass per block. A block that covers whole
 *	    aligned 2M mappings leaves and returns without splitting them:
 *	    set_memory_np() only clears _PAGE_PRESENT in the 2M entry, and
 *	    the restore sets present, RW and global again, which is the
 *	    entry the kernel built at boot, bit for bit. CPA flushes the TLBs
 *	    of all CPUs itself (one flush_tlb_all() above 33 pages).
 *   page:  set_direct_map_{invalid,default}_noflush() per page, as
 *	    memfd_secret does. The first page of a 2M mapping splits it into
 *	    4K pages for good; the caller flushes once per batch.
 *
 * Every range change also checks its own promise (um_dm_levels_check()),
 * and both kinds of change are hooks for injected failures (fault.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/vmstat.h>

#include "compat.h"
#include "fault.h"
#include "platform.h"

/*
 * The kernel counts direct-map splits in two global vm events. Reading them
 * around our own call attributes to us any split another CPU did in the
 * same window (a module setting memory read-only, a BPF program loading):
 * the counts are an upper bound, exact when nothing else changes the
 * direct map meanwhile, as in the tests. Summed over possible CPUs without
 * cpus_read_lock(), unlike all_vm_events(): a dead CPU's events are folded
 * into a live CPU's, which the sum then sees once or, during the fold, not
 * at all; a one-off miscount is not worth a sleeping lock on every call.
 */
static void um_read_splits(u64 *l2, u64 *l3)
{
	int cpu;

	*l2 = 0;
	*l3 = 0;
	for_each_possible_cpu(cpu) {
		struct vm_event_state *ev = &per_cpu(vm_event_states, cpu);

		*l2 += READ_ONCE(ev->event[DIRECT_MAP_LEVEL2_SPLIT]);
		*l3 += READ_ONCE(ev->event[DIRECT_MAP_LEVEL3_SPLIT]);
	}
}

static void um_add_splits(struct um_dm_cost *cost, u64 l2, u64 l3)
{
	u64 l2_now, l3_now;

	um_read_splits(&l2_now, &l3_now);
	cost->splits_l2 += l2_now - l2;
	cost->splits_l3 += l3_now - l3;
}

/* Only RAM the page allocator owns, and only ranges CPA takes in one call. */
static bool um_pfn_range_ok(um_pfn_t pfn, um_u64 nr)
{
	return nr && nr <= INT_MAX && pfn + nr > pfn && pfn_valid(pfn) &&
	       pfn_valid(pfn + nr - 1);
}

/*
 * The promise of the range backend, checked on every call: a 2M chunk the
 * range covers whole, mapped by a 2M or 1G entry before the change, is
 * still mapped by one after it (present or not). A 1G entry may become 2M
 * entries: removing a 2M block from inside it has to split it. A range
 * has at most UM_DM_CHUNKS chunks: an order-10 block has two, a refill's
 * run of adjacent ones (at most 8 2M blocks' worth, policy.h) eight.
 */
#define UM_DM_CHUNKS	8

struct um_dm_levels {
	um_pfn_t first;			/* first whole 2M chunk */
	unsigned int nr;		/* whole chunks checked */
	unsigned int level[UM_DM_CHUNKS];
};

static unsigned int um_dm_level_of(um_pfn_t pfn)
{
	unsigned int level = PG_LEVEL_NONE;

	if (!lookup_address((unsigned long)pfn_to_kaddr(pfn), &level))
		return PG_LEVEL_NONE;
	return level;
}

static_assert((int)UM_DM_LEVEL_4K == (int)PG_LEVEL_4K &&
	      (int)UM_DM_LEVEL_2M == (int)PG_LEVEL_2M &&
	      (int)UM_DM_LEVEL_1G == (int)PG_LEVEL_1G &&
	      (int)UM_DM_LEVEL_NONE == (int)PG_LEVEL_NONE);

enum um_dm_level um_plat_dm_level(struct um_platform *p, um_pfn_t pfn)
{
	if (!pfn_valid(pfn))
		return UM_DM_LEVEL_NONE;
	return (enum um_dm_level)um_dm_level_of(pfn);
}

static void um_dm_levels_read(struct um_dm_levels *l, um_pfn_t pfn, um_u64 nr)
{
	unsigned int i;

	l->first = ALIGN(pfn, PTRS_PER_PMD);
	l->nr = 0;
	while (l->nr < UM_DM_CHUNKS &&
	       l->first + (l->nr + 1) * PTRS_PER_PMD <= pfn + nr)
		l->nr++;
	for (i = 0; i < l->nr; i++)
		l->level[i] = um_dm_level_of(l->first + i * PTRS_PER_PMD);
}

static void um_dm_levels_check(const struct um_dm_levels *l, int present)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++) {
		um_pfn_t pfn = l->first + i * PTRS_PER_PMD;
		unsigned int now = um_dm_level_of(pfn);

		if (l->level[i] < PG_LEVEL_2M || now >= PG_LEVEL_2M)
			continue;
		atomic64_inc(&um_platform.dm_level_drops);
		pr_err_ratelimited("%s pfn %#llx+%d split its large direct mapping (level %u -> %u)\n",
				   present ? "restoring" : "removing", pfn,
				   PTRS_PER_PMD, l->level[i], now);
	}
}

/* One range change; @flush false: no flush (removal only, the caller's). */
static int um_dm_change_range(um_pfn_t pfn, um_u64 nr, int present,
			      bool flush, struct um_dm_cost *cost)
{
	unsigned long addr = (unsigned long)pfn_to_kaddr(pfn);
	struct um_dm_levels levels;
	bool injected, after = false;
	u64 l2, l3;
	int err;

	might_sleep();
	if (!um_pfn_range_ok(pfn, nr))
		return -EIO;
	injected = um_fault(present ? UM_FAULT_DM_RESTORE : UM_FAULT_DM_REMOVE,
			    pfn, nr, &after);
	if (injected && !after)
		return -EIO;
	um_dm_levels_read(&levels, pfn, nr);
	um_read_splits(&l2, &l3);
	if (present)
		err = um_compat_dm_restore_range(addr, nr);
	else if (flush)
		err = um_compat_dm_remove_range(addr, nr);
	else
		err = um_compat_dm_remove_range_noflush(addr, nr);
	cost->calls++;
	/* CPA flushes every CPU itself (and on failure flushes everything). */
	if (flush)
		cost->flushes++;
	um_add_splits(cost, l2, l3);
	um_dm_levels_check(&levels, present);
	if (err)
		pr_err_ratelimited("%s pfn %#llx+%llu in the direct map failed: %d\n",
				   present ? "restoring" : "removing", pfn, nr,
				   err);
	/* A failed split allocation says so; anything else is -EIO. */
	if (err)
		return err == -ENOMEM ? -ENOMEM : -EIO;
	return injected ? -EIO : 0;
}

int um_plat_dm_set_range(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
			 int present, struct um_dm_cost *cost)
{
	return um_dm_change_range(pfn, nr, present, true, cost);
}

bool um_plat_dm_can_defer_flush(struct um_platform *p)
{
	return um_compat_dm_can_defer_flush();
}

int um_plat_dm_remove_noflush(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
			      struct um_dm_cost *cost)
{
	if (!um_compat_dm_can_defer_flush())
		return -EIO;
	return um_dm_change_range(pfn, nr, 0, false, cost);
}

int um_plat_dm_set_page(struct um_platform *p, um_pfn_t pfn, int present,
			struct um_dm_cost *cost)
{
	u64 l2, l3;
	int err;

	might_sleep();
	if (!um_pfn_range_ok(pfn, 1))
		return -EIO;
	/* The contract: a failed page change leaves the page unchanged. */
	if (um_fault(present ? UM_FAULT_DM_RESTORE : UM_FAULT_DM_REMOVE, pfn, 1,
		     NULL))
		return -ENOMEM;
	um_read_splits(&l2, &l3);
	err = um_compat_dm_set_page(pfn_to_page(pfn), present);
	cost->calls++;
	um_add_splits(cost, l2, l3);
	if (err) {
		pr_err_ratelimited("%s pfn %#llx in the direct map failed: %d\n",
				   present ? "restoring" : "removing", pfn, err);
		/* A failed split allocation is the only way this fails. */
		return -ENOMEM;
	}
	return 0;
}

void um_plat_tlb_flush(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
		       struct um_dm_cost *cost)
{
	unsigned long start = (unsigned long)pfn_to_kaddr(pfn);

	might_sleep();
	/*
	 * vfree() clears a page's vmalloc mapping at once but flushes its
	 * TLB entries lazily: a CPU may still translate a freed vmalloc
	 * address to a page that is now ours. CPA purges them itself (range
	 * backend); the page backend and refill batches, like memfd_secret,
	 * do not, so do it here, with the same flush where the kernel lets.
	 */
	um_compat_flush_kernel_range_unaliased(start, start + (nr << PAGE_SHIFT));
	cost->flushes++;
}
