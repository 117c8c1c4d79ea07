// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_release.cpp - giving pages back: whole blocks first and largest
 * first, watermarks, partial release, trim, scrub-then-map-then-free, and
 * what happens when the platform fails half way.
 */
#include "harness.h"

#include <algorithm>
#include <functional>
#include <thread>
#include <vector>

using namespace t;

namespace {

class ReleaseTest : public CacheTest {
protected:
	/* @n whole free blocks of @order in the cache. */
	void cacheWholeBlocks(unsigned order, int n)
	{
		std::vector<um_pfn_t> held;

		for (int i = 0; i < n; i++)
			held.push_back(mustAlloc(order));
		for (um_pfn_t pfn : held) {
			sim_->writeSecret(pfn, um_pfn_t(1) << order);
			mustFree(pfn, order);
		}
	}

	/*
	 * Arrange that the next release, when it is about to map its chunk
	 * back, first runs @before and then a shrink of @nr pages in another
	 * thread, whose result lands in *@other.
	 */
	void shrinkDuringRestore(um_u64 nr, um_u64 *other,
				 std::function<void()> before = nullptr)
	{
		restores_ = 0;
		sim_->on_restore = [this, nr, other, before] {
			if (restores_++)
				return;
			if (before)
				before();
			std::thread t([this, nr, other] {
				*other = um_cache_shrink(cache_, 0, nr,
							 UM_SHRINK_NOWAIT);
			});
			t.join();
		};
	}
	int restores_ = 0;

	/* A cache with a cap on free pages (and these other knobs). */
	void startCapped(um_u64 max_free, um_u64 min_free = 0,
			 bool partial = false)
	{
		um_config cfg = config();

		cfg.max_free_pages = max_free;
		cfg.min_free_pages = min_free;
		cfg.shrink_partial = partial;
		start(cfg);
	}

	std::vector<um_event> releases_;
	void recordReleases()
	{
		sim_->on_event = [this](const um_event &ev) {
			if (ev.type == UM_EV_RELEASE)
				releases_.push_back(ev);
		};
	}
};

TEST_F(ReleaseTest, WholeBlocksLargestFirstNoSplit)
{
	start();
	sim_->fail_order_at_least = 7;
	cacheWholeBlocks(6, 1);			/* a fallback block */
	sim_->fail_order_at_least = 64;
	cacheWholeBlocks(9, 2);
	cacheWholeBlocks(10, 1);
	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 2048u + 64u);
	recordReleases();

	EXPECT_EQ(um_cache_shrink(cache_, 0, 1, 0), 1024u);
	ASSERT_EQ(releases_.size(), 1u);
	EXPECT_EQ(releases_[0].order, 10u);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 600, 0), 1024u);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 600, 0), 64u);
	ASSERT_EQ(releases_.size(), 4u);
	EXPECT_EQ(releases_[1].order, 9u);
	EXPECT_EQ(releases_[3].order, 6u);
	sim_->on_event = nullptr;

	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_releases), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_release_pages), 2112u);
	EXPECT_EQ(statOf(s, UM_STAT_shrink_calls), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_shrink_pages), 2112u);
	EXPECT_EQ(statOf(s, UM_STAT_scrubbed_pages), 2112u);
	EXPECT_EQ(statOf(s, UM_STAT_blocks_cached), 0u);
	EXPECT_EQ(sim_->totals().pages_scrubbed_mapped, 0u);
	/* 2M-aligned blocks came back as the 2M entries they were. */
	EXPECT_EQ(statOf(s, UM_STAT_splits_l2), 1u);	/* the order-6 one */
	sim_->withDm([&](const sim::DirectMapModel &dm) {
		EXPECT_EQ(dm.levelOf(releases_[1].pfn), sim::Level::Pmd2M);
		EXPECT_EQ(dm.attrOf(releases_[1].pfn), sim::kAttrBoot);
	});
	EXPECT_EQ(sim_->allocatedPages(), 0u);
}

