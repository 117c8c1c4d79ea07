/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * refill_1g.h - a refill that keeps 1G direct-map entries whole (keep_1g).
 *
 * Removing a 2M block from the direct map inside a 1G entry splits that
 * entry into 512 2M entries for good (TLB reach lost). So when the page
 * allocator's block lies in a 1G entry, a bounded search takes other
 * candidates, low-zone ones first (below 4 GiB the kernel maps with 2M
 * entries around its holes), then plain ones. Rejected candidates are held until the search
 * ends: freed at once, the page allocator (LIFO free lists) would hand the
 * same block out again. A split is accepted only when nothing else was
 * found (a low-zone block's entry rather than a ZONE_NORMAL one), and then
 * the split region's other blocks are 2M-mapped: the next refills find them
 * at their first or second try.
 */
#ifndef UNMAPPED_CORE_REFILL_1G_H
#define UNMAPPED_CORE_REFILL_1G_H

#include "types.h"

namespace um {

/* What one refill's search did; counted at commit, under the node lock. */
struct Refill1gTally {
	u32 searches;		/* 0 or 1 */
	u32 tried;		/* extra blocks taken */
	u32 returned;		/* blocks given back */
	u32 split_accepted;	/* 0 or 1 */
};

/**
 * allocBlockKeeping1g() - um_plat_block_alloc(), but when @keep_1g and the
 * block lies in a 1G entry, look for one that does not (at most
 * UM_REFILL_1G_CANDIDATES extra blocks). [sleeps]
 * Return: 0 and *pfn, or -UM_ENOMEM (nothing taken, nothing held).
 */
int allocBlockKeeping1g(um_platform *plat, int nid, unsigned order,
			unsigned flags, bool keep_1g, um_pfn_t *pfn,
			Refill1gTally *tally);

/** statsAddRefill1g() - add a search's tally to the counters. */
void statsAddRefill1g(um_stats &s, const Refill1gTally &tally);

} /* namespace um */

#endif /* UNMAPPED_CORE_REFILL_1G_H */
