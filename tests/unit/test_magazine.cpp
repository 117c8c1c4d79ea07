// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_magazine.cpp - the per-CPU fast path (module/core/magazine.cpp):
 * warm order-0 traffic takes the node lock once per batch, every page is
 * still handed to one owner at a time and zeroed, misuse is refused, and
 * shrink, drain, trim, freeze and CPU offline get every page back.
 */
#include "harness.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

using namespace t;

namespace {

class MagazineTest : public CacheTest {
protected:
	void startWith(um_u32 percpu_pages, um_u64 max_free = 0,
		       int nr_cpus = 2)
	{
		um_config cfg = config();
		sim::SimConfig scfg = simConfig();

		cfg.percpu_pages = percpu_pages;
		cfg.max_free_pages = max_free;
		scfg.nr_cpus = nr_cpus;
		start(cfg, scfg);
		sim_->setCurrentCpu(0);
	}

};

/*
 * The bench's warm workload: 1024 pages out, then back, four times. The
 * node lock is taken for fills and flushes only: at most 1 per 32 calls
 * (the target), against 2 per page with magazines off.
 */
TEST_F(MagazineTest, WarmOrderZeroTakesTheNodeLockOncePerBatch)
{
	for (um_u32 percpu : { 0u, 256u }) {
		startWith(percpu);
		freePages(allocPages(1024));	/* cold: refills */

		um_u64 before = stat(UM_STAT_node_lock_holds);

		for (int round = 0; round < 4; round++)
			freePages(allocPages(1024));

		um_u64 holds = stat(UM_STAT_node_lock_holds) - before;

		if (percpu) {
			EXPECT_LE(holds * 32, 4u * 1024) << holds;
			EXPECT_GT(stat(UM_STAT_percpu_fills), 0u);
		} else {
			EXPECT_EQ(holds, 2u * 4 * 1024);
		}
		EXPECT_EQ(stat(UM_STAT_allocs), 5u * 1024);
		EXPECT_EQ(stat(UM_STAT_frees), 5u * 1024);
		EXPECT_EQ(stat(UM_STAT_pages_in_use), 0u);
		TearDown();
		sim_.reset();
		cache_ = nullptr;
	}
}

/* Magazine pages are free pages in every counter and in the block walk. */
TEST_F(MagazineTest, CountersCountMagazinePagesAsFree)
{
	startWith(256);
	/* The first comes with the refill; the second fills the magazine. */
	um_pfn_t first = mustAlloc(0), p = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_pages_in_use), 2u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_free), 510u);
	EXPECT_EQ(statOf(s, UM_STAT_percpu_pages), 63u);
	EXPECT_EQ(statOf(s, UM_STAT_percpu_fills), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_allocs), 2u);
	EXPECT_EQ(s.allocs_by_order[0], 2u);

	um_u64 free_chunks = 0;

	for (unsigned k = 0; k < UM_MAX_ORDER; k++)
		free_chunks += s.nr_free[k] << k;
	EXPECT_EQ(free_chunks, 510u);

	std::vector<um_block_info> b = blocks();

	ASSERT_EQ(b.size(), 1u);
	EXPECT_EQ(b[0].free_pages, 510u);
	EXPECT_EQ(b[0].used_pages, 2u);
	mustFree(p, 0);
	mustFree(first, 0);
	s = stats();
	EXPECT_EQ(statOf(s, UM_STAT_pages_in_use), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_percpu_pages), 65u);
	EXPECT_EQ(statOf(s, UM_STAT_frees), 2u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_dirty), 2u);
}

/* A page freed into a magazine is zeroed before it goes out again. */
TEST_F(MagazineTest, FreedPageComesBackZeroed)
{
	startWith(256);
	um_pfn_t p = mustAlloc(0);
	um_u64 scrubbed = stat(UM_STAT_scrubbed_pages);

	sim_->writeSecret(p, 1);
	mustFree(p, 0);
	EXPECT_EQ(mustAlloc(0), p);	/* the hottest page first */
	EXPECT_TRUE(sim_->isZero(p, 1));
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), scrubbed + 1);
	sim_->writeSecret(p, 1);
	mustFree(p, 0);
	/* NOZERO callers overwrite it themselves. */
	um_pfn_t q = ~um_pfn_t(0);

	EXPECT_EQ(um_cache_alloc(cache_, 0, 0, UM_ALLOC_NOZERO, &q), 0);
	EXPECT_EQ(q, p);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), scrubbed + 1);
	mustFree(q, 0);
}