/*
 * Whole blocks go back highest pfn first, whatever order they became whole
 * in: the page allocator's LIFO free lists then hand them to the next
 * refills lowest first, as neighbours that leave the direct map together.
 */
TEST_F(ReleaseTest, WholeBlocksGoBackHighestPfnFirst)
{
	start();

	std::vector<um_pfn_t> held;

	for (int i = 0; i < 5; i++)
		held.push_back(mustAlloc(10));
	for (int i : {1, 3, 0, 4, 2})
		mustFree(held[size_t(i)], 10);
	recordReleases();
	um_cache_drain(cache_);
	sim_->on_event = nullptr;

	ASSERT_EQ(releases_.size(), held.size());
	std::sort(held.rbegin(), held.rend());
	for (size_t i = 0; i < held.size(); i++)
		EXPECT_EQ(releases_[i].pfn, held[i]) << "release " << i;
	EXPECT_EQ(statOf(stats(), UM_STAT_blocks_cached), 0u);
}

TEST_F(ReleaseTest, KeepsTheLowWatermark)
{
	um_config cfg = config();

	cfg.min_free_pages = 512;
	start(cfg);
	cacheWholeBlocks(9, 3);
	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 1024u);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 10000, 0), 1024u);
	EXPECT_EQ(stat(UM_STAT_pages_free), 512u);
	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 0u);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 10000, 0), 0u);
	/* Drain ignores the watermark. */
	EXPECT_EQ(um_cache_drain(cache_), 512u);
}

/*
 * The OOM notifier's shrink (UM_SHRINK_ALL): neither the watermark nor a
 * block that still has a page handed out keeps free pages back, and the
 * page handed out stays unreachable and owned.
 */
TEST_F(ReleaseTest, LastResortShrinkIgnoresTheWatermarkAndPartlyUsedBlocks)
{
	um_config cfg = config();

	cfg.min_free_pages = 1024;
	start(cfg);
	cacheWholeBlocks(9, 2);
	um_pfn_t held = mustAlloc(0);

	EXPECT_EQ(stat(UM_STAT_pages_free), 1023u);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 10000, UM_SHRINK_NOWAIT), 0u);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 10000,
				  UM_SHRINK_NOWAIT | UM_SHRINK_ALL), 1023u);
	EXPECT_EQ(stat(UM_STAT_pages_free), 0u);
	EXPECT_EQ(stat(UM_STAT_pages_in_use), 1u);
	EXPECT_FALSE(sim_->reachable(held));
	mustFree(held, 0);
}

TEST_F(ReleaseTest, PartlyUsedBlocksStayWithoutShrinkPartial)
{
	start();
	um_pfn_t pfn = mustAlloc(0);

	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 0u);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 512, 0), 0u);
	EXPECT_EQ(stat(UM_STAT_pages_free), 511u);
	mustFree(pfn, 0);
	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 512u);
}

TEST_F(ReleaseTest, ShrinkPartialReleasesLargestFreeChunks)
{
	um_config cfg = config();

	cfg.shrink_partial = 1;
	start(cfg);
	um_pfn_t used = mustAlloc(0);
	um_pfn_t base = used & ~um_pfn_t(511);

	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 511u);
	recordReleases();
	EXPECT_EQ(um_cache_shrink(cache_, 0, 300, 0), 384u);
	sim_->on_event = nullptr;
	ASSERT_EQ(releases_.size(), 2u);
	EXPECT_EQ(releases_[0].order, 8u);
	EXPECT_EQ(releases_[1].order, 7u);
	/* Restoring part of a 2M block splits it: the price of partial. */
	EXPECT_EQ(stat(UM_STAT_splits_l2), 1u);
	ASSERT_EQ(blocks(0).size(), 1u);
	um_block_info info = blocks(0)[0];

	EXPECT_EQ(info.pfn, base);
	EXPECT_EQ(info.released_pages, 384u);
	EXPECT_EQ(info.used_pages, 1u);
	EXPECT_EQ(info.free_pages, 127u);
	/* Released pages are not ours any more. */
	EXPECT_EQ(um_cache_free(cache_, releases_[0].pfn, 0), -UM_ENOENT);
	EXPECT_EQ(um_cache_free(cache_, releases_[1].pfn, 7), -UM_ENOENT);
	mustFree(used, 0);
	EXPECT_EQ(um_cache_drain(cache_), 128u);
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 0u);
}

