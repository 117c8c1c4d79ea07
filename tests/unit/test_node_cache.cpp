// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_node_cache.cpp - the fast paths of one node: buddy allocation from
 * cached blocks, coalescing frees, scrubbing on reuse.
 */
#include "cache.h"
#include "harness.h"

#include <set>
#include <vector>

using namespace t;

namespace {

class NodeCacheTest : public CacheTest {};

TEST_F(NodeCacheTest, FirstAllocRefillsOne2MBlock)
{
	start();
	um_pfn_t first = mustAlloc(0);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_refills), 1u);
	EXPECT_EQ(s.refills_by_order[9], 1u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 512u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_in_use), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_free), 511u);
	EXPECT_EQ(statOf(s, UM_STAT_blocks_cached), 1u);
	/* The split left one free chunk of each order 0..8. */
	for (unsigned k = 0; k < 9; k++)
		EXPECT_EQ(s.nr_free[k], 1u) << k;
	EXPECT_EQ(statOf(s, UM_STAT_dm_calls), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_tlb_flushes), 1u);
	EXPECT_EQ(statOf(s, UM_STAT_splits_l2), 0u);
	mustFree(mustAlloc(0), 0);
	mustFree(first, 0);
}

TEST_F(NodeCacheTest, A2MBlockServes512PagesWithOneRefill)
{
	start();
	std::set<um_pfn_t> seen;

	for (int i = 0; i < 512; i++)
		ASSERT_TRUE(seen.insert(mustAlloc(0)).second);
	EXPECT_EQ(stat(UM_STAT_refills), 1u);
	EXPECT_EQ(*seen.rbegin() - *seen.begin(), 511u);
	mustAlloc(0);
	EXPECT_EQ(stat(UM_STAT_refills), 2u);
	for (um_pfn_t pfn : seen)
		mustFree(pfn, 0);
	EXPECT_EQ(stat(UM_STAT_pages_in_use), 1u);
	for (const um_block_info &info : blocks()) {
		EXPECT_EQ(info.order, 9u);
		EXPECT_TRUE(info.used_pages == 1 || info.free_pages == 512);
	}
	um_cache_free(cache_, *seen.rbegin() + 1, 0);
}

TEST_F(NodeCacheTest, BuddiesCoalesceOnFree)
{
	start();
	um_pfn_t a = mustAlloc(8);
	um_pfn_t b = mustAlloc(8);

	EXPECT_EQ(a ^ b, 256u);
	EXPECT_EQ(stats().nr_free[9], 0u);
	mustFree(a, 8);
	EXPECT_EQ(stats().nr_free[8], 1u);
	mustFree(b, 8);
	um_stats s = stats();

	EXPECT_EQ(s.nr_free[8], 0u);
	EXPECT_EQ(s.nr_free[9], 1u);
	EXPECT_EQ(statOf(s, UM_STAT_frees), 2u);
	EXPECT_EQ(s.frees_by_order[8], 2u);
}

TEST_F(NodeCacheTest, PartlyUsedBlocksServeFirst)
{
	start();
	std::vector<um_pfn_t> first(512);

	for (auto &pfn : first)
		pfn = mustAlloc(0);
	um_pfn_t other = mustAlloc(0);		/* second block */
	um_pfn_t base = first[0] & ~um_pfn_t(511);

	/* Free half of the first block, one page at a time. */
	for (int i = 0; i < 256; i++)
		mustFree(first[i], 0);
	/* Now the second block is partly used too; the newest freed pages
	 * are reused before the whole-block candidates. */
	um_pfn_t next = mustAlloc(0);

	EXPECT_TRUE((next & ~um_pfn_t(511)) == base ||
		    (next & ~um_pfn_t(511)) == (other & ~um_pfn_t(511)));
	EXPECT_EQ(stat(UM_STAT_refills), 2u);
	mustFree(next, 0);
	mustFree(other, 0);
	for (int i = 256; i < 512; i++)
		mustFree(first[i], 0);
	EXPECT_EQ(um_cache_shrink_count(cache_, 0), 1024u);
}

TEST_F(NodeCacheTest, Order10RequestTakesAnOrder10Block)
{
	start();
	um_pfn_t pfn = mustAlloc(10);

	EXPECT_EQ(pfn % 1024, 0u);
	um_stats s = stats();

	EXPECT_EQ(s.refills_by_order[10], 1u);
	EXPECT_EQ(statOf(s, UM_STAT_splits_l2), 0u);
	mustFree(pfn, 10);
}

