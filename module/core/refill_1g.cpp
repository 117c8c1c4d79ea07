// SPDX-License-Identifier: GPL-2.0-only
/*
 * refill_1g.cpp - the keep_1g candidate search (see refill_1g.h).
 */
#include "refill_1g.h"
#include "stats.h"
#include "util.h"

namespace um {

static bool in1g(um_platform *plat, um_pfn_t pfn)
{
	return um_plat_dm_level(plat, pfn) == UM_DM_LEVEL_1G;
}

/* Low-zone candidates in a 1G entry before the search turns to plain ones. */
static constexpr unsigned kLow1gTries = 2;

static constexpr u64 kPagesPer1g = u64(1) << 18;

/*
 * takeBlockBelow1g() - the directed walk: from *@cursor (wrapping once
 * around the node), a block of @order the page allocator holds free in
 * memory mapped below 1G. A GiB inside one 1G entry costs one lookup and is
 * skipped whole; other blocks cost a lookup and a look at the page
 * allocator's state. *@cursor moves past the last block looked at, so the
 * node's next walk goes on from there rather than over what it used up.
 */
static int takeBlockBelow1g(um_platform *plat, int nid, unsigned order,
			    um_pfn_t *cursor, um_pfn_t *pfn,
			    Refill1gTally *tally)
{
	u64 n = pagesOf(order);
	um_pfn_t lo, hi, c;
	u64 left;

	um_plat_node_span(plat, nid, &lo, &hi);
	lo = (lo + n - 1) & ~(n - 1);
	hi &= ~(n - 1);
	if (lo >= hi)
		return -UM_ENOMEM;
	c = *cursor & ~(n - 1);
	if (c < lo || c >= hi)
		c = lo;
	/* Blocks not yet passed in this walk: once around the node. */
	left = (hi - lo) / n;
	tally->directed_missed = 1;
	while (left && tally->directed_looked < kDirectedLookMax) {
		um_pfn_t next;

		tally->directed_looked++;
		if (in1g(plat, c)) {
			next = minOf<um_pfn_t>((c | (kPagesPer1g - 1)) + 1, hi);
		} else {
			next = c + n;
			if (!um_plat_block_alloc_at(plat, nid, order, c)) {
				*pfn = c;
				*cursor = next;
				tally->directed = 1;
				tally->directed_missed = 0;
				return 0;
			}
		}
		left -= minOf<u64>(left, (next - c) / n);
		c = next >= hi ? lo : next;
	}
	*cursor = c;
	return -UM_ENOMEM;
}

int allocBlockKeeping1g(um_platform *plat, int nid, unsigned order,
			unsigned flags, bool keep_1g, um_pfn_t *cursor,
			um_pfn_t *pfn, Refill1gTally *tally)
{
	/* held[0]: the page allocator's own choice. */
	um_pfn_t held[UM_REFILL_1G_CANDIDATES + 1];
	unsigned nr_held = 0, keep = 0, low_1g = 0;
	bool low = true, found = false;
	int err;

	err = um_plat_block_alloc(plat, nid, order, flags, pfn);
	/* The common case: one lookup, no search. */
	if (err || !keep_1g || !in1g(plat, *pfn))
		return err;

	tally->searches = 1;
	held[nr_held++] = *pfn;
	while (!found && nr_held <= UM_REFILL_1G_CANDIDATES) {
		unsigned f = flags | UM_PLAT_ALLOC_CANDIDATE |
			     (low ? UM_PLAT_ALLOC_LOWZONE : 0);
		um_pfn_t c;

		if (um_plat_block_alloc(plat, nid, order, f, &c)) {
			if (!low)
				break;
			low = false;	/* no low zone, or it is empty */
			continue;
		}
		tally->tried++;
		held[nr_held++] = c;
		if (!in1g(plat, c)) {
			keep = nr_held - 1;
			found = true;
		} else if (low) {
			/*
			 * Keep the low one if all fail: once its 1G entry is
			 * split, the next searches find 2M-mapped low blocks
			 * there at their first try, and ZONE_NORMAL's 1G
			 * entries stay whole until the low zone is used up.
			 */
			keep = nr_held - 1;
			low = ++low_1g < kLow1gTries;
		}
	}
	/*
	 * Held while walking, so that the walk does not find them free; a
	 * block taken by address replaces them all.
	 */
	if (!found && order >= UM_PMD_ORDER &&
	    !takeBlockBelow1g(plat, nid, order, cursor, pfn, tally)) {
		found = true;
		keep = nr_held;
	}
	if (!found)
		tally->split_accepted = 1;
	/* Untouched since the page allocator zeroed them: free as they are. */
	for (unsigned i = 0; i < nr_held; i++) {
		if (i == keep)
			continue;
		um_plat_pages_free(plat, held[i], pagesOf(order));
		tally->returned++;
	}
	if (keep < nr_held)
		*pfn = held[keep];
	return 0;
}

void statsAddRefill1g(um_stats &s, const Refill1gTally &tally)
{
	stat(s, UM_STAT_refill_1g_searches) += tally.searches;
	stat(s, UM_STAT_refill_1g_candidates_tried) += tally.tried;
	stat(s, UM_STAT_refill_1g_candidates_returned) += tally.returned;
	stat(s, UM_STAT_refill_1g_split_accepted) += tally.split_accepted;
	stat(s, UM_STAT_refill_1g_directed) += tally.directed;
	stat(s, UM_STAT_refill_1g_directed_missed) += tally.directed_missed;
	stat(s, UM_STAT_refill_1g_directed_looked) += tally.directed_looked;
}

} /* namespace um */
