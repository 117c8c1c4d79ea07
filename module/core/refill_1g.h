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
 * found, neither among the candidates nor by address: a bounded walk over
 * the node's pfns (directed, from where the node's last one stopped) skips
 * every GiB that one 1G entry maps with one lookup and asks the platform
 * for a block there that the page allocator holds free
 * (um_plat_block_alloc_at()). Only when that finds none either is a split
 * accepted (a low-zone block's entry rather than a ZONE_NORMAL one), and
 * then the split region's other blocks are 2M-mapped: the next refills
 * find them at their first or second try.
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
	u32 directed;		/* 0 or 1: a block taken by address */
	u32 directed_missed;	/* 0 or 1: the walk found none */
	u32 directed_looked;	/* blocks and 1G entries the walk looked at */
};

/* Blocks (and 1G entries) one directed walk looks at, at most: 2 GiB of 2M. */
constexpr u32 kDirectedLookMax = 1024;

/**
 * allocBlockKeeping1g() - um_plat_block_alloc(), but when @keep_1g and the
 * block lies in a 1G entry, look for one that does not (at most
 * UM_REFILL_1G_CANDIDATES extra blocks, then, for 2M blocks and up, one
 * directed walk from *@cursor, which it moves on; the node's refills
 * share it). [sleeps]
 * Return: 0 and *pfn, or -UM_ENOMEM (nothing taken, nothing held).
 */
int allocBlockKeeping1g(um_platform *plat, int nid, unsigned order,
			unsigned flags, bool keep_1g, um_pfn_t *cursor,
			um_pfn_t *pfn, Refill1gTally *tally);

/** statsAddRefill1g() - add a search's tally to the counters. */
void statsAddRefill1g(um_stats &s, const Refill1gTally &tally);

} /* namespace um */

#endif /* UNMAPPED_CORE_REFILL_1G_H */
