// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_refill_1g.cpp - keep_1g (module/core/refill_1g.cpp): fewer 1G
 * splits than the page allocator's own choice, a bounded search, nothing
 * held or lost, and no search at all where no 1G entry is met.
 */
#include "harness.h"
#include "hold_1g.h"

namespace {

using sim::Hold1gResult;

constexpr uint64_t kGiB = uint64_t(1) << 18;	/* pages */

Hold1gResult run(bool keep, uint64_t pages,
		 const sim::SimConfig &scfg = sim::vmLike8G())
{
	Hold1gResult r;

	sim::hold1g(scfg, keep, pages, &r);
	EXPECT_TRUE(r.errors.empty()) << r.errors.front();
	EXPECT_EQ(r.held_pages, pages);
	return r;
}

/* Below what the low zone maps with 2M: no split at all with keep_1g. */
TEST(Refill1gTest, NoSplitWhileTwoMegMappedMemoryIsFree)
{
	Hold1gResult off = run(false, kGiB / 2), on = run(true, kGiB / 2);

	EXPECT_GE(off.splits_l3, 1u);
	EXPECT_EQ(on.splits_l3, 0u);
	EXPECT_EQ(on.dm1g_held, on.dm1g_before);
	EXPECT_EQ(on.dm1g_after, on.dm1g_before);
	EXPECT_EQ(off.dm1g_after, off.dm1g_before - off.splits_l3 * kGiB);
	EXPECT_EQ(on.split_accepted, 0u);
	EXPECT_EQ(off.searches, 0u);
}

/* 3 GiB: more than the 2M-mapped low memory; still fewer splits. */
TEST(Refill1gTest, ThreeGiBSplitsFewerThanToday)
{
	Hold1gResult off = run(false, 3 * kGiB), on = run(true, 3 * kGiB);

	EXPECT_EQ(off.splits_l3, 3u);
	EXPECT_LT(on.splits_l3, off.splits_l3);
	EXPECT_EQ(on.splits_l3, on.split_accepted);
	EXPECT_EQ(on.dm1g_after, on.dm1g_before - on.splits_l3 * kGiB);
	EXPECT_EQ(on.splits_l2 + off.splits_l2, 0u);
}

/* The bound: at most UM_REFILL_1G_CANDIDATES extra blocks per refill, and
 * every one given back but the block kept. */
TEST(Refill1gTest, SearchIsBoundedAndGivesEverythingBack)
{
	Hold1gResult on = run(true, 3 * kGiB);

	EXPECT_GT(on.searches, 0u);
	EXPECT_LE(on.max_tried_per_refill, unsigned(UM_REFILL_1G_CANDIDATES));
	EXPECT_LE(on.tried, on.searches * UM_REFILL_1G_CANDIDATES);
	/* A search keeps one block of 1 + tried. */
	EXPECT_EQ(on.returned, on.tried);
}

/* No 1G entry in reach (the first GiB only): the common case, no search. */
TEST(Refill1gTest, NoSearchWithoutOneGigEntries)
{
	sim::SimConfig scfg;

	scfg.mem_bytes = kGiB << 12;	/* 1 GiB, all 2M */
	Hold1gResult on = run(true, 256 * 256, scfg);

	EXPECT_EQ(on.searches, 0u);
	EXPECT_EQ(on.tried, 0u);
	EXPECT_EQ(on.splits_l3, 0u);
}

/* A node without a low zone: plain candidates only, still bounded. */
TEST(Refill1gTest, NoLowZoneFallsBackToPlainCandidates)
{
	sim::SimConfig scfg = sim::vmLike8G();

	scfg.low_zone_bytes = 0;
	Hold1gResult off = run(false, kGiB, scfg), on = run(true, kGiB, scfg);

	EXPECT_LE(on.splits_l3, off.splits_l3);
	EXPECT_LE(on.max_tried_per_refill, unsigned(UM_REFILL_1G_CANDIDATES));
	EXPECT_EQ(on.returned, on.tried);
}

} /* namespace */
