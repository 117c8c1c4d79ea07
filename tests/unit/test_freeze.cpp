// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_freeze.cpp - um_cache_freeze()/um_cache_thaw(), what the kernel's
 * hibernation notifier relies on: refused while any page is handed out,
 * kept (leaked) or in another thread's hands; otherwise the cache ends up
 * empty and stays so, whatever races with the freeze, until the thaw.
 */
#include "harness.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

using namespace t;

namespace {

class FreezeTest : public CacheTest {
protected:
	int freeze(um_freeze_report *rep = nullptr)
	{
		um_freeze_report r;

		return um_cache_freeze(cache_, rep ? rep : &r);
	}

	/* Nothing taken from the page allocator, nothing handed out. */
	void expectEmpty()
	{
		um_stats s = stats();

		EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 0u);
		EXPECT_EQ(statOf(s, UM_STAT_blocks_cached), 0u);
		EXPECT_EQ(statOf(s, UM_STAT_refill_pages),
			  statOf(s, UM_STAT_release_pages));
		EXPECT_EQ(sim_->allocatedPages(), 0u);
	}
};

TEST_F(FreezeTest, RefusedWhilePagesAreHandedOut)
{
	start();
	um_pfn_t held = mustAlloc(0);
	um_freeze_report rep;

	mustFree(mustAlloc(9), 9);		/* and a whole free block */
	EXPECT_EQ(freeze(&rep), -UM_EBUSY);
	EXPECT_EQ(rep.pages_in_use, 1u);
	EXPECT_EQ(rep.pages_released, 0u);	/* nothing drained */
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 2u);
	/* Not frozen: the cache works as before. */
	mustFree(mustAlloc(0), 0);
	mustFree(mustAlloc(0, UM_ALLOC_ATOMIC), 0);
	mustFree(held, 0);
}

TEST_F(FreezeTest, EmptiesTheCacheAndTakesNothingUntilThawed)
{
	um_config cfg = config();

	cfg.prefill_pages = 1024;
	start(cfg);
	um_freeze_report rep;

	EXPECT_EQ(stat(UM_STAT_pages_free), 1024u);
	EXPECT_EQ(freeze(&rep), 0);
	EXPECT_EQ(rep.pages_in_use, 0u);
	EXPECT_EQ(rep.pages_kept, 0u);
	EXPECT_EQ(rep.pages_released, 1024u);
	expectEmpty();

	uint64_t allocs = sim_->totals().block_allocs;
	um_pfn_t pfn;

	for (unsigned flags : { 0u, unsigned(UM_ALLOC_ATOMIC),
				unsigned(UM_ALLOC_NOZERO) })
		EXPECT_EQ(um_cache_alloc(cache_, UM_NUMA_NO_NODE, 0, flags, &pfn),
			  -UM_EAGAIN) << flags;
	EXPECT_EQ(um_cache_prefill(cache_), -UM_EAGAIN);
	EXPECT_EQ(um_cache_scrub(cache_), 0u);
	um_cache_trim(cache_);
	EXPECT_EQ(sim_->totals().block_allocs, allocs);
	expectEmpty();

	um_cache_thaw(cache_);
	EXPECT_EQ(um_cache_prefill(cache_), 0);
	EXPECT_EQ(stat(UM_STAT_pages_free), 1024u);
	mustFree(mustAlloc(3), 3);
}

/*
 * An allocation that is refilling (the node mutex held, inside the page
 * allocator) when the freeze comes: the freeze waits for it and sees the
 * page it hands out. Without that wait, the freeze would find the node
 * empty and report it frozen while an unmapped block is about to land.
 */
TEST_F(FreezeTest, SeesTheAllocationOfARefillInFlight)
{
	start();
	std::thread freezer;
	std::atomic<int> freeze_err{ 1 };
	um_freeze_report rep = {};

	std::atomic<bool> once{ false };

	sim_->on_reclaim = [&] {
		if (once.exchange(true))
			return;
		freezer = std::thread([&] { freeze_err = freeze(&rep); });
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	};
	um_pfn_t pfn = mustAlloc(0);

	freezer.join();
	sim_->on_reclaim = nullptr;
	EXPECT_EQ(freeze_err, -UM_EBUSY);
	EXPECT_EQ(rep.pages_in_use, 1u);
	mustFree(pfn, 0);
	/* Refused, so not frozen; with the page back it freezes. */
	EXPECT_EQ(freeze(), 0);
	expectEmpty();
	um_cache_thaw(cache_);
}

