// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scrub.cpp - how much zeroing an atomic allocation does in its
 * caller's context (at most UM_ATOMIC_SCRUB_PAGES, clean chunks first, or
 * -EAGAIN), and the background scrub that keeps free pages clean for it.
 */
#include "harness.h"

#include <vector>

using namespace t;

namespace {

class ScrubTest : public CacheTest {
protected:
	/* One block of @order, written and freed: every page dirty. */
	um_pfn_t dirtyBlock(unsigned order)
	{
		um_pfn_t pfn = mustAlloc(order);

		sim_->writeSecret(pfn, um_pfn_t(1) << order);
		mustFree(pfn, order);
		return pfn;
	}

	uint64_t atomicScrubbed() { return sim_->totals().pages_scrubbed_atomic; }
};

TEST_F(ScrubTest, AtomicAllocationRefusesABigScrub)
{
	start();
	um_pfn_t pfn = dirtyBlock(10);
	um_pfn_t got = 0;

	EXPECT_EQ(stat(UM_STAT_pages_dirty), 1024u);
	EXPECT_FALSE(sim_->takeScrubRequest());	/* no atomic user yet */
	EXPECT_EQ(um_cache_alloc(cache_, 0, 10, UM_ALLOC_ATOMIC, &got),
		  -UM_EAGAIN);
	EXPECT_EQ(atomicScrubbed(), 0u);
	EXPECT_EQ(stat(UM_STAT_atomic_scrub_refused), 1u);
	EXPECT_EQ(stat(UM_STAT_alloc_failures), 1u);
	EXPECT_EQ(stat(UM_STAT_pages_free), 1024u);

	/* The refusal asked for the background scrub; it cleans the block. */
	EXPECT_TRUE(sim_->takeScrubRequest());
	EXPECT_EQ(um_cache_scrub(cache_), 1024u);
	EXPECT_EQ(stat(UM_STAT_pages_dirty), 0u);
	EXPECT_EQ(stat(UM_STAT_bg_scrubbed_pages), 1024u);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 1024u);
	EXPECT_TRUE(sim_->isZero(pfn, 1024));
	EXPECT_EQ(sim_->totals().pages_scrubbed_mapped, 0u);

	/* Now it is served, with nothing zeroed in atomic context. */
	got = mustAlloc(10, UM_ALLOC_ATOMIC);
	EXPECT_EQ(got, pfn);
	EXPECT_EQ(atomicScrubbed(), 0u);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 1024u);
	mustFree(got, 10);
	/* NOZERO needs nothing zeroed: served at once, dirty or not. */
	got = mustAlloc(10, UM_ALLOC_ATOMIC | UM_ALLOC_NOZERO);
	mustFree(got, 10);
}

TEST_F(ScrubTest, AtomicAllocationZeroesUpToTheBound)
{
	start();
	dirtyBlock(9);
	uint64_t before = atomicScrubbed();
	um_pfn_t small = mustAlloc(3, UM_ALLOC_ATOMIC);

	EXPECT_EQ(atomicScrubbed() - before, uint64_t(UM_ATOMIC_SCRUB_PAGES));
	um_pfn_t got;

	/* 16 dirty pages are more than atomic context may zero. */
	EXPECT_EQ(um_cache_alloc(cache_, 0, 4, UM_ALLOC_ATOMIC, &got),
		  -UM_EAGAIN);
	EXPECT_EQ(atomicScrubbed() - before, uint64_t(UM_ATOMIC_SCRUB_PAGES));
	/* A sleeping allocation zeroes whatever it takes, itself. */
	um_pfn_t big = mustAlloc(4);

	mustFree(big, 4);
	mustFree(small, 3);
}

/*
 * Of the chunks takeLocked() would look at, an atomic allocation takes a
 * clean one over the dirty one it would otherwise get.
 */
