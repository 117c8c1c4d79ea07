// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_stats.cpp - gauges, peaks, sums and names.
 */
#include "stats.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

using namespace um;

namespace {

TEST(Stats, TransitionsKeepGaugesAndPeaks)
{
	um_stats s = {};

	statsPagesAdded(s, 512);
	statsPagesGranted(s, 100);
	EXPECT_EQ(stat(s, UM_STAT_pages_free), 412u);
	EXPECT_EQ(stat(s, UM_STAT_pages_in_use), 100u);
	EXPECT_EQ(stat(s, UM_STAT_pages_cached), 512u);
	statsPagesReturned(s, 100);
	statsPagesRemoved(s, 512);
	EXPECT_EQ(stat(s, UM_STAT_pages_cached), 0u);
	EXPECT_EQ(stat(s, UM_STAT_peak_cached), 512u);
	EXPECT_EQ(stat(s, UM_STAT_peak_in_use), 100u);
}

TEST(Stats, CostAndAccumulate)
{
	um_stats a = {}, b = {}, sum = {};
	um_dm_cost cost = { 3, 1, 2, 1 }, total = {};

	statsAddCost(a, cost);
	costAdd(total, cost);
	costAdd(total, cost);
	EXPECT_EQ(total.calls, 6u);
	EXPECT_EQ(stat(a, UM_STAT_dm_calls), 3u);
	EXPECT_EQ(stat(a, UM_STAT_tlb_flushes), 1u);
	EXPECT_EQ(stat(a, UM_STAT_splits_l2), 2u);
	EXPECT_EQ(stat(a, UM_STAT_splits_l3), 1u);
	b.nr_free[4] = 7;
	b.refills_by_order[9] = 2;
	statsAccumulate(sum, a);
	statsAccumulate(sum, b);
	EXPECT_EQ(stat(sum, UM_STAT_dm_calls), 3u);
	EXPECT_EQ(sum.nr_free[4], 7u);
	EXPECT_EQ(sum.refills_by_order[9], 2u);
}

TEST(Stats, NamesAreUniqueAndDescribed)
{
	std::set<std::string> names;

	for (unsigned i = 0; i < UM_STAT_NR; i++) {
		ASSERT_NE(um_stat_name(i), nullptr);
		ASSERT_NE(um_stat_desc(i), nullptr);
		EXPECT_GT(std::strlen(um_stat_desc(i)), 0u);
		names.insert(um_stat_name(i));
	}
	EXPECT_EQ(names.size(), size_t(UM_STAT_NR));
	EXPECT_STREQ(um_stat_name(UM_STAT_splits_l2), "splits_l2");
	EXPECT_EQ(um_stat_name(UM_STAT_NR), nullptr);
	EXPECT_EQ(um_stat_desc(UM_STAT_NR), nullptr);
}

} /* namespace */
