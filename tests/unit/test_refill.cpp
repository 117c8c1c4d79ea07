// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_refill.cpp - taking blocks: order choice, fallbacks, failures,
 * serialisation, prefill.
 */
#include "harness.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>

using namespace t;

namespace {

class RefillTest : public CacheTest {};

TEST_F(RefillTest, FallsBackToTheHighestOrderAvailable)
{
	start();
	sim_->fail_order_at_least = 7;
	um_pfn_t pfn = mustAlloc(2);
	um_stats s = stats();

	EXPECT_EQ(s.refills_by_order[6], 1u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_fallbacks), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 64u);
	mustFree(pfn, 2);
}

/* One direct-map change and one flush for 1024 pages instead of 512. */
TEST_F(RefillTest, BulkRefillTakesFourMegabytesInOneChange)
{
	start();
	um_pfn_t pfn;

	ASSERT_EQ(um_cache_alloc(cache_, 0, 0, UM_ALLOC_BULK, &pfn), 0);
	um_stats s = stats();

	EXPECT_EQ(s.refills_by_order[10], 1u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_fallbacks), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 1024u);
	EXPECT_EQ(statOf(s, UM_STAT_dm_calls), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	mustFree(pfn, 0);
}

/* Without 4 MiB free, a bulk refill is an ordinary one, not a failure. */
TEST_F(RefillTest, BulkRefillFallsBackToTwoMegabytes)
{
	start();
	sim_->fail_order_at_least = 10;
	um_pfn_t pfn = 0;

	ASSERT_EQ(um_cache_alloc(cache_, 0, 0, UM_ALLOC_BULK, &pfn), 0);
	um_stats s = stats();

	EXPECT_EQ(s.refills_by_order[9], 1u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_fallbacks), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 512u);
	mustFree(pfn, 0);
}

/* A plain order-0 refill stays at 2 MiB: a small user holds no more. */
TEST_F(RefillTest, PlainRefillStaysAtTwoMegabytes)
{
	start();
	um_pfn_t pfn = mustAlloc(0);

	EXPECT_EQ(stats().refills_by_order[9], 1u);
	EXPECT_EQ(stat(UM_STAT_pages_cached), 512u);
	mustFree(pfn, 0);
}

TEST_F(RefillTest, FailsWhenNothingAtTheRequestOrder)
{
	start();
	sim_->fail_order_at_least = 3;
	um_pfn_t pfn;

	EXPECT_EQ(um_cache_alloc(cache_, 0, 3, 0, &pfn), -UM_ENOMEM);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refill_failures), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_alloc_failures), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 0u);
	EXPECT_EQ(sim_->totals().events[UM_EV_ALLOC_FAIL], 1u);
}

TEST_F(RefillTest, MetaAllocFailureGivesTheBlockBack)
{
	start();
	sim_->fail_meta_alloc.failNth(1);
	um_pfn_t pfn;

	EXPECT_EQ(um_cache_alloc(cache_, 0, 0, 0, &pfn), -UM_ENOMEM);
	EXPECT_EQ(sim_->allocatedPages(), 0u);
	EXPECT_EQ(stat(UM_STAT_refill_failures), 1u);
	mustFree(mustAlloc(0), 0);
}

class RemovalFailureTest : public CacheTest,
			   public ::testing::WithParamInterface<um_backend> {};

TEST_P(RemovalFailureTest, BlockIsRestoredAndFreed)
{
	start(config(GetParam()));
	if (GetParam() == UM_BACKEND_RANGE)
		sim_->fail_remove_range.failNth(1);
	else
		sim_->fail_remove_page.failNth(100);	/* half way */
	um_pfn_t pfn;

	EXPECT_EQ(um_cache_alloc(cache_, 0, 0, 0, &pfn), -UM_ENOMEM);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_dm_failures), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_failures), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_blocks_cached), 0u);
	EXPECT_EQ(sim_->allocatedPages(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, RemovalFailureTest,
			 ::testing::Values(UM_BACKEND_RANGE, UM_BACKEND_PAGE));

TEST_F(RefillTest, UnrestorableBlockIsKeptAndRetriedAtDrain)
{
	start();
	sim_->fail_remove_range.failNth(1);
	sim_->fail_restore_range.failNth(1);
	um_pfn_t pfn;

	EXPECT_EQ(um_cache_alloc(cache_, 0, 0, 0, &pfn), -UM_ENOMEM);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 512u);
	EXPECT_EQ(statOf(s, UM_STAT_blocks_cached), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_free), 0u);
	EXPECT_EQ(sim_->allocatedPages(), 512u);
	ASSERT_EQ(blocks(0).size(), 1u);
	um_block_info kept = blocks(0)[0];

	EXPECT_EQ(kept.free_pages + kept.used_pages + kept.released_pages, 0u);
	/* The kept pages are never handed out; a free of them is refused. */
	um_pfn_t fresh = mustAlloc(0);

	EXPECT_FALSE(fresh >= kept.pfn && fresh < kept.pfn + 512);
	EXPECT_EQ(stat(UM_STAT_refills), 2u);
	EXPECT_EQ(um_cache_free(cache_, kept.pfn, 0), -UM_EALREADY);
	mustFree(fresh, 0);
	/* Drain maps the kept block back and frees it. */
	EXPECT_EQ(um_cache_drain(cache_), 1024u);
	EXPECT_EQ(sim_->allocatedPages(), 0u);
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 0u);
}

