// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sim_platform.cpp - the simulated platform catches what it must.
 */
#include "sim_platform.h"

#include <gtest/gtest.h>

using namespace sim;

namespace {

SimConfig small()
{
	SimConfig cfg;

	cfg.mem_bytes = uint64_t(1) << 30;
	return cfg;
}

bool hasError(SimPlatform &s, const std::string &needle)
{
	for (const std::string &e : s.errors())
		if (e.find(needle) != std::string::npos)
			return true;
	return false;
}

TEST(PageAllocator, SplitsAndCoalesces)
{
	PageAllocator a({ 0, 4096 }, 0);
	uint64_t p1, p2;

	EXPECT_EQ(a.freePages(0), 4096u);
	ASSERT_TRUE(a.alloc(0, 0, &p1));
	ASSERT_TRUE(a.alloc(0, 9, &p2));
	EXPECT_EQ(p1, 0u);
	EXPECT_EQ(p2 % 512, 0u);
	EXPECT_NE(p2, 0u);
	a.free(p1, 1);
	a.free(p2, 512);
	EXPECT_EQ(a.freePages(0), 4096u);
	/* Coalesced: order 10 is available at 0 again. */
	ASSERT_TRUE(a.alloc(0, 10, &p1));
	EXPECT_EQ(p1, 0u);
	EXPECT_FALSE(a.alloc(0, 11, &p1));
}

TEST(PageAllocator, NodesAndReserve)
{
	PageAllocator a({ 0, 2048, 4096 }, 1024);
	uint64_t pfn;

	EXPECT_EQ(a.freePages(0), 1024u);
	EXPECT_EQ(a.freePages(1), 2048u);
	EXPECT_EQ(a.nodeOf(0), 0);
	EXPECT_EQ(a.nodeOf(2048), 1);
	EXPECT_EQ(a.nodeOf(4096), -1);
	ASSERT_TRUE(a.alloc(1, 0, &pfn));
	EXPECT_EQ(a.nodeOf(pfn), 1);
	EXPECT_FALSE(a.alloc(2, 0, &pfn));
}

TEST(FaultSwitch, NthAndAlways)
{
	FaultSwitch f;

	EXPECT_FALSE(f.shouldFail());
	f.failNth(3);
	EXPECT_FALSE(f.shouldFail());
	EXPECT_FALSE(f.shouldFail());
	EXPECT_TRUE(f.shouldFail());
	EXPECT_FALSE(f.shouldFail());
	f.failAlways();
	EXPECT_TRUE(f.shouldFail());
	f.reset();
	EXPECT_FALSE(f.shouldFail());
}

TEST(SimPlatform, RangeRemovalFlushesAndKeeps2M)
{
	SimPlatform s(small());
	um_pfn_t pfn;
	um_dm_cost cost = {};

	ASSERT_EQ(um_plat_block_alloc(s.plat(), 0, 9, 0, &pfn), 0);
	ASSERT_EQ(um_plat_dm_set_range(s.plat(), pfn, 512, 0, &cost), 0);
	EXPECT_EQ(cost.calls, 1u);
	EXPECT_EQ(cost.flushes, 1u);
	EXPECT_EQ(cost.splits_l2, 0u);
	EXPECT_FALSE(s.reachable(pfn));
	ASSERT_EQ(um_plat_dm_set_range(s.plat(), pfn, 512, 1, &cost), 0);
	um_plat_pages_free(s.plat(), pfn, 512);
	EXPECT_TRUE(s.errors().empty());
	EXPECT_EQ(s.allocatedPages(), 0u);
}

TEST(SimPlatform, MissingFlushIsCaught)
{
	SimPlatform s(small());
	um_pfn_t pfn;
	um_dm_cost cost = {};

	ASSERT_EQ(um_plat_block_alloc(s.plat(), 0, 0, 0, &pfn), 0);
	ASSERT_EQ(um_plat_dm_set_page(s.plat(), pfn, 0, &cost), 0);
	EXPECT_EQ(cost.splits_l2, 1u);
	/* Not present, but still in some CPU's TLB. */
	EXPECT_TRUE(s.reachable(pfn));

	um_event ev = {};

	ev.type = UM_EV_ALLOC;
	ev.pfn = pfn;
	um_plat_event(s.plat(), &ev);
	EXPECT_TRUE(hasError(s, "reachable through the direct map"));
	s.clearErrors();
	EXPECT_EQ(um_plat_scrub(s.plat(), pfn, 1, 0), 0);
	EXPECT_TRUE(hasError(s, "missing flush"));
	s.clearErrors();

	um_plat_tlb_flush(s.plat(), pfn, 1, &cost);
	EXPECT_FALSE(s.reachable(pfn));
	um_plat_event(s.plat(), &ev);
	EXPECT_TRUE(s.errors().empty());
	ASSERT_EQ(um_plat_dm_set_page(s.plat(), pfn, 1, &cost), 0);
	um_plat_pages_free(s.plat(), pfn, 1);
	EXPECT_TRUE(s.errors().empty());
}

TEST(SimPlatform, SplitFlushEndsEarlierStaleEntries)
{
	SimPlatform s(small());
	um_pfn_t a, b;
	um_dm_cost cost = {};

	ASSERT_EQ(um_plat_block_alloc(s.plat(), 0, 9, 0, &a), 0);
	ASSERT_EQ(um_plat_block_alloc(s.plat(), 0, 9, 0, &b), 0);
	ASSERT_EQ(um_plat_dm_set_page(s.plat(), a, 0, &cost), 0);
	EXPECT_TRUE(s.reachable(a));
	/* Splitting b's 2M page does flush_tlb_all() before changing b. */
	ASSERT_EQ(um_plat_dm_set_page(s.plat(), b, 0, &cost), 0);
	EXPECT_FALSE(s.reachable(a));
	EXPECT_TRUE(s.reachable(b));
	EXPECT_EQ(s.totals().split_flushes, 2u);
	EXPECT_EQ(s.totals().flushes, 0u);
}

TEST(SimPlatform, SecretsMustNotReachTheAllocator)
{
	SimPlatform s(small());
	um_pfn_t pfn;

	ASSERT_EQ(um_plat_block_alloc(s.plat(), 0, 1, 0, &pfn), 0);
	EXPECT_TRUE(s.isZero(pfn, 2));
	s.writeSecret(pfn, 2);
	EXPECT_FALSE(s.isZero(pfn, 2));
	um_plat_pages_free(s.plat(), pfn, 2);
	EXPECT_TRUE(hasError(s, "still holds a secret"));
	s.clearErrors();
	um_plat_pages_free(s.plat(), pfn, 1);
	EXPECT_TRUE(hasError(s, "not allocated"));
}

TEST(SimPlatform, UnmappedPagesMustNotReachTheAllocator)
{
	SimPlatform s(small());
	um_pfn_t pfn;
	um_dm_cost cost = {};

	ASSERT_EQ(um_plat_block_alloc(s.plat(), 0, 0, 0, &pfn), 0);
	ASSERT_EQ(um_plat_dm_set_range(s.plat(), pfn, 1, 0, &cost), 0);
	um_plat_pages_free(s.plat(), pfn, 1);
	EXPECT_TRUE(hasError(s, "not in the direct map"));
}

TEST(SimPlatform, ScrubZeroesOrFailsPartly)
{
	SimPlatform s(small());
	um_pfn_t pfn;

	ASSERT_EQ(um_plat_block_alloc(s.plat(), 0, 2, 0, &pfn), 0);
	s.writeSecret(pfn, 4);
	s.fail_scrub.failNth(1);
	EXPECT_EQ(um_plat_scrub(s.plat(), pfn, 4, 0), -UM_EIO);
	EXPECT_TRUE(s.isZero(pfn, 1));
	EXPECT_FALSE(s.isZero(pfn, 4));
	EXPECT_EQ(um_plat_scrub(s.plat(), pfn, 4, 0), 0);
	EXPECT_TRUE(s.isZero(pfn, 4));
	um_plat_pages_free(s.plat(), pfn, 4);
	EXPECT_TRUE(s.errors().empty());
}

TEST(SimPlatform, SleepingUnderSpinlockIsCaught)
{
	SimPlatform s(small());
	um_lock *l = um_plat_lock_create(s.plat(), 0, UM_LOCK_NODE);
	um_pfn_t pfn;
	unsigned long flags = um_plat_lock(l);

	EXPECT_EQ(spinlocksHeld(), 1);
	EXPECT_EQ(um_plat_block_alloc(s.plat(), 0, 0, 0, &pfn), 0);
	um_plat_unlock(l, flags);
	EXPECT_EQ(spinlocksHeld(), 0);
	EXPECT_TRUE(hasError(s, "um_plat_block_alloc [sleeps]"));
	s.clearErrors();
	um_plat_pages_free(s.plat(), pfn, 1);
	um_plat_lock_destroy(s.plat(), l);
	EXPECT_EQ(s.liveLocks(), 0);
	EXPECT_TRUE(s.errors().empty());
}

TEST(SimPlatform, EventUnderLockIsCaught)
{
	SimPlatform s(small());
	um_mutex *m = um_plat_mutex_create(s.plat(), 0);
	um_event ev = {};

	ev.type = UM_EV_SHRINK;
	um_plat_mutex_lock(m);
	EXPECT_EQ(um_plat_mutex_trylock(m), 0);
	um_plat_event(s.plat(), &ev);
	um_plat_mutex_unlock(m);
	EXPECT_TRUE(hasError(s, "event called with a core lock held"));
	EXPECT_EQ(um_plat_mutex_trylock(m), 1);
	um_plat_mutex_unlock(m);
	um_plat_mutex_destroy(s.plat(), m);
}

TEST(SimPlatform, FailuresAreInjectable)
{
	SimPlatform s(small());
	um_pfn_t pfn;
	um_dm_cost cost = {};

	s.fail_order_at_least = 5;
	EXPECT_EQ(um_plat_block_alloc(s.plat(), 0, 5, 0, &pfn), -UM_ENOMEM);
	ASSERT_EQ(um_plat_block_alloc(s.plat(), 0, 4, 0, &pfn), 0);
	s.fail_block_alloc.failNth(1);
	um_pfn_t other;
	EXPECT_EQ(um_plat_block_alloc(s.plat(), 0, 0, 0, &other), -UM_ENOMEM);

	/* A failed range removal leaves the first half changed. */
	s.fail_remove_range.failNth(1);
	EXPECT_EQ(um_plat_dm_set_range(s.plat(), pfn, 16, 0, &cost), -UM_ENOMEM);
	s.withDm([&](const DirectMapModel &dm) {
		EXPECT_FALSE(dm.present(pfn));
		EXPECT_FALSE(dm.present(pfn + 7));
		EXPECT_TRUE(dm.present(pfn + 8));
	});
	s.fail_restore_range.failNth(1);
	EXPECT_EQ(um_plat_dm_set_range(s.plat(), pfn, 16, 1, &cost), -UM_EIO);
	EXPECT_EQ(um_plat_dm_set_range(s.plat(), pfn, 16, 1, &cost), 0);
	s.fail_meta_alloc.failNth(1);
	EXPECT_EQ(um_plat_meta_alloc(s.plat(), 8, 0), nullptr);
	void *meta = um_plat_meta_alloc(s.plat(), 8, 0);

	EXPECT_EQ(s.liveMetaAllocs(), 1u);
	um_plat_meta_free(s.plat(), meta);
	um_plat_pages_free(s.plat(), pfn, 16);
	EXPECT_TRUE(s.errors().empty());
}

TEST(SimPlatform, MemorylessNode)
{
	SimConfig cfg = small();

	cfg.mem_bytes = uint64_t(2) << 30;
	cfg.nr_nodes = 2;
	cfg.memoryless_nodes = { 1 };
	SimPlatform s(cfg);
	um_pfn_t pfn;

	EXPECT_EQ(um_plat_nr_nodes(s.plat()), 2);
	EXPECT_TRUE(um_plat_node_has_memory(s.plat(), 0));
	EXPECT_FALSE(um_plat_node_has_memory(s.plat(), 1));
	EXPECT_EQ(um_plat_block_alloc(s.plat(), 1, 0, 0, &pfn), -UM_ENOMEM);
	/* All memory is node 0's. */
	EXPECT_EQ(um_plat_pfn_node(s.plat(), 0), 0);
	EXPECT_EQ(um_plat_pfn_node(s.plat(), (cfg.mem_bytes >> 12) - 1), 0);
	EXPECT_LT(um_plat_pfn_node(s.plat(), cfg.mem_bytes >> 12), 0);
	s.setCurrentNode(1);
	EXPECT_EQ(um_plat_current_node(s.plat()), 1);
	s.setCurrentNode(0);
}

} /* namespace */