TEST_F(ScrubTest, AtomicAllocationPrefersACleanChunk)
{
	start();
	um_pfn_t keep = mustAlloc(0);
	um_pfn_t dirty = mustAlloc(3);

	sim_->writeSecret(dirty, 8);
	mustFree(dirty, 3);
	/* A sleeping allocation gets the dirty chunk (smallest fit) ... */
	um_pfn_t a = mustAlloc(3);

	EXPECT_EQ(a, dirty);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 8u);
	sim_->writeSecret(a, 8);
	mustFree(a, 3);

	/* ... an atomic one a clean chunk of a larger order. */
	uint64_t before = atomicScrubbed();
	um_pfn_t b = mustAlloc(3, UM_ALLOC_ATOMIC);

	EXPECT_NE(b, dirty);
	EXPECT_EQ(atomicScrubbed(), before);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 8u);
	EXPECT_EQ(stat(UM_STAT_pages_dirty), 8u);
	mustFree(b, 3);
	mustFree(keep, 0);
}

/* Only nodes with atomic users get the background scrub. */
TEST_F(ScrubTest, FreesAskForTheScrubOnceAnAtomicUserShowedUp)
{
	start();
	dirtyBlock(9);
	dirtyBlock(9);
	EXPECT_FALSE(sim_->takeScrubRequest());
	mustFree(mustAlloc(0, UM_ALLOC_ATOMIC), 0);
	EXPECT_TRUE(sim_->takeScrubRequest());
	/* One request while one is pending. */
	mustFree(mustAlloc(0), 0);
	EXPECT_FALSE(sim_->takeScrubRequest());
	EXPECT_EQ(um_cache_scrub(cache_), 512u);
	EXPECT_EQ(stat(UM_STAT_pages_dirty), 0u);
	dirtyBlock(9);
	EXPECT_TRUE(sim_->takeScrubRequest());
	EXPECT_EQ(sim_->totals().scrub_requests, 2u);
	um_cache_scrub(cache_);
}

/*
 * A piece being zeroed is out of the buddy: allocations do not get it and
 * a (double) free of it is refused; the scrub works a few pages at a time.
 */
TEST_F(ScrubTest, PieceBeingZeroedIsOutOfReach)
{
	start();
	um_pfn_t pfn = dirtyBlock(9);
	int calls = 0;
	bool checked = false;

	sim_->on_scrub = [&](um_pfn_t first, um_u64 nr) {
		calls++;
		EXPECT_LE(nr, 16u);
		if (checked)
			return;
		checked = true;
		EXPECT_EQ(first, pfn);
		/* Still free as far as the counters and debugfs go. */
		EXPECT_EQ(stat(UM_STAT_pages_free), 512u);
		EXPECT_EQ(stat(UM_STAT_pages_cached), 512u);
		EXPECT_EQ(blocks()[0].free_pages, 512u);
		EXPECT_EQ(stats().nr_free[9], 0u);
		EXPECT_EQ(um_cache_free(cache_, first, 0), -UM_ENOENT);
		um_pfn_t got = mustAlloc(0);

		EXPECT_GE(got, first + 16);
		mustFree(got, 0);
	};
	EXPECT_EQ(um_cache_scrub(cache_), 512u);
	sim_->on_scrub = nullptr;
	EXPECT_TRUE(checked);
	EXPECT_EQ(calls, 32 + 1);	/* 32 pieces, and the page allocated */
	EXPECT_EQ(stat(UM_STAT_bad_frees), 1u);
	EXPECT_EQ(stat(UM_STAT_pages_free), 512u);
	EXPECT_EQ(stat(UM_STAT_pages_dirty), 0u);
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 1u);
}

TEST_F(ScrubTest, FailedBackgroundScrubLeavesThePagesDirty)
{
	start();
	um_pfn_t pfn = dirtyBlock(9);

	sim_->fail_scrub.failNth(1);
	EXPECT_EQ(um_cache_scrub(cache_), 0u);
	EXPECT_EQ(stat(UM_STAT_pages_dirty), 512u);
	EXPECT_EQ(stat(UM_STAT_pages_free), 512u);
	EXPECT_EQ(stat(UM_STAT_bg_scrubbed_pages), 0u);
	/* Still secret: whoever takes it next zeroes it. */
	um_pfn_t got = mustAlloc(9);

	EXPECT_EQ(got, pfn);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 512u);
	mustFree(got, 9);
	/* A release zeroes less after a background scrub: nothing twice. */
	EXPECT_EQ(um_cache_scrub(cache_), 512u);
	EXPECT_EQ(um_cache_drain(cache_), 512u);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 1024u);
}

} /* namespace */