TEST_F(ReleaseTest, NestedBlockAfterPartialReleaseOwnsItsPages)
{
	um_config cfg = config();

	cfg.shrink_partial = 1;
	start(cfg);
	um_pfn_t low = mustAlloc(8);
	um_pfn_t high = mustAlloc(8);

	ASSERT_EQ(high, low + 256);
	mustFree(low, 8);
	/* The first half of the block goes back to the page allocator... */
	EXPECT_EQ(um_cache_shrink(cache_, 0, 256, 0), 256u);
	/* ...which hands it to the next refill: same first pfn. */
	sim_->fail_order_at_least = 9;
	um_pfn_t nested = mustAlloc(7);

	EXPECT_EQ(nested, low);
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 2u);
	um_pfn_t nested2 = mustAlloc(7);

	EXPECT_EQ(nested2, low + 128);
	/* Each free finds its own block. */
	mustFree(high, 8);
	mustFree(nested, 7);
	EXPECT_EQ(um_cache_free(cache_, nested, 7), -UM_EALREADY);
	mustFree(nested2, 7);
	EXPECT_EQ(stat(UM_STAT_pages_in_use), 0u);
	EXPECT_EQ(um_cache_drain(cache_), 512u);
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 0u);
}

TEST_F(ReleaseTest, TrimEnforcesTheCap)
{
	startCapped(600);
	std::vector<um_pfn_t> held;

	for (int i = 0; i < 3; i++)
		held.push_back(mustAlloc(9));
	EXPECT_FALSE(sim_->takeTrimRequest());
	mustFree(held[0], 9);
	EXPECT_FALSE(sim_->takeTrimRequest());
	mustFree(held[1], 9);
	mustFree(held[2], 9);
	/* One request while one is pending. */
	EXPECT_TRUE(sim_->takeTrimRequest());
	EXPECT_EQ(sim_->totals().trim_requests, 1u);
	um_cache_trim(cache_);
	EXPECT_EQ(stat(UM_STAT_pages_free), 512u);
	/* Lowering the cap trims at once. */
	um_config cfg;

	um_cache_get_config(cache_, &cfg);
	cfg.max_free_pages = 100;
	ASSERT_EQ(um_cache_set_config(cache_, &cfg), 0);
	EXPECT_EQ(stat(UM_STAT_pages_free), 0u);
}

/*
 * Over the cap, but every free page sits in a partly used block: a trim
 * (whole blocks only, without shrink_partial) would release nothing, so no
 * free asks for one. Once the block is wholly free, the next free does.
 */
TEST_F(ReleaseTest, NoTrimRequestedWhenNothingCanBeReleased)
{
	startCapped(256);
	um_pfn_t kept = mustAlloc(0);

	for (int i = 0; i < 50; i++)
		mustFree(mustAlloc(3), 3);
	EXPECT_GT(stat(UM_STAT_pages_free), 256u);
	EXPECT_FALSE(sim_->takeTrimRequest());
	EXPECT_EQ(sim_->totals().trim_requests, 0u);
	um_cache_trim(cache_);
	EXPECT_EQ(stat(UM_STAT_trim_calls), 1u);
	EXPECT_EQ(stat(UM_STAT_trim_pages), 0u);
	EXPECT_EQ(stat(UM_STAT_pages_free), 511u);

	mustFree(kept, 0);
	EXPECT_TRUE(sim_->takeTrimRequest());
	um_cache_trim(cache_);
	EXPECT_EQ(stat(UM_STAT_trim_calls), 2u);
	EXPECT_EQ(stat(UM_STAT_trim_pages), 512u);
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 0u);
	EXPECT_EQ(stat(UM_STAT_splits_l2), 0u);
}

