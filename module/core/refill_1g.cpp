// SPDX-License-Identifier: GPL-2.0-only
/*
 * refill_1g.cpp - the keep_1g candidate search (see refill_1g.h).
 */
#include "refill_1g.h"
#include "stats.h"

namespace um {

static bool in1g(um_platform *plat, um_pfn_t pfn)
{
	return um_plat_dm_level(plat, pfn) == UM_DM_LEVEL_1G;
}

/* Low-zone candidates in a 1G entry before the search turns to plain ones. */
static constexpr unsigned kLow1gTries = 2;

int allocBlockKeeping1g(um_platform *plat, int nid, unsigned order,
			unsigned flags, bool keep_1g, um_pfn_t *pfn,
			Refill1gTally *tally)
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
	if (!found)
		tally->split_accepted = 1;
	/* Untouched since the page allocator zeroed them: free as they are. */
	for (unsigned i = 0; i < nr_held; i++) {
		if (i == keep)
			continue;
		um_plat_pages_free(plat, held[i], pagesOf(order));
		tally->returned++;
	}
	*pfn = held[keep];
	return 0;
}

void statsAddRefill1g(um_stats &s, const Refill1gTally &tally)
{
	stat(s, UM_STAT_refill_1g_searches) += tally.searches;
	stat(s, UM_STAT_refill_1g_candidates_tried) += tally.tried;
	stat(s, UM_STAT_refill_1g_candidates_returned) += tally.returned;
	stat(s, UM_STAT_refill_1g_split_accepted) += tally.split_accepted;
}

} /* namespace um */