/* A release under way in another thread keeps its pages: refused. */
TEST_F(FreezeTest, SeesANofsRefillThatDidNotWaitForTheMutex)
{
	start();
	std::atomic<int> stage{ 0 };	/* 1: B in reclaim; 2: B may go on */
	std::thread b;
	um_pfn_t b_pfn = 0;
	int b_err = 1;

	/*
	 * A (this thread) refills with the mutex held; in its reclaim, B, a
	 * NOFS caller, refills beside it without the mutex and stops in its
	 * own reclaim. A finishes and frees its page: nothing is in use, but
	 * B will hand out a page once it commits, so the freeze must refuse.
	 */
	const std::thread::id a = std::this_thread::get_id();

	sim_->on_reclaim = [&] {
		if (std::this_thread::get_id() == a) {
			b = std::thread([&] {
				b_err = um_cache_alloc(cache_, 0, 0, UM_ALLOC_NOFS, &b_pfn);
			});
			while (stage != 1)
				std::this_thread::yield();
		} else {
			stage = 1;
			while (stage != 2)
				std::this_thread::yield();
		}
	};
	mustFree(mustAlloc(0), 0);
	um_freeze_report rep;

	EXPECT_EQ(freeze(&rep), -UM_EBUSY);
	EXPECT_EQ(rep.pages_in_use, 1u);
	stage = 2;
	b.join();
	sim_->on_reclaim = nullptr;
	ASSERT_EQ(b_err, 0);
	mustFree(b_pfn, 0);
	EXPECT_EQ(freeze(), 0);
	expectEmpty();
	um_cache_thaw(cache_);
}

TEST_F(FreezeTest, RefusedWhileAReleaseIsInFlight)
{
	start();
	std::atomic<int> freeze_err{ 1 };
	um_freeze_report rep = {};

	std::atomic<bool> once{ false };

	mustFree(mustAlloc(9), 9);
	sim_->on_restore = [&] {
		if (!once.exchange(true))
			std::thread([&] { freeze_err = freeze(&rep); }).join();
	};
	EXPECT_EQ(um_cache_shrink(cache_, 0, 512, 0), 512u);
	sim_->on_restore = nullptr;
	EXPECT_EQ(freeze_err, -UM_EBUSY);
	EXPECT_EQ(rep.pages_in_use, 0u);
	EXPECT_EQ(rep.pages_kept, 512u);
	EXPECT_EQ(freeze(), 0);
	um_cache_thaw(cache_);
}

/* Pages that could not be mapped back: refused until a retry maps them. */
TEST_F(FreezeTest, RefusedWhilePagesAreLeaked)
{
	start();
	um_freeze_report rep;

	mustFree(mustAlloc(9), 9);
	sim_->fail_restore_range.failAlways();
	EXPECT_EQ(freeze(&rep), -UM_EBUSY);
	EXPECT_EQ(rep.pages_kept, 512u);
	EXPECT_EQ(stat(UM_STAT_leaked_pages), 512u);
	/* Not frozen: refills still work. */
	sim_->fail_restore_range.reset();
	mustFree(mustAlloc(0), 0);
	EXPECT_EQ(freeze(&rep), 0);
	EXPECT_EQ(rep.pages_released, 1024u);	/* the retry and the new block */
	expectEmpty();
	um_cache_thaw(cache_);
}

/*
 * Allocations and frees on two nodes racing with freezes: whenever a
 * freeze succeeds, no chunk is handed out and no block taken until the
 * thaw, and the cache stays empty; allocations meanwhile fail.
 */
TEST_F(FreezeTest, RacingAllocationsAreSeenOrFail)
{
	sim::SimConfig scfg = simConfig();

	scfg.nr_nodes = 2;
	start(config(), scfg);
	std::atomic<bool> stop{ false };
	std::atomic<uint64_t> failed_frozen{ 0 };
	std::vector<std::thread> workers;
	unsigned frozen = 0, refused = 0;

	for (unsigned w = 0; w < 2; w++)
		workers.emplace_back([&, w] {
			std::mt19937 rng(w);

			while (!stop) {
				unsigned flags = rng() % 3 ? 0 : UM_ALLOC_ATOMIC;
				unsigned order = rng() % 10;
				um_pfn_t pfn;
				int err = um_cache_alloc(cache_, int(rng() % 2),
							 order, flags, &pfn);

				if (err == -UM_EAGAIN)
					failed_frozen++;
				if (err)
					continue;
				std::this_thread::yield();
				EXPECT_EQ(um_cache_free(cache_, pfn, order), 0);
				/* Idle now and then, so that freezes can win. */
				std::this_thread::sleep_for(
					std::chrono::microseconds(rng() % 300));
			}
		});
	auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);

	while (frozen < 30 && std::chrono::steady_clock::now() < end) {
		um_freeze_report rep;

		if (um_cache_freeze(cache_, &rep)) {
			refused++;
			EXPECT_TRUE(rep.pages_in_use || rep.pages_kept);
			std::this_thread::sleep_for(std::chrono::microseconds(50));
			continue;
		}
		frozen++;
		um_stats s0 = stats();

		std::this_thread::sleep_for(std::chrono::milliseconds(1));
		um_stats s1 = stats();

		EXPECT_EQ(statOf(s1, UM_STAT_allocs), statOf(s0, UM_STAT_allocs));
		EXPECT_EQ(statOf(s1, UM_STAT_refills), statOf(s0, UM_STAT_refills));
		EXPECT_EQ(statOf(s1, UM_STAT_pages_cached), 0u);
		EXPECT_EQ(statOf(s1, UM_STAT_blocks_cached), 0u);
		um_cache_thaw(cache_);
	}
	stop = true;
	for (auto &th : workers)
		th.join();
	std::printf("# %u freezes, %u refused\n", frozen, refused);
	EXPECT_EQ(frozen, 30u);
	/* Allocations did run into frozen windows (and failed there). */
	EXPECT_GT(failed_frozen.load(), 0u);
	EXPECT_EQ(stat(UM_STAT_pages_in_use), 0u);
}

} /* namespace */
