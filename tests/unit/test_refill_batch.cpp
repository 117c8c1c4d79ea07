// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_refill_batch.cpp - a refill that takes several blocks out of the
 * direct map under one TLB flush, where the platform can defer the flush
 * (set_direct_map_valid_noflush, 6.13+), and one block where it cannot.
 */
#include "harness.h"

#include <set>

using namespace t;

namespace {

/* 4 GiB (a batch of 8 fits 1/256 of the node) and @cpus CPUs. */
sim::SimConfig batchConfig(int cpus, bool defer = true)
{
	sim::SimConfig cfg;

	cfg.mem_bytes = uint64_t(4) << 30;
	cfg.nr_cpus = cpus;
	cfg.dm_defer_flush = defer;
	return cfg;
}

/* Batches as the module loads them: refill_batch_max=0 (automatic). */
um_config autoBatch(um_backend backend = UM_BACKEND_RANGE)
{
	um_config cfg = config(backend);

	cfg.refill_batch_max = 0;
	return cfg;
}

class RefillBatchTest : public CacheTest {};

/* 8 CPUs: 7 IPIs per flush, so 8 blocks (4096 pages) under one flush. */
TEST_F(RefillBatchTest, EightCpusTakeEightBlocksUnderOneFlush)
{
	start(autoBatch(), batchConfig(8));
	um_pfn_t first = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 8u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_batched), 7u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 8u * 512);
	EXPECT_EQ(statOf(s, UM_STAT_dm_calls), 8u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_dm_pages_removed), 8u * 512);
	EXPECT_EQ(s.refills_by_order[9], 8u);

	/* No page is reachable, through the map or a stale TLB entry. */
	std::vector<um_pfn_t> all = allocPages(8 * 512 - 1);
	std::set<um_pfn_t> distinct(all.begin(), all.end());

	distinct.insert(first);
	EXPECT_EQ(distinct.size(), 8u * 512);
	EXPECT_EQ(stat(UM_STAT_refills), 8u) << "the batch served them all";
	EXPECT_EQ(stat(UM_STAT_tlb_flushes), 1u);
	freePages(all);
	mustFree(first, 0);
}

/*
 * Where the kernel has no flushless ranged call, a batch is 4 MiB blocks
 * (8 2M blocks' worth at 8 CPUs: 4), and adjacent ones leave the direct
 * map in one change: the page allocator hands them out in address order.
 */
TEST_F(RefillBatchTest, NoDeferredFlushRemovesAdjacentLargeBlocksInOneChange)
{
	start(autoBatch(), batchConfig(8, false));
	um_pfn_t first = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 4u);
	EXPECT_EQ(s.refills_by_order[10], 4u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_batched), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_joined), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 4096u);
	EXPECT_EQ(statOf(s, UM_STAT_dm_calls), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	std::vector<um_pfn_t> all = allocPages(4095);
	std::set<um_pfn_t> distinct(all.begin(), all.end());

	distinct.insert(first);
	EXPECT_EQ(distinct.size(), 4096u);
	for (um_pfn_t pfn : distinct)
		EXPECT_FALSE(sim_->reachable(pfn)) << pfn;
	EXPECT_EQ(stat(UM_STAT_refills), 4u) << "the batch served them all";
	freePages(all);
	mustFree(first, 0);
}

/* 4 CPUs: 3 IPIs per flush, 3 blocks of 4 MiB (3072 pages) under one. */
TEST_F(RefillBatchTest, NoDeferredFlushFourCpusTakeThreeLargeBlocks)
{
	start(autoBatch(), batchConfig(4, false));
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_joined), 2u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	mustFree(pfn, 0);
}

/* Blocks held by someone else between free ones: what fragmentation does. */
class RefillRunsTest : public RefillBatchTest {
protected:
	/*
	 * Take @nr 4 MiB blocks from the bottom of free memory and give back
	 * those @give_back marks, so that the cache's batch finds them first.
	 */
	void fragment(std::initializer_list<int> give_back, int nr = 8)
	{
		held_.clear();
		freed_.clear();
		for (int i = 0; i < nr; i++) {
			um_pfn_t pfn;

			ASSERT_EQ(sim_->blockAlloc(0, 10, 0, &pfn), 0);
			held_.push_back(pfn);
		}
		for (int i : give_back) {
			sim_->pagesFree(held_[i], 1024);
			freed_.push_back(held_[i]);
			held_[i] = 0;
		}
	}

	/* The page allocator has nothing past the batch: no spare to try. */
	void noSpares(unsigned batch) { sim_->fail_block_alloc.failNth(batch + 1); }

