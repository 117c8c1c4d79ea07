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
 * Where the kernel has no flushless ranged call, a batch's worth is one
 * 4 MiB block: one change, one flush; 2M ones when batches are off.
 */
TEST_F(RefillBatchTest, NoDeferredFlushTakesOneLargerBlock)
{
	start(autoBatch(), batchConfig(8, false));
	um_pfn_t pfn = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 1u);
	EXPECT_EQ(s.refills_by_order[10], 1u);
	EXPECT_EQ(statOf(s, UM_STAT_refill_batched), 0u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 1024u);
	EXPECT_EQ(statOf(s, UM_STAT_dm_calls), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	mustFree(pfn, 0);
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