/* With shrink_partial a trim may split the block: then it is requested. */
TEST_F(ReleaseTest, ShrinkPartialTrimsPartlyUsedBlocks)
{
	startCapped(256, 0, true);
	um_pfn_t kept = mustAlloc(0);

	mustFree(mustAlloc(0), 0);
	EXPECT_TRUE(sim_->takeTrimRequest());
	um_cache_trim(cache_);
	EXPECT_LE(stat(UM_STAT_pages_free), 256u);
	EXPECT_EQ(stat(UM_STAT_trim_pages), 511u - stat(UM_STAT_pages_free));
	mustFree(kept, 0);
	um_cache_drain(cache_);
}

/*
 * The request follows what a trim would really do, watermark included: a
 * whole block over the cap that min_free_pages keeps is not worth a trim.
 */
TEST_F(ReleaseTest, NoTrimRequestedWhenTheWatermarkKeepsEverything)
{
	startCapped(512, 512);
	um_pfn_t whole = mustAlloc(9);
	um_pfn_t part = mustAlloc(8);

	mustFree(whole, 9);
	mustFree(mustAlloc(0), 0);	/* 512 + 256 free, allowance 256 */
	EXPECT_EQ(stat(UM_STAT_pages_free), 768u);
	EXPECT_FALSE(sim_->takeTrimRequest());
	mustFree(part, 8);		/* 1024 free, allowance 512 */
	EXPECT_TRUE(sim_->takeTrimRequest());
	um_cache_trim(cache_);
	EXPECT_EQ(stat(UM_STAT_pages_free), 512u);
}

TEST_F(ReleaseTest, ShrinkerNeverComesBackEmptyFromABusyNode)
{
	start();
	cacheWholeBlocks(9, 2);
	um_u64 from_other_thread = 0;

	/*
	 * While a trim (or another shrinker) maps its block back, a second
	 * thread's shrinker must get the other block, not give up because
	 * the node is busy: reclaim would see no progress while the cache
	 * holds pages, and could go on to the OOM killer.
	 */
	shrinkDuringRestore(512, &from_other_thread);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 512, 0), 512u);
	sim_->on_restore = nullptr;
	EXPECT_EQ(from_other_thread, 512u);
	EXPECT_EQ(stat(UM_STAT_pages_cached), 0u);
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 0u);
}

TEST_F(ReleaseTest, ConcurrentReleasesOfOneBlockFreeItOnce)
{
	um_config cfg = config();

	cfg.shrink_partial = 1;
	start(cfg);
	cacheWholeBlocks(9, 1);
	/* Two halves of one block, released by two threads at once. */
	um_pfn_t a = mustAlloc(8), b = mustAlloc(8);

	mustFree(a, 8);
	um_u64 from_other_thread = 0;

	shrinkDuringRestore(256, &from_other_thread, [&] { mustFree(b, 8); });
	EXPECT_EQ(um_cache_shrink(cache_, 0, 256, 0), 256u);
	sim_->on_restore = nullptr;
	EXPECT_EQ(from_other_thread, 256u);
	/* The last one out freed the metadata (teardown checks none is left). */
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 0u);
	EXPECT_EQ(stat(UM_STAT_release_pages), 512u);
}

TEST_F(ReleaseTest, ScrubFailureKeepsThePages)
{
	start();
	cacheWholeBlocks(9, 1);
	sim_->fail_scrub.failNth(1);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 512, 0), 0u);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_pages_free), 512u);
	EXPECT_EQ(statOf(s, UM_STAT_releases), 0u);
	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 512u);
	EXPECT_EQ(sim_->allocatedPages(), 512u);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 512, 0), 512u);
}

