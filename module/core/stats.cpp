// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats.cpp - counter transitions and the names from UM_STAT_ITEMS.
 */
#include "stats.h"
#include "util.h"

namespace um {

namespace {

void notePeaks(um_stats &s)
{
	stat(s, UM_STAT_pages_cached) =
		stat(s, UM_STAT_pages_free) + stat(s, UM_STAT_pages_in_use);
	stat(s, UM_STAT_peak_cached) = maxOf(stat(s, UM_STAT_peak_cached),
					     stat(s, UM_STAT_pages_cached));
	stat(s, UM_STAT_peak_in_use) = maxOf(stat(s, UM_STAT_peak_in_use),
					     stat(s, UM_STAT_pages_in_use));
}

struct StatText {
	const char *name;
	const char *desc;
};

constexpr StatText kStatText[UM_STAT_NR] = {
#define UM_STAT_TEXT(n, d) { #n, d },
	UM_STAT_ITEMS(UM_STAT_TEXT)
#undef UM_STAT_TEXT
};

} /* namespace */

void statsPagesAdded(um_stats &s, u64 nr)
{
	stat(s, UM_STAT_pages_free) += nr;
	notePeaks(s);
}

void statsPagesGranted(um_stats &s, u64 nr)
{
	stat(s, UM_STAT_pages_free) -= nr;
	stat(s, UM_STAT_pages_in_use) += nr;
	notePeaks(s);
}

void statsPagesReturned(um_stats &s, u64 nr)
{
	stat(s, UM_STAT_pages_in_use) -= nr;
	stat(s, UM_STAT_pages_free) += nr;
	notePeaks(s);
}

void statsPagesRemoved(um_stats &s, u64 nr)
{
	stat(s, UM_STAT_pages_free) -= nr;
	notePeaks(s);
}

void statsAddCost(um_stats &s, const um_dm_cost &cost)
{
	stat(s, UM_STAT_dm_calls) += cost.calls;
	stat(s, UM_STAT_tlb_flushes) += cost.flushes;
	stat(s, UM_STAT_splits_l2) += cost.splits_l2;
	stat(s, UM_STAT_splits_l3) += cost.splits_l3;
}

void costAdd(um_dm_cost &into, const um_dm_cost &cost)
{
	into.calls += cost.calls;
	into.flushes += cost.flushes;
	into.splits_l2 += cost.splits_l2;
	into.splits_l3 += cost.splits_l3;
}

void statsAccumulate(um_stats &sum, const um_stats &node)
{
	for (unsigned i = 0; i < UM_STAT_NR; i++)
		sum.v[i] += node.v[i];
	for (unsigned k = 0; k < kMaxOrder; k++) {
		sum.nr_free[k] += node.nr_free[k];
		sum.allocs_by_order[k] += node.allocs_by_order[k];
		sum.frees_by_order[k] += node.frees_by_order[k];
		sum.refills_by_order[k] += node.refills_by_order[k];
	}
}

} /* namespace um */

extern "C" const char *um_stat_name(unsigned int item)
{
	return item < UM_STAT_NR ? um::kStatText[item].name : nullptr;
}

extern "C" const char *um_stat_desc(unsigned int item)
{
	return item < UM_STAT_NR ? um::kStatText[item].desc : nullptr;
}
