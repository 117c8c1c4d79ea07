/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats.h - per-node counters (struct um_stats from core_api.h).
 *
 * Each node keeps one um_stats, written only under the node's spinlock,
 * so plain increments suffice; readers copy it under the same lock. The
 * "now" gauges (pages_free, pages_in_use, pages_cached) move only through
 * the page transitions below, which also keep the peaks.
 */
#ifndef UNMAPPED_CORE_STATS_H
#define UNMAPPED_CORE_STATS_H

#include "types.h"

namespace um {

inline u64 &stat(um_stats &s, um_stat_item item)
{
	return s.v[item];
}

inline u64 stat(const um_stats &s, um_stat_item item)
{
	return s.v[item];
}

/**
 * statsPagesAdded() and friends - page transitions: new free pages, free ->
 * in use, in use -> free, free -> gone. Keep the gauges and peaks.
 */
void statsPagesAdded(um_stats &s, u64 nr);
void statsPagesGranted(um_stats &s, u64 nr);
void statsPagesReturned(um_stats &s, u64 nr);
void statsPagesRemoved(um_stats &s, u64 nr);

/** statsAddCost() / costAdd() - add direct-map work reported by the platform. */
void statsAddCost(um_stats &s, const um_dm_cost &cost);
void costAdd(um_dm_cost &into, const um_dm_cost &cost);

/**
 * statsAccumulate() - add one node's counters to @sum (UM_NUMA_NO_NODE).
 * Peaks add up too: the sum of per-node peaks bounds the global peak.
 */
void statsAccumulate(um_stats &sum, const um_stats &node);

} /* namespace um */

#endif /* UNMAPPED_CORE_STATS_H */