TEST_F(RefillTest, RacingAllocatorsRefillOnce)
{
	start();
	um_pfn_t first = 0, second = 0;
	int second_err = -1;
	std::atomic<bool> raced{ false };
	std::thread racer;

	/*
	 * While the first refill is inside the page allocator (node mutex
	 * held), a second thread finds the cache empty too. It must wait
	 * for the first refill and take from it, not refill again.
	 */
	sim_->on_reclaim = [&] {
		if (raced.exchange(true))
			return;
		racer = std::thread([&] {
			second_err = um_cache_alloc(cache_, 0, 0, 0, &second);
		});
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	};
	first = mustAlloc(0);
	racer.join();
	sim_->on_reclaim = nullptr;
	EXPECT_EQ(second_err, 0);
	EXPECT_NE(first, second);
	EXPECT_EQ(stat(UM_STAT_refills), 1u);
	mustFree(first, 0);
	mustFree(second, 0);
}

TEST_F(RefillTest, ShrinkerFromTheRefillsOwnReclaimReleases)
{
	start();
	um_u64 released_in_reclaim = 0;
	int reclaims = 0;

	/* A whole free 2M block: something the shrinker can release. */
	mustFree(mustAlloc(9), 9);
	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 512u);
	sim_->on_reclaim = [&] {
		reclaims++;
		released_in_reclaim = um_cache_shrink(cache_, 0, 512,
						      UM_SHRINK_NOWAIT);
	};
	/*
	 * Order 10 needs a refill, whose page allocation enters reclaim
	 * with the node mutex held. Releasing needs no mutex, so that
	 * reclaim gets the free block back (which may even be what lets the
	 * order-10 allocation succeed), and nothing waits on itself: the
	 * simulator aborts on a self-deadlock.
	 */
	um_pfn_t pfn = mustAlloc(10);

	sim_->on_reclaim = nullptr;
	EXPECT_EQ(reclaims, 1);
	EXPECT_EQ(released_in_reclaim, 512u);
	EXPECT_EQ(stat(UM_STAT_shrink_calls), 1u);
	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 0u);
	mustFree(pfn, 10);
}

TEST_F(RefillTest, AtomicNeverWaitsForARefill)
{
	start();
	int atomic_err = 1;

	/*
	 * An interrupt-context allocation arriving while this node refills
	 * (its mutex held, in reclaim) must neither wait nor sleep: the
	 * simulator aborts on a self-deadlock and flags [sleeps] calls.
	 */
	sim_->on_reclaim = [&] {
		um_pfn_t pfn;

		atomic_err = um_cache_alloc(cache_, 0, 0, UM_ALLOC_ATOMIC, &pfn);
	};
	um_pfn_t pfn = mustAlloc(0);

	sim_->on_reclaim = nullptr;
	EXPECT_EQ(atomic_err, -UM_EAGAIN);
	mustFree(pfn, 0);
}