	/* Pages the test itself holds. */
	uint64_t heldPages() const
	{
		uint64_t n = 0;

		for (um_pfn_t pfn : held_)
			n += pfn ? 1024 : 0;
		return n;
	}

	void TearDown() override
	{
		for (um_pfn_t pfn : held_)
			if (pfn)
				sim_->pagesFree(pfn, 1024);
		held_.clear();
		RefillBatchTest::TearDown();
	}

	std::vector<um_pfn_t> held_;
	std::vector<um_pfn_t> freed_;	/* what the batch found first */
};

/*
 * No two of the first four adjacent: spares (the free blocks above) make a
 * run of four, and the scattered ones go back as they came, still mapped.
 */
TEST_F(RefillRunsTest, ScatteredBlocksAreTradedForOneRun)
{
	start(autoBatch(), batchConfig(8, false));
	fragment({ 0, 2, 4, 6 });
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_batched), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_run_spares), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_joined), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_dm_calls), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_dm_pages_removed), 4096u);
	EXPECT_EQ(sim_->allocatedPages(), 4096u + heldPages());
	for (um_pfn_t f : freed_)
		for (um_pfn_t i = 0; i < 1024; i++)
			ASSERT_TRUE(sim_->reachable(f + i)) << f + i;

	std::vector<um_pfn_t> all = allocPages(4095);

	all.push_back(pfn);
	for (um_pfn_t p : all) {
		EXPECT_FALSE(sim_->reachable(p)) << p;
		EXPECT_GT(p, held_.back()) << "from the run above the held blocks";
	}
	all.pop_back();
	freePages(all);
	mustFree(pfn, 0);
}

/* With no spare to be had, scattered blocks take a change and a flush each. */
TEST_F(RefillRunsTest, ScatteredBlocksTakeAChangeEachWithoutSpares)
{
	start(autoBatch(), batchConfig(8, false));
	fragment({ 0, 2, 4, 6 });
	noSpares(4);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_batched), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_run_spares), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_joined), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_dm_calls), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 4u);
	std::vector<um_pfn_t> all = allocPages(4095);

	for (um_pfn_t p : all)
		EXPECT_FALSE(sim_->reachable(p)) << p;
	freePages(all);
	mustFree(pfn, 0);
}

/*
 * 4 CPUs, a batch of 3: blocks 0, then 2 and 3. Spares 8, 9, 10 are the
 * first run of three; all of the first three go back, the first block too.
 */
TEST_F(RefillRunsTest, FirstBlockGoesBackForALongerRun)
{
	start(autoBatch(), batchConfig(4, false));
	fragment({ 0, 2, 3 });
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_run_spares), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_joined), 2u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	EXPECT_GT(pfn, held_.back());
	EXPECT_EQ(sim_->allocatedPages(), 3072u + heldPages());
	EXPECT_TRUE(sim_->reachable(freed_[0]));
	mustFree(pfn, 0);
}

/*
 * Every other block held as far as spares reach: at most a batch's worth
 * of spares (4 here), then the lowest blocks are kept, a change each.
 */
TEST_F(RefillRunsTest, SparesAreBoundedByTheBatch)
{
	start(autoBatch(), batchConfig(8, false));
	fragment({ 0, 2, 4, 6, 8, 10, 12, 14 }, 16);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_run_spares), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_joined), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 4u);
	EXPECT_EQ(sim_->allocatedPages(), 4096u + heldPages());
	for (int i = 4; i < 8; i++)
		EXPECT_TRUE(sim_->reachable(freed_[i])) << "spare " << i;
	EXPECT_LT(pfn, freed_[4]);
	mustFree(pfn, 0);
}

/* Where removals share one flush anyway, the layout costs nothing. */
TEST_F(RefillRunsTest, NoSparesWhereTheFlushIsShared)
{
	start(autoBatch(), batchConfig(8, true));
	fragment({ 0, 2, 4, 6 });
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refill_run_spares), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	mustFree(pfn, 0);
}

/*
 * The run the spares made fails to leave the direct map and is put back:
 * the refill fails, nothing is kept, every page it took is free and mapped.
 */
TEST_F(RefillRunsTest, FailedRunOfSparesLeavesNothingBehind)
{
	start(autoBatch(), batchConfig(8, false));
	fragment({ 0, 2, 4, 6 });
	sim_->fail_remove_range.failNth(1);
	um_pfn_t pfn = ~um_pfn_t(0);

	EXPECT_NE(um_cache_alloc(cache_, UM_NUMA_NO_NODE, 0, 0, &pfn), 0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refill_run_spares), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 0u);
	EXPECT_EQ(sim_->allocatedPages(), heldPages());
	for (um_pfn_t p = held_.back() + 1024; p < held_.back() + 5 * 1024; p++)
		ASSERT_TRUE(sim_->reachable(p)) << p;
}

