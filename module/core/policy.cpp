// SPDX-License-Identifier: GPL-2.0-only
/*
 * policy.cpp - refill order, release selection, watermarks.
 */
#include "policy.h"
#include "util.h"

namespace um {
namespace policy {

unsigned refillOrder(unsigned order, bool bulk, unsigned unshared_batch)
{
	return bulk || unshared_batch > 1 ? kMaxOrder - 1 : maxOf(order, kPmdOrder);
}

unsigned refillBatch(const um_config &cfg, int flush_targets,
		     u64 block_pages, u64 node_pages, u64 pages_free)
{
	if (flush_targets <= 0 || !block_pages)
		return 1;

	u64 want = (u64(flush_targets) * 1000 + block_pages - 1) / block_pages;

	/* The cap counts 2M blocks: larger blocks, as many bytes' worth. */
	u64 cap = cfg.refill_batch_max ? cfg.refill_batch_max : kRefillBatchMax;

	want = minOf(want, maxOf((cap << kPmdOrder) / block_pages, u64(1)));
	want = minOf(want, node_pages / 256 / block_pages);
	if (cfg.max_free_pages)
		want = minOf(want, cfg.max_free_pages > pages_free ?
			     (cfg.max_free_pages - pages_free) / block_pages : 0);
	return want > 1 ? unsigned(want) : 1;
}

bool nextFallbackOrder(unsigned tried, unsigned order, unsigned *next)
{
	if (tried <= order)
		return false;
	*next = tried - 1;
	return true;
}

ReleaseGoal shrinkGoal(const um_config &cfg, u64 nr_pages)
{
	return ReleaseGoal{ nr_pages, cfg.min_free_pages,
			    cfg.shrink_partial != 0 };
}

ReleaseGoal trimGoal(const um_config &cfg, u64 pages_free)
{
	u64 excess = overCap(cfg, pages_free) ?
		pages_free - cfg.max_free_pages : 0;

	return ReleaseGoal{ excess, cfg.min_free_pages,
			    cfg.shrink_partial != 0 };
}

ReleaseGoal lastResortGoal(u64 nr_pages)
{
	return ReleaseGoal{ nr_pages, 0, true };
}

ReleaseGoal drainGoal()
{
	return lastResortGoal(~u64(0));
}

u64 releaseAllowance(u64 pages_free, u64 keep_free)
{
	return pages_free > keep_free ? pages_free - keep_free : 0;
}

bool pickReleaseOrder(u32 mask, u64 allowance, unsigned *order)
{
	if (!allowance)
		return false;
	/* Orders whose 2^k pages fit: k <= floor(log2(allowance)). */
	unsigned fits = allowance >= pagesOf(kMaxOrder) ? kMaxOrder - 1 :
		63 - __builtin_clzll(allowance);
	u32 candidates = mask & u32(pagesOf(fits + 1) - 1);

	if (!candidates)
		return false;
	*order = highestBit(candidates);
	return true;
}

u64 shrinkCount(const um_config &cfg, u64 pages_free, u64 pages_whole_free)
{
	u64 releasable = cfg.shrink_partial ? pages_free : pages_whole_free;

	return minOf(releasable,
		     releaseAllowance(pages_free, cfg.min_free_pages));
}

bool overCap(const um_config &cfg, u64 pages_free)
{
	return cfg.max_free_pages && pages_free > cfg.max_free_pages;
}

u64 prefillDeficit(const um_config &cfg, u64 pages_free)
{
	return cfg.prefill_pages > pages_free ?
		cfg.prefill_pages - pages_free : 0;
}

u32 magazineHigh(const um_config &cfg, int nr_cpus)
{
	u64 high = minOf(u64(cfg.percpu_pages), u64(kMagCap));

	if (cfg.max_free_pages && nr_cpus > 0)
		high = minOf(high, cfg.max_free_pages / (4 * u64(nr_cpus)));
	return high >= 2 * kMagBatch ? u32(high) : 0;
}

int validateConfig(const um_config &cfg)
{
	if (unsigned(cfg.backend) >= UM_BACKEND_NR || cfg.shrink_partial > 1 ||
	    cfg.keep_1g > 1 || cfg.percpu_pages > kMagCap ||
	    cfg.refill_batch_max > kRefillBatchMax)
		return -UM_EINVAL;
	/* A cap below the watermarks would make trim and prefill fight. */
	if (cfg.max_free_pages && (cfg.min_free_pages > cfg.max_free_pages ||
				   cfg.prefill_pages > cfg.max_free_pages))
		return -UM_EINVAL;
	return 0;
}

} /* namespace policy */
} /* namespace um */