TEST_F(NodeCacheTest, ReuseIsScrubbedUnlessNozero)
{
	start();
	um_pfn_t pfn = mustAlloc(2);

	sim_->writeSecret(pfn, 4);
	mustFree(pfn, 2);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 0u);
	/* Same chunk again (LIFO): zeroed while unmapped. */
	um_pfn_t again = mustAlloc(2);

	EXPECT_EQ(again, pfn);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 4u);
	sim_->writeSecret(again, 4);
	mustFree(again, 2);

	um_pfn_t raw = mustAlloc(2, UM_ALLOC_NOZERO);

	EXPECT_EQ(raw, pfn);
	EXPECT_FALSE(sim_->isZero(raw, 4));
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 4u);
	mustFree(raw, 2);
	/* The NOZERO owner's data is dirty again: scrubbed before release. */
	EXPECT_EQ(um_cache_drain(cache_), 512u);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 8u);
}

TEST_F(NodeCacheTest, OnlyDirtyPagesAreScrubbed)
{
	start();
	um_pfn_t pfn = mustAlloc(0);

	sim_->writeSecret(pfn, 1);
	mustFree(pfn, 0);
	/* The whole block again: one of its 512 pages needs zeroing. */
	um_pfn_t all = mustAlloc(9);

	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 1u);
	EXPECT_EQ(sim_->totals().pages_scrubbed, 1u);
	mustFree(all, 9);
}

TEST_F(NodeCacheTest, FailedScrubFailsTheAllocCleanly)
{
	start();
	um_pfn_t pfn = mustAlloc(1);

	sim_->writeSecret(pfn, 2);
	mustFree(pfn, 1);
	um_stats before = stats();

	sim_->fail_scrub.failNth(1);
	um_pfn_t got;

	EXPECT_EQ(um_cache_alloc(cache_, 0, 1, 0, &got), -UM_EIO);
	um_stats after = stats();

	EXPECT_EQ(statOf(after, UM_STAT_alloc_failures), 1u);
	for (unsigned i = 0; i < UM_STAT_NR; i++)
		if (i != UM_STAT_alloc_failures && isStateStat(i)) {
			EXPECT_EQ(after.v[i], before.v[i]) << um_stat_name(i);
		}
	/* Still dirty: the next allocation scrubs it. */
	EXPECT_EQ(mustAlloc(1), pfn);
	EXPECT_EQ(stat(UM_STAT_scrubbed_pages), 2u);
	mustFree(pfn, 1);
}

TEST_F(NodeCacheTest, AtomicServesFromCacheOnly)
{
	start();
	um_pfn_t pfn;

	EXPECT_EQ(um_cache_alloc(cache_, 0, 0, UM_ALLOC_ATOMIC, &pfn),
		  -UM_EAGAIN);
	EXPECT_EQ(stat(UM_STAT_refills), 0u);
	EXPECT_EQ(stat(UM_STAT_alloc_failures), 1u);
	um_pfn_t a = mustAlloc(0);
	um_pfn_t b = mustAlloc(0, UM_ALLOC_ATOMIC);

	EXPECT_NE(a, b);
	EXPECT_EQ(stat(UM_STAT_refills), 1u);
	mustFree(a, 0);
	mustFree(b, 0);
}

TEST_F(NodeCacheTest, BlocksAreVisitedWithConsistentLists)
{
	start();
	std::vector<um_pfn_t> held;

	for (unsigned order : { 0u, 3u, 0u, 5u, 9u, 2u })
		held.push_back(mustAlloc(order));
	um::NodeCache *node = um::cacheNode(cache_, 0);
	int blocks = 0;

	node->visitBlocks([&](const um::Block &b, um::u32 linked) {
		blocks++;
		for (unsigned k = 0; k <= b.order; k++)
			EXPECT_EQ(bool(linked & (1u << k)), b.nr_free[k] != 0);
	});
	EXPECT_EQ(blocks, 2);
	unsigned orders[] = { 0, 3, 0, 5, 9, 2 };

	for (size_t i = 0; i < held.size(); i++)
		mustFree(held[i], orders[i]);
}

} /* namespace */