/* Blocks 0, 1 and 3, then the first free one above: three runs. */
TEST_F(RefillRunsTest, MixedLayoutJoinsOnlyNeighbours)
{
	start(autoBatch(), batchConfig(8, false));
	fragment({ 0, 1, 3 });
	noSpares(4);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_joined), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_dm_calls), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 3u);
	mustFree(pfn, 0);
}

/*
 * A run that fails is put back and its extras given back; the other runs
 * stand. The second run here is block 3 alone.
 */
TEST_F(RefillRunsTest, FailedRunIsGivenBack)
{
	start(autoBatch(), batchConfig(8, false));
	fragment({ 0, 1, 3 });
	noSpares(4);
	sim_->fail_remove_range.failNth(2);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_batched), 2u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_joined), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 3u * 1024);
	EXPECT_EQ(sim_->allocatedPages(), 3u * 1024 + 5 * 1024);
	EXPECT_TRUE(sim_->reachable(held_[3] + 1024)) << "block 3 is back, mapped";
	mustFree(pfn, 0);
}

/* The first block's run failing: an extra of another run serves. */
TEST_F(RefillRunsTest, ExtraServesWhenTheFirstRunFails)
{
	start(autoBatch(), batchConfig(8, false));
	fragment({ 0, 2, 4, 6 });
	noSpares(4);
	sim_->fail_remove_range.failNth(1);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_failures), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 0u);
	EXPECT_EQ(sim_->allocatedPages(), 3u * 1024 + 4 * 1024);
	EXPECT_FALSE(sim_->reachable(pfn));
	mustFree(pfn, 0);
}

/* A run that can be neither removed nor put back is kept whole, unused. */
TEST_F(RefillRunsTest, UnrestorableRunIsKept)
{
	start(autoBatch(), batchConfig(8, false));
	fragment({ 0, 2, 3 });
	noSpares(4);
	sim_->fail_remove_range.failNth(2);
	sim_->fail_restore_range.failNth(1);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 4u);
	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 2u * 1024);
	EXPECT_EQ(statOf(s, UM_STAT_pages_free), 2u * 1024 - 1);
	mustFree(pfn, 0);
	/* Drain maps the kept blocks back and frees them with the rest. */
	EXPECT_EQ(um_cache_drain(cache_), 4u * 1024);
	EXPECT_EQ(sim_->allocatedPages(), 5u * 1024);
}

/*
 * 2M blocks there when batches are off, and as the fallback when the page
 * allocator has no 4 MiB block.
 */
TEST_F(RefillBatchTest, NoDeferredFlushTakesTwoMegabytesOtherwise)
{
	for (bool batches_off : { true, false }) {
		start(batches_off ? config() : autoBatch(), batchConfig(8, false));
		if (!batches_off)
			sim_->fail_order_at_least = 10;
		um_pfn_t pfn = mustAlloc(0);
		um_stats s = stats();

		EXPECT_EQ(s.refills_by_order[9], 1u) << batches_off;
		EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 512u) << batches_off;
		EXPECT_EQ(statOf(s, UM_STAT_refill_fallbacks), batches_off ? 0u : 1u);
		mustFree(pfn, 0);
		TearDown();	/* the checks of a whole test, per case */
		cache_ = nullptr;
		sim_.reset();
	}
}

/* With no other CPU a flush costs no IPI: nothing to share. */
TEST_F(RefillBatchTest, OneCpuTakesOneBlock)
{
	start(autoBatch(), batchConfig(1));
	um_pfn_t pfn = mustAlloc(0);

	EXPECT_EQ(stat(UM_STAT_refills), 1u);
	EXPECT_EQ(stat(UM_STAT_refill_batched), 0u);
	mustFree(pfn, 0);
}

/* The page backend splits to 4K and flushes per batch of pages already. */
TEST_F(RefillBatchTest, PageBackendTakesOneBlock)
{
	start(autoBatch(UM_BACKEND_PAGE), batchConfig(8));
	um_pfn_t pfn = mustAlloc(0);

	EXPECT_EQ(stat(UM_STAT_refills), 1u);
	EXPECT_EQ(stat(UM_STAT_refill_batched), 0u);
	mustFree(pfn, 0);
}