TEST_F(RefillTest, NofsNeverWaitsForARefillInReclaim)
{
	start();
	um_pfn_t nofs_pfn = 0;
	int nofs_err = 1;
	bool finished = false;

	/*
	 * A GFP_KERNEL refill holds the node mutex and is in reclaim, which
	 * (in the deadlock) waits for a filesystem lock that a GFP_NOFS
	 * caller holds while it allocates from the same empty node. The NOFS
	 * allocation must finish while that refill is still in reclaim: it
	 * takes its own block instead of waiting for the mutex.
	 */
	sim_->on_reclaim = [&] {
		if (finished)
			return;
		finished = true;
		auto nofs = std::async(std::launch::async, [&] {
			nofs_err = um_cache_alloc(cache_, 0, 0, UM_ALLOC_NOFS,
						  &nofs_pfn);
		});
		if (nofs.wait_for(std::chrono::seconds(10)) !=
		    std::future_status::ready) {
			/* It waits for this thread: the deadlock itself. */
			std::fprintf(stderr, "NOFS allocation waited for the refill in reclaim\n");
			std::_Exit(1);
		}
	};
	um_pfn_t pfn = mustAlloc(0);

	sim_->on_reclaim = nullptr;
	EXPECT_EQ(nofs_err, 0);
	EXPECT_NE(nofs_pfn, pfn);
	EXPECT_EQ(stat(UM_STAT_refills), 2u);
	EXPECT_EQ(stat(UM_STAT_refills_nowait), 1u);
	mustFree(nofs_pfn, 0);
	mustFree(pfn, 0);
}

TEST_F(RefillTest, NofsTakesTheMutexWhenFree)
{
	start();
	/* Nobody refills: the mutex is free, nothing is counted. */
	um_pfn_t pfn;

	ASSERT_EQ(um_cache_alloc(cache_, 0, 0, UM_ALLOC_NOFS, &pfn), 0);
	EXPECT_EQ(stat(UM_STAT_refills), 1u);
	EXPECT_EQ(stat(UM_STAT_refills_nowait), 0u);
	mustFree(pfn, 0);
}

TEST_F(RefillTest, RefillsPassTheCallersFlagsToThePageAllocator)
{
	start();
	um_pfn_t pfn;

	ASSERT_EQ(um_cache_alloc(cache_, 0, 10, UM_ALLOC_MAYFAIL, &pfn), 0);
	EXPECT_TRUE(sim_->last_block_alloc_flags & UM_ALLOC_MAYFAIL);
	mustFree(pfn, 10);
	um_cache_drain(cache_);
	ASSERT_EQ(um_cache_alloc(cache_, 0, 10, 0, &pfn), 0);
	EXPECT_EQ(stat(UM_STAT_refills), 2u);
	EXPECT_FALSE(sim_->last_block_alloc_flags & UM_ALLOC_MAYFAIL);
	mustFree(pfn, 10);
}

TEST_F(RefillTest, PrefillNeverInsistsOnMemory)
{
	um_config cfg = config();

	cfg.prefill_pages = 512;
	start(cfg);
	EXPECT_EQ(stat(UM_STAT_refills), 1u);
	EXPECT_TRUE(sim_->last_block_alloc_flags & UM_ALLOC_MAYFAIL);
}

TEST_F(RefillTest, PrefillAtCreateAndOnDemand)
{
	um_config cfg = config();

	cfg.prefill_pages = 1000;
	start(cfg);
	EXPECT_EQ(stat(UM_STAT_pages_free), 1024u);
	EXPECT_EQ(stat(UM_STAT_refills), 2u);
	EXPECT_EQ(um_cache_prefill(cache_), 0);
	EXPECT_EQ(stat(UM_STAT_refills), 2u);
	um_pfn_t pfn = mustAlloc(9);

	EXPECT_EQ(um_cache_prefill(cache_), 0);
	EXPECT_EQ(stat(UM_STAT_pages_free), 1024u);
	mustFree(pfn, 9);
}

TEST_F(RefillTest, RefillEventCarriesCost)
{
	start();
	um_event seen = {};

	sim_->on_event = [&](const um_event &ev) {
		if (ev.type == UM_EV_REFILL)
			seen = ev;
	};
	um_pfn_t pfn = mustAlloc(0);

	sim_->on_event = nullptr;
	EXPECT_EQ(seen.type, UM_EV_REFILL);
	EXPECT_EQ(seen.order, 9u);
	EXPECT_EQ(seen.pages, 512u);
	EXPECT_EQ(seen.pfn, pfn & ~um_pfn_t(511));
	EXPECT_EQ(seen.backend, UM_BACKEND_RANGE);
	EXPECT_EQ(seen.cost.calls, 1u);
	EXPECT_EQ(seen.cost.flushes, 1u);
	mustFree(pfn, 0);
}

} /* namespace */