/* A scrub that fails undoes the allocation; the page stays secret. */
TEST_F(MagazineTest, FailedScrubUndoesTheAllocation)
{
	startWith(256);
	um_pfn_t p = mustAlloc(0);

	sim_->writeSecret(p, 1);
	mustFree(p, 0);
	um_stats before = stats();
	um_pfn_t q;

	sim_->fail_scrub.failNth(1);
	EXPECT_EQ(um_cache_alloc(cache_, 0, 0, 0, &q), -UM_EIO);

	um_stats after = stats();

	EXPECT_EQ(statOf(after, UM_STAT_allocs), statOf(before, UM_STAT_allocs));
	EXPECT_EQ(statOf(after, UM_STAT_scrubbed_pages),
		  statOf(before, UM_STAT_scrubbed_pages));
	EXPECT_EQ(statOf(after, UM_STAT_pages_in_use), 0u);
	EXPECT_EQ(statOf(after, UM_STAT_pages_free),
		  statOf(before, UM_STAT_pages_free));
	EXPECT_EQ(statOf(after, UM_STAT_pages_dirty), 1u);
	EXPECT_EQ(um_cache_free(cache_, p, 0), -UM_EALREADY);
	/* Zeroed by whoever takes it next. */
	std::vector<um_pfn_t> all = allocPages(512);

	EXPECT_EQ(stat(UM_STAT_pages_dirty), 0u);
	freePages(all);
}

TEST_F(MagazineTest, DoubleFreeIsRefusedAndChangesNothing)
{
	startWith(256);
	um_pfn_t p = mustAlloc(0), other = mustAlloc(0);

	mustFree(p, 0);
	um_stats before = stats();

	EXPECT_EQ(um_cache_free(cache_, p, 0), -UM_EALREADY);
	EXPECT_EQ(um_cache_check_chunk(cache_, p, 0), -UM_EALREADY);
	EXPECT_EQ(um_cache_check_chunk(cache_, other, 0), 0);

	um_stats after = stats();

	for (unsigned i = 0; i < UM_STAT_NR; i++)
		if (isStateStat(i)) {
			EXPECT_EQ(after.v[i], before.v[i] + (i == UM_STAT_bad_frees))
				<< um_stat_name(i);
		}
	/* p is handed out once more, and only once. */
	EXPECT_EQ(mustAlloc(0), p);
	mustFree(p, 0);
	mustFree(other, 0);
}

/*
 * Two threads on two CPUs free the same page at once, again and again:
 * exactly one free wins each time, and the page is handed out once.
 */
TEST_F(MagazineTest, RacingFreesOfOnePageHaveOneWinner)
{
	startWith(256);
	for (int round = 0; round < 2000; round++) {
		um_pfn_t p = mustAlloc(0);
		std::atomic<int> wins{ 0 }, refused{ 0 };
		std::atomic<bool> go{ false };
		auto racer = [&](int cpu) {
			sim_->setCurrentCpu(cpu);
			while (!go)
				;
			int err = um_cache_free(cache_, p, 0);

			if (!err)
				wins++;
			else if (err == -UM_EALREADY)
				refused++;
		};
		std::thread a(racer, 0), b(racer, 1);

		go = true;
		a.join();
		b.join();
		ASSERT_EQ(wins, 1) << "round " << round;
		ASSERT_EQ(refused, 1) << "round " << round;
	}
	EXPECT_EQ(stat(UM_STAT_pages_in_use), 0u);
	EXPECT_EQ(stat(UM_STAT_bad_frees), 2000u);
}

/* Pages freed on one CPU and allocated on another: one owner at a time. */
TEST_F(MagazineTest, PagesCrossCpusWithOneOwnerAtATime)
{
	startWith(256, 0, 4);
	std::vector<std::thread> threads;
	std::vector<std::atomic<int>> owner(sim_->config().mem_bytes >> 12);
	std::atomic<int> problems{ 0 };

	for (int cpu = 0; cpu < 4; cpu++)
		threads.emplace_back([&, cpu] {
			sim_->setCurrentCpu(cpu);
			std::vector<um_pfn_t> held;

			for (int i = 0; i < 20000; i++) {
				um_pfn_t p;

				if (held.size() < 300 && (i % 3)) {
					if (um_cache_alloc(cache_, 0, 0, 0, &p)) {
						problems++;
						continue;
					}
					int expected = 0;

					if (!owner[p].compare_exchange_strong(
						    expected, cpu + 1))
						problems++;
					held.push_back(p);
				} else if (!held.empty()) {
					p = held[i % held.size()];
					held[i % held.size()] = held.back();
					held.pop_back();
					owner[p] = 0;
					if (um_cache_free(cache_, p, 0))
						problems++;
				}
				/* Every CPU now and then frees on another. */
				if (i % 97 == 0)
					sim_->setCurrentCpu((cpu + 1) % 4);
				if (i % 101 == 0)
					sim_->setCurrentCpu(cpu);
			}
			for (um_pfn_t p : held) {
				owner[p] = 0;
				if (um_cache_free(cache_, p, 0))
					problems++;
			}
		});
	for (auto &th : threads)
		th.join();
	EXPECT_EQ(problems, 0);
	EXPECT_EQ(stat(UM_STAT_pages_in_use), 0u);
	EXPECT_EQ(stat(UM_STAT_allocs), stat(UM_STAT_frees));
}

