/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.h - the decisions that set how often the direct map is touched:
 * which order to refill at, what to release and when to stop. Pure
 * functions of counters and the configuration, so tests can pin them down
 * without a platform.
 */
#ifndef UNMAPPED_CORE_POLICY_H
#define UNMAPPED_CORE_POLICY_H

#include "types.h"

namespace um {
namespace policy {

/**
 * refillOrder() - the order of the block to take for a request of @order:
 * a 2 MiB block (one direct-map change, no 2M split), or the request's own
 * order if larger; the largest order for @bulk (UM_ALLOC_BULK), and where
 * removals cannot share a flush (6.1, 6.12) for an @unshared_batch
 * (refillBatch() there) above 1: one change and one flush for the most
 * pages. Lower orders are fallbacks (see nextFallbackOrder()).
 */
unsigned refillOrder(unsigned order, bool bulk, unsigned unshared_batch = 1);

/* Most blocks one refill takes under one TLB flush (refillBatch()). */
constexpr unsigned kRefillBatchMax = 8;

/**
 * refillBatch() - how many blocks of @block_pages one refill takes when
 * their removals can share one TLB flush. A kernel TLB flush interrupts
 * every other CPU (@flush_targets IPIs), whatever it covers, so the refill
 * brings in enough pages for that to come to at most one IPI per 1000
 * pages (a cold run that uses only part of its last batch then still pays
 * at most two): one block with no other CPU, more as CPUs come. Bounded by
 * as many bytes as cfg.refill_batch_max 2M blocks (0: kRefillBatchMax), by
 * 1/256 of the node (@node_pages) and by what max_free_pages leaves above
 * @pages_free. Where removals cannot share a flush, a result above 1 for
 * 2M blocks makes the refill's blocks 4 MiB ones (refillOrder()), batched
 * again with this for their size and removed one run of adjacent blocks
 * per change. Return: at least 1.
 */
unsigned refillBatch(const um_config &cfg, int flush_targets,
		     u64 block_pages, u64 node_pages, u64 pages_free);

/**
 * nextFallbackOrder() - after a refill at @tried failed, the next order to
 * try for a request of @order. Return: false when @tried was the last.
 */
bool nextFallbackOrder(unsigned tried, unsigned order, unsigned *next);

/* What a release pass may do. */
struct ReleaseGoal {
	u64 nr_pages;		/* stop once this many pages are released */
	u64 keep_free;		/* never let free pages drop below this */
	bool partial;		/* may release chunks of partly used blocks */
};

/** shrinkGoal() - a shrinker pass: @nr_pages, keeping min_free_pages. */
ReleaseGoal shrinkGoal(const um_config &cfg, u64 nr_pages);
/**
 * trimGoal() - down to max_free_pages (nothing when there is no cap),
 * keeping min_free_pages; parts of partly used blocks only with
 * shrink_partial, as the shrinker.
 */
ReleaseGoal trimGoal(const um_config &cfg, u64 pages_free);
/**
 * lastResortGoal() - @nr_pages whatever min_free_pages and shrink_partial
 * say: memory is so short that the OOM killer is next.
 */
ReleaseGoal lastResortGoal(u64 nr_pages);
/** drainGoal() - everything free, whatever the watermarks (unload). */
ReleaseGoal drainGoal();

/** releaseAllowance() - pages releasable without crossing @keep_free. */
u64 releaseAllowance(u64 pages_free, u64 keep_free);

/**
 * pickReleaseOrder() - the largest order in @mask (bit k: something of
 * order k is available) that fits in @allowance pages.
 * Return: false if nothing fits.
 */
bool pickReleaseOrder(u32 mask, u64 allowance, unsigned *order);

/** shrinkCount() - um_cache_shrink_count() for one node. */
u64 shrinkCount(const um_config &cfg, u64 pages_free, u64 pages_whole_free);

/** overCap() - do @pages_free exceed the cap (max_free_pages)? */
bool overCap(const um_config &cfg, u64 pages_free);

/** prefillDeficit() - free pages missing to reach the prefill target. */
u64 prefillDeficit(const um_config &cfg, u64 pages_free);

/**
 * magazineHigh() - the most pages one CPU's magazine may hold: percpu_pages,
 * at most kMagCap, and under a cap so that all @nr_cpus magazines together
 * hold at most a quarter of it. 0 (off) when that leaves less than two
 * batches: a magazine that moves a batch at every other call saves nothing.
 */
u32 magazineHigh(const um_config &cfg, int nr_cpus);

/** validateConfig() - Return: 0, or -UM_EINVAL for knobs the cache cannot honour. */
int validateConfig(const um_config &cfg);

} /* namespace policy */
} /* namespace um */

#endif /* UNMAPPED_CORE_POLICY_H */