TEST_F(ReleaseTest, RestoreFailureLeaksUntilDrainRetries)
{
	start();
	cacheWholeBlocks(9, 1);
	sim_->fail_restore_range.failNth(1);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 512, 0), 0u);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_dm_failures), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 512u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_free), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_blocks_cached), 1u);
	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 0u);
	/* Scrubbed before the failed restore: nothing secret is kept. */
	EXPECT_EQ(sim_->allocatedPages(), 512u);
	EXPECT_EQ(um_cache_drain(cache_), 512u);
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 0u);
}

TEST_F(ReleaseTest, UnrestorableAtDestroyIsNeverFreed)
{
	start();
	cacheWholeBlocks(9, 1);
	sim_->fail_restore_range.failAlways();
	EXPECT_EQ(um_cache_drain(cache_), 0u);
	EXPECT_EQ(stat(UM_STAT_leaked_pages), 512u);
	EXPECT_EQ(um_cache_destroy(cache_), 0);
	cache_ = nullptr;
	/* Still unmapped: kept out of the page allocator for good. */
	expect_kept_pages_ = 512;
}

TEST_F(ReleaseTest, PageBackendRestoresPerPageWithoutFlush)
{
	start(config(UM_BACKEND_PAGE));
	cacheWholeBlocks(9, 1);
	um_stats before = stats();

	EXPECT_EQ(statOf(before, UM_STAT_splits_l2), 1u);
	EXPECT_EQ(statOf(before, UM_STAT_tlb_flushes), 1u);
	EXPECT_EQ(um_cache_shrink(cache_, 0, 512, 0), 512u);
	um_stats after = stats();

	EXPECT_EQ(statOf(after, UM_STAT_dm_calls) - statOf(before, UM_STAT_dm_calls),
		  512u);
	EXPECT_EQ(statOf(after, UM_STAT_tlb_flushes), 1u);
	EXPECT_EQ(statOf(after, UM_STAT_dm_pages_restored), 512u);
}

TEST_F(ReleaseTest, BackendIsRememberedPerBlock)
{
	start();
	um_pfn_t range_pfn = mustAlloc(9);
	um_config cfg = config(UM_BACKEND_PAGE);

	ASSERT_EQ(um_cache_set_config(cache_, &cfg), 0);
	um_pfn_t page_pfn = mustAlloc(9);

	mustFree(range_pfn, 9);
	mustFree(page_pfn, 9);
	recordReleases();
	EXPECT_EQ(um_cache_drain(cache_), 1024u);
	sim_->on_event = nullptr;
	ASSERT_EQ(releases_.size(), 2u);
	for (const um_event &ev : releases_)
		EXPECT_EQ(ev.backend, ev.pfn == range_pfn ? UM_BACKEND_RANGE
							  : UM_BACKEND_PAGE);
	sim_->withDm([&](const sim::DirectMapModel &dm) {
		EXPECT_EQ(dm.levelOf(range_pfn), sim::Level::Pmd2M);
		EXPECT_EQ(dm.levelOf(page_pfn), sim::Level::Pte4K);
	});
}

TEST_F(ReleaseTest, ShrinkEventReportsRequestAndResult)
{
	start();
	cacheWholeBlocks(9, 1);
	um_event seen = {};

	sim_->on_event = [&](const um_event &ev) {
		if (ev.type == UM_EV_SHRINK)
			seen = ev;
	};
	EXPECT_EQ(um_cache_shrink(cache_, UM_NUMA_NO_NODE, 100, 0), 512u);
	sim_->on_event = nullptr;
	EXPECT_EQ(seen.type, UM_EV_SHRINK);
	EXPECT_EQ(seen.requested, 100u);
	EXPECT_EQ(seen.pages, 512u);
	EXPECT_EQ(seen.cost.calls, 1u);
	EXPECT_EQ(seen.cost.flushes, 1u);
}

} /* namespace */