/* With the node's free areas empty, pages another CPU keeps come first. */
TEST_F(MagazineTest, EmptyNodeTakesBackWhatOtherCpusKeepBeforeARefill)
{
	startWith(256);
	sim_->setCurrentCpu(1);
	std::vector<um_pfn_t> all = allocPages(512);
	std::vector<um_pfn_t> kept(all.begin(), all.begin() + 200);

	all.erase(all.begin(), all.begin() + 200);
	freePages(kept);
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 200u);

	sim_->setCurrentCpu(0);
	sim_->fail_block_alloc.failAlways();
	um_u64 refills = stat(UM_STAT_refills);

	/* One batch comes over; CPU 1 keeps the rest. */
	all.push_back(mustAlloc(0));
	EXPECT_EQ(stat(UM_STAT_refills), refills);
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 200u - 64);
	all.push_back(mustAlloc(0));
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 200u - 2);	/* 62 here now */

	/* Batch by batch, all of them before the node gives up. */
	for (int i = 2; i < 200; i++)
		all.push_back(mustAlloc(0));
	EXPECT_EQ(stat(UM_STAT_refills), refills);
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 0u);

	um_pfn_t pfn;

	EXPECT_EQ(um_cache_alloc(cache_, UM_NUMA_NO_NODE, 0, 0, &pfn), -UM_ENOMEM);
	sim_->fail_block_alloc.reset();
	freePages(all);
}

TEST_F(MagazineTest, ShrinkAndDrainEmptyTheMagazines)
{
	startWith(256);
	freePages(allocPages(600));
	EXPECT_GT(stat(UM_STAT_percpu_pages), 0u);

	um_u64 count = um_cache_shrink_count(cache_, 0);

	EXPECT_EQ(count, stat(UM_STAT_pages_free));
	EXPECT_EQ(um_cache_shrink(cache_, 0, count, UM_SHRINK_NOWAIT), count);
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 0u);
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 0u);

	freePages(allocPages(100));
	EXPECT_GT(stat(UM_STAT_percpu_pages), 0u);
	um_cache_drain(cache_);
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 0u);
	EXPECT_EQ(stat(UM_STAT_pages_cached), 0u);
}

TEST_F(MagazineTest, OfflineCpuGivesItsPagesBack)
{
	startWith(256);
	sim_->setCurrentCpu(1);
	freePages(allocPages(10));
	sim_->setCurrentCpu(0);
	um_u64 parked = stat(UM_STAT_percpu_pages);

	/* The refill's page and the fill's 64 (one of them out again). */
	EXPECT_EQ(parked, 64u + 1u);
	EXPECT_EQ(um_cache_drain_cpu(cache_, 0), 0u);
	EXPECT_EQ(um_cache_drain_cpu(cache_, 1), parked);
	EXPECT_EQ(um_cache_drain_cpu(cache_, 7), 0u);	/* no such CPU */
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 0u);
	EXPECT_EQ(stat(UM_STAT_pages_free), 512u);
}

/* Switched off at runtime: the next trim empties them, frees go locked. */
TEST_F(MagazineTest, SwitchedOffAtRuntime)
{
	startWith(256);
	freePages(allocPages(100));
	EXPECT_GT(stat(UM_STAT_percpu_pages), 0u);

	um_config cfg = config();

	ASSERT_EQ(um_cache_set_config(cache_, &cfg), 0);
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 0u);
	um_u64 holds = stat(UM_STAT_node_lock_holds);

	freePages(allocPages(10));
	EXPECT_EQ(stat(UM_STAT_node_lock_holds) - holds, 20u);
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 0u);
}

/* Under a small cap the magazines stay out of the way. */
TEST_F(MagazineTest, SmallCapTurnsThemOff)
{
	/* 2 CPUs x 2 batches x 4: 1024 pages is the smallest cap that keeps them. */
	startWith(256, 1023);
	freePages(allocPages(10));
	EXPECT_EQ(stat(UM_STAT_percpu_pages), 0u);
	EXPECT_EQ(stat(UM_STAT_percpu_fills), 0u);
}

TEST_F(MagazineTest, FreezeCountsWhatMagazinesHandedOut)
{
	startWith(256);
	um_pfn_t held = mustAlloc(0);
	um_freeze_report rep;

	EXPECT_EQ(um_cache_freeze(cache_, &rep), -UM_EBUSY);
	EXPECT_EQ(rep.pages_in_use, 1u);
	mustFree(held, 0);
	EXPECT_EQ(um_cache_freeze(cache_, &rep), 0);
	EXPECT_EQ(rep.pages_in_use, 0u);
	EXPECT_EQ(stat(UM_STAT_pages_cached), 0u);

	um_pfn_t p;

	EXPECT_EQ(um_cache_alloc(cache_, 0, 0, 0, &p), -UM_EAGAIN);
	um_cache_thaw(cache_);
	mustFree(mustAlloc(0), 0);
}

TEST_F(MagazineTest, ConfigRefusesMoreThanTheCap)
{
	startWith(0);
	um_config cfg = config();

	cfg.percpu_pages = 257;
	EXPECT_EQ(um_cache_set_config(cache_, &cfg), -UM_EINVAL);
	cfg.percpu_pages = 256;
	EXPECT_EQ(um_cache_set_config(cache_, &cfg), 0);
}

} /* namespace */
