// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_refill_1g.cpp - keep_1g (module/core/refill_1g.cpp): fewer 1G
 * splits than the page allocator's own choice, a bounded search, nothing
 * held or lost, and no search at all where no 1G entry is met.
 */
#include "harness.h"
#include "hold_1g.h"
#include "refill_1g.h"

#include <vector>

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

/*
 * 3 GiB: more than all the memory mapped below 1G (2 GiB less the reserved
 * start); still fewer splits, each one a walk that found nothing.
 */
TEST(Refill1gTest, ThreeGiBSplitsFewerThanToday)
{
	Hold1gResult off = run(false, 3 * kGiB), on = run(true, 3 * kGiB);

	EXPECT_EQ(off.splits_l3, 3u);
	EXPECT_LT(on.splits_l3, off.splits_l3);
	EXPECT_EQ(on.splits_l3, on.split_accepted);
	EXPECT_EQ(on.split_accepted, on.directed_missed);
	EXPECT_EQ(on.dm1g_after, on.dm1g_before - on.splits_l3 * kGiB);
	EXPECT_EQ(on.splits_l2 + off.splits_l2, 0u);
}

/*
 * 2 GiB mapped below 1G lie behind two 1G-mapped GiBs of ZONE_NORMAL,
 * where the page allocator never reaches before them: the candidates alone
 * split, the directed walk takes those blocks and splits nothing.
 */
TEST(Refill1gTest, DirectedWalkHoldsThreeGiBWithoutSplit)
{
	sim::SimConfig scfg = sim::vmLike8GSpread();
	Hold1gResult cand, on = run(true, 3 * kGiB, scfg);

	sim::hold1g(scfg, true, 3 * kGiB, &cand, false);
	EXPECT_TRUE(cand.errors.empty());
	EXPECT_GE(cand.splits_l3, 1u);
	EXPECT_EQ(on.splits_l3, 0u);
	EXPECT_EQ(on.split_accepted, 0u);
	EXPECT_GT(on.directed, 0u);
	EXPECT_EQ(on.directed_missed, 0u);
	EXPECT_EQ(on.dm1g_held, on.dm1g_before);
	EXPECT_EQ(on.dm1g_after, on.dm1g_before);
	EXPECT_EQ(on.splits_l2, 0u);
	/* A search keeps the block it took by address, none of its candidates. */
	EXPECT_EQ(on.returned, on.tried + on.directed);
}

/* Each walk looks at no more than its bound, and walks go on, not over. */
TEST(Refill1gTest, DirectedWalkIsBounded)
{
	Hold1gResult on = run(true, 3 * kGiB, sim::vmLike8GSpread()),
		     cand = run(true, 3 * kGiB);

	EXPECT_LE(on.max_looked_per_refill, uint64_t(um::kDirectedLookMax));
	EXPECT_LE(cand.max_looked_per_refill, uint64_t(um::kDirectedLookMax));
	/*
	 * From the cursor on: 2 GiB taken by address cost about one look per
	 * block taken, not a walk from the node's start each time.
	 */
	EXPECT_LE(on.looked, 2 * on.directed + 8 * um::kDirectedLookMax);
}

/* A take by address that fails leaves nothing held and falls back to a split. */
TEST(Refill1gTest, FailedTakeByAddressSplitsAndLeaksNothing)
{
	sim::SimConfig scfg = sim::vmLike8GSpread();
	sim::SimPlatform sim(scfg);
	um_config cfg = {};
	um_cache *cache = nullptr;
	std::vector<um_pfn_t> held;
	um_stats st;

	cfg.backend = UM_BACKEND_RANGE;
	cfg.keep_1g = true;
	ASSERT_EQ(um_cache_create(sim.plat(), &cfg, &cache), 0);
	sim.fail_block_alloc_at.failAlways();
	for (uint64_t got = 0; got < 3 * kGiB; got += 512) {
		um_pfn_t pfn;

		ASSERT_EQ(um_cache_alloc(cache, 0, UM_PMD_ORDER, UM_ALLOC_NOZERO, &pfn), 0);
		held.push_back(pfn);
	}
	um_cache_stats(cache, 0, &st);
	EXPECT_EQ(st.v[UM_STAT_refill_1g_directed], 0u);
	EXPECT_GT(st.v[UM_STAT_refill_1g_directed_missed], 0u);
	EXPECT_EQ(st.v[UM_STAT_refill_1g_split_accepted],
		  st.v[UM_STAT_refill_1g_directed_missed]);
	for (um_pfn_t pfn : held)
		EXPECT_EQ(um_cache_free(cache, pfn, UM_PMD_ORDER), 0);
	um_cache_drain(cache);
	EXPECT_EQ(um_cache_destroy(cache), 0);
	EXPECT_EQ(sim.allocatedPages(), 0u);
	EXPECT_TRUE(sim.errors().empty()) << sim.errors().front();
}

/* The bound: at most UM_REFILL_1G_CANDIDATES extra blocks per refill, and
 * every one given back but the block kept. */
TEST(Refill1gTest, SearchIsBoundedAndGivesEverythingBack)
{
	Hold1gResult on = run(true, 3 * kGiB);

	EXPECT_GT(on.searches, 0u);
	EXPECT_LE(on.max_tried_per_refill, unsigned(UM_REFILL_1G_CANDIDATES));
	EXPECT_LE(on.tried, on.searches * UM_REFILL_1G_CANDIDATES);
	/* A search keeps one block of 1 + tried, or the one taken by address. */
	EXPECT_EQ(on.returned, on.tried + on.directed);
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
	EXPECT_EQ(on.returned, on.tried + on.directed);
}

} /* namespace */