/* refill_batch_max=1 turns batches off; written live, the next refill. */
TEST_F(RefillBatchTest, RefillBatchMaxOneTakesOneBlock)
{
	um_config cfg = autoBatch();

	cfg.refill_batch_max = 1;
	start(cfg, batchConfig(8));
	um_pfn_t pfn = mustAlloc(0);

	EXPECT_EQ(stat(UM_STAT_refills), 1u);
	mustFree(pfn, 0);
	EXPECT_EQ(um_cache_drain(cache_), 512u);
	cfg.refill_batch_max = 2;
	ASSERT_EQ(um_cache_set_config(cache_, &cfg), 0);
	pfn = mustAlloc(0);
	EXPECT_EQ(stat(UM_STAT_refills), 3u);
	EXPECT_EQ(stat(UM_STAT_refill_batched), 1u);
	mustFree(pfn, 0);
}

/* max_free_pages bounds the batch: 2048 allowed, 4 blocks. */
TEST_F(RefillBatchTest, MaxFreePagesBoundsTheBatch)
{
	um_config cfg = autoBatch();

	cfg.max_free_pages = 2048;
	start(cfg, batchConfig(8));
	um_pfn_t pfn = mustAlloc(0);

	EXPECT_EQ(stat(UM_STAT_refills), 4u);
	EXPECT_EQ(stat(UM_STAT_pages_cached), 2048u);
	mustFree(pfn, 0);
}

/* A fallback means memory is short: no extras below the wanted order. */
TEST_F(RefillBatchTest, FallbackTakesNoExtras)
{
	start(autoBatch(), batchConfig(8));
	sim_->fail_order_at_least = 9;
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_fallbacks), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_batched), 0u);
	mustFree(pfn, 0);
}

/* The page allocator running dry mid-batch ends the batch, no failure. */
TEST_F(RefillBatchTest, ShortBatchWhenMemoryRunsOut)
{
	start(autoBatch(), batchConfig(8));
	sim_->fail_block_alloc.failNth(4);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 3u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_failures), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	mustFree(pfn, 0);
}

/* An extra whose removal fails is mapped back and given back. */
TEST_F(RefillBatchTest, FailedExtraIsGivenBack)
{
	start(autoBatch(), batchConfig(8));
	sim_->fail_remove_range.failNth(3);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 7u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_batched), 6u);
	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 7u * 512);
	EXPECT_EQ(sim_->allocatedPages(), 7u * 512);
	std::vector<um_pfn_t> all = allocPages(7 * 512 - 1);

	freePages(all);
	mustFree(pfn, 0);
}

/* ...and one that cannot be mapped back either is kept, never used. */
TEST_F(RefillBatchTest, UnrestorableExtraIsKept)
{
	start(autoBatch(), batchConfig(8));
	sim_->fail_remove_range.failNth(2);
	sim_->fail_restore_range.failNth(1);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 8u);
	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 512u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_free), 7u * 512 - 1);
	std::vector<um_pfn_t> all = allocPages(7 * 512 - 1);

	freePages(all);
	mustFree(pfn, 0);
	/* Drain maps the kept block back and frees it with the rest. */
	EXPECT_EQ(um_cache_drain(cache_), 8u * 512);
	EXPECT_EQ(sim_->allocatedPages(), 0u);
}

/* The first block failing does not fail the request an extra can serve. */
TEST_F(RefillBatchTest, ExtraServesWhenTheFirstFails)
{
	start(autoBatch(), batchConfig(8));
	sim_->fail_remove_range.failNth(1);
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 7u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_failures), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_dm_failures), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_leaked_pages), 0u);
	EXPECT_EQ(sim_->allocatedPages(), 7u * 512);
	mustFree(pfn, 0);
}

/* One refill event per block; the cost is the batch's, on the first. */
TEST_F(RefillBatchTest, OneEventPerBlockCostOnTheFirst)
{
	start(autoBatch(), batchConfig(8));
	std::vector<um_event> seen;

	sim_->on_event = [&](const um_event &ev) {
		if (ev.type == UM_EV_REFILL)
			seen.push_back(ev);
	};
	um_pfn_t pfn = mustAlloc(0);

	sim_->on_event = nullptr;
	ASSERT_EQ(seen.size(), 8u);
	EXPECT_EQ(seen[0].cost.calls, 8u);
	EXPECT_EQ(seen[0].cost.flushes, 1u);
	for (size_t i = 1; i < seen.size(); i++) {
		EXPECT_EQ(seen[i].cost.calls, 0u);
		EXPECT_EQ(seen[i].pages, 512u);
	}
	mustFree(pfn, 0);
}

} /* namespace */
