// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_cache.cpp - the extern "C" API: nodes and fallback, configuration,
 * statistics sums, events, create/destroy.
 */
#include "harness.h"

#include <set>
#include <vector>

using namespace t;

namespace {

sim::SimConfig twoNodes()
{
	sim::SimConfig cfg = simConfig();

	cfg.nr_nodes = 2;
	return cfg;
}

class ApiTest : public CacheTest {};

TEST_F(ApiTest, NodesAreSeparate)
{
	start(config(), twoNodes());
	EXPECT_EQ(um_cache_nodes(cache_), 2);
	um_pfn_t a = mustAlloc(0, 0, 0);
	um_pfn_t b = mustAlloc(0, 0, 1);
	um_u64 half = (simConfig().mem_bytes >> 12) / 2;

	EXPECT_LT(a, half);
	EXPECT_GE(b, half);
	EXPECT_EQ(stat(UM_STAT_refills, 0), 1u);
	EXPECT_EQ(stat(UM_STAT_refills, 1), 1u);
	EXPECT_EQ(stat(UM_STAT_refills), 2u);
	EXPECT_EQ(stat(UM_STAT_pages_in_use), 2u);
	/* Frees find the owning node whichever it is. */
	mustFree(b, 0);
	mustFree(a, 0);
	EXPECT_EQ(stat(UM_STAT_frees, 1), 1u);
}

/*
 * node_lock_holds counts exactly: from a warm cache an allocation and its
 * free take the node's lock once each (today's cost, which a per-CPU fast
 * path is to bring down); reading the counters takes it uncounted.
 */
TEST_F(ApiTest, WarmAllocAndFreeTakeTheNodeLockOnceEach)
{
	start();
	mustFree(mustAlloc(0), 0);
	um_u64 before = stat(UM_STAT_node_lock_holds, 0);

	EXPECT_EQ(stat(UM_STAT_node_lock_holds, 0), before) << "a read is not counted";
	EXPECT_EQ(stat(UM_STAT_node_lock_holds), before) << "nor a sum over the nodes";
	mustFree(mustAlloc(0), 0);
	EXPECT_EQ(stat(UM_STAT_node_lock_holds, 0) - before, 2u) << "alloc, free";
	for (int i = 0; i < 10; i++)
		mustFree(mustAlloc(0), 0);
	EXPECT_EQ(stat(UM_STAT_node_lock_holds, 0) - before, 22u);
}

TEST_F(ApiTest, NoNodeMeansTheCurrentNode)
{
	start(config(), twoNodes());
	sim_->setCurrentNode(1);
	um_pfn_t pfn = mustAlloc(0);

	sim_->setCurrentNode(0);
	EXPECT_EQ(stat(UM_STAT_allocs, 1), 1u);
	mustFree(pfn, 0);
}

TEST_F(ApiTest, FallsBackToAnotherNodeUnlessThisnode)
{
	sim::SimConfig scfg = twoNodes();

	scfg.memoryless_nodes = { 1 };
	start(config(), scfg);
	um_pfn_t pfn;

	EXPECT_EQ(um_cache_alloc(cache_, 1, 0, UM_ALLOC_THISNODE, &pfn),
		  -UM_ENODEV);
	pfn = mustAlloc(0, 0, 1);
	EXPECT_EQ(stat(UM_STAT_allocs, 0), 1u);
	EXPECT_EQ(stat(UM_STAT_alloc_failures, 1), 1u);
	mustFree(pfn, 0);
	/* Atomic falls back to another node's cache too. */
	pfn = mustAlloc(0, UM_ALLOC_ATOMIC, 1);
	mustFree(pfn, 0);
}

TEST_F(ApiTest, ThisnodeOnEmptyNodeFails)
{
	start(config(), twoNodes());
	um_pfn_t pfn = mustAlloc(0, 0, 0);
	um_pfn_t got;

	EXPECT_EQ(um_cache_alloc(cache_, 1, 0,
				 UM_ALLOC_THISNODE | UM_ALLOC_ATOMIC, &got),
		  -UM_EAGAIN);
	mustFree(pfn, 0);
}

TEST_F(ApiTest, ConfigRoundTripsAndValidates)
{
	um_config cfg = config(UM_BACKEND_PAGE);

	cfg.max_free_pages = 4096;
	cfg.min_free_pages = 512;
	cfg.shrink_partial = 1;
	start(cfg);
	um_config got;

	um_cache_get_config(cache_, &got);
	EXPECT_EQ(got.backend, UM_BACKEND_PAGE);
	EXPECT_EQ(got.max_free_pages, 4096u);
	EXPECT_EQ(got.min_free_pages, 512u);
	EXPECT_EQ(got.shrink_partial, 1u);

	um_config bad = cfg;

	bad.min_free_pages = 5000;
	EXPECT_EQ(um_cache_set_config(cache_, &bad), -UM_EINVAL);
	um_cache_get_config(cache_, &got);
	EXPECT_EQ(got.min_free_pages, 512u);
}

TEST_F(ApiTest, CreateRejectsBadConfigAndSurvivesNoMemory)
{
	sim_ = std::make_unique<sim::SimPlatform>(simConfig());
	um_config cfg = config();

	cfg.backend = UM_BACKEND_NR;
	EXPECT_EQ(um_cache_create(sim_->plat(), &cfg, &cache_), -UM_EINVAL);
	EXPECT_EQ(cache_, nullptr);
	cfg = config();
	/* cache, node array, node 0: each allocation failing in turn. */
	for (int n = 1; n <= 3; n++) {
		sim_->fail_meta_alloc.failNth(n);
		EXPECT_EQ(um_cache_create(sim_->plat(), &cfg, &cache_),
			  -UM_ENOMEM) << n;
		EXPECT_EQ(sim_->liveMetaAllocs(), 0u);
		EXPECT_EQ(sim_->liveMutexes(), 0);
		EXPECT_EQ(sim_->liveLocks(), 0);
	}
	sim_->fail_meta_alloc.reset();
	/* A failed prefill is not an error. */
	cfg.prefill_pages = 512;
	sim_->fail_block_alloc.failAlways();
	ASSERT_EQ(um_cache_create(sim_->plat(), &cfg, &cache_), 0);
	EXPECT_EQ(stat(UM_STAT_pages_free), 0u);
	EXPECT_EQ(um_cache_prefill(cache_), -UM_ENOMEM);
	sim_->fail_block_alloc.reset();
}

TEST_F(ApiTest, DestroyWhileInUseIsBusyAndChangesNothing)
{
	start();
	um_pfn_t pfn = mustAlloc(3);
	um_stats before = stats();

	EXPECT_EQ(um_cache_destroy(cache_), -UM_EBUSY);
	um_stats after = stats();

	for (unsigned i = 0; i < UM_STAT_NR; i++)
		if (isStateStat(i)) {
			EXPECT_EQ(after.v[i], before.v[i]) << um_stat_name(i);
		}
	mustFree(pfn, 3);
}

TEST_F(ApiTest, AllocAndFreeEventsDescribeTheBlock)
{
	start();
	std::vector<um_event> events;

	sim_->on_event = [&](const um_event &ev) { events.push_back(ev); };
	um_pfn_t pfn = mustAlloc(4);

	mustFree(pfn, 4);
	um_pfn_t bad;

	EXPECT_EQ(um_cache_alloc(cache_, 0, 12, 0, &bad), -UM_ERANGE);
	sim_->on_event = nullptr;
	ASSERT_EQ(events.size(), 4u);
	EXPECT_EQ(events[0].type, UM_EV_REFILL);
	EXPECT_EQ(events[1].type, UM_EV_ALLOC);
	EXPECT_EQ(events[1].pfn, pfn);
	EXPECT_EQ(events[1].order, 4u);
	EXPECT_EQ(events[1].pages, 16u);
	EXPECT_EQ(events[2].type, UM_EV_FREE);
	EXPECT_EQ(events[2].pfn, pfn);
	EXPECT_EQ(events[3].type, UM_EV_ALLOC_FAIL);
	EXPECT_EQ(events[3].err, -UM_ERANGE);
	EXPECT_GT(events[0].duration_ns, 0u);
}

TEST_F(ApiTest, StatsSumOverNodesAndRejectBadNode)
{
	start(config(), twoNodes());
	um_pfn_t a = mustAlloc(9, 0, 0);
	um_pfn_t b = mustAlloc(8, 0, 1);
	um_stats sum = stats();
	um_stats s;

	EXPECT_EQ(statOf(sum, UM_STAT_pages_in_use), 768u);
	EXPECT_EQ(sum.allocs_by_order[9], 1u);
	EXPECT_EQ(sum.allocs_by_order[8], 1u);
	EXPECT_EQ(um_cache_stats(cache_, 2, &s), -UM_ENODEV);
	EXPECT_EQ(um_cache_shrink_count(cache_, 5), 0u);
	mustFree(a, 9);
	mustFree(b, 8);
	EXPECT_EQ(um_cache_shrink_count(cache_, UM_NUMA_NO_NODE), 1024u);
	EXPECT_EQ(um_cache_shrink(cache_, UM_NUMA_NO_NODE, 600, 0), 1024u);
}

TEST_F(ApiTest, PeaksTrackTheHighWaterMark)
{
	start();
	std::vector<um_pfn_t> held;

	for (int i = 0; i < 3; i++)
		held.push_back(mustAlloc(9));
	for (um_pfn_t pfn : held)
		mustFree(pfn, 9);
	um_cache_drain(cache_);
	um_stats s = stats();

	EXPECT_EQ(statOf(s, UM_STAT_peak_in_use), 1536u);
	EXPECT_EQ(statOf(s, UM_STAT_peak_cached), 1536u);
	EXPECT_EQ(statOf(s, UM_STAT_pages_cached), 0u);
}

/*
 * debugfs "blocks" walks the cache in batches: each call takes one node
 * lock once and copies at most UM_BLOCKS_PER_LOCK blocks, whatever it is
 * asked for; the cursor resumes in pfn order, and every block is seen once.
 */
TEST_F(ApiTest, BlockWalkCopiesABoundedBatchPerLockHold)
{
	start(config(), twoNodes());
	std::vector<um_pfn_t> held;

	for (int i = 0; i < 90; i++)
		held.push_back(mustAlloc(9, 0, i % 3 ? 0 : 1));
	mustFree(held[5], 9);	/* free and used blocks alike */

	std::vector<um_block_info> seen;
	um_block_info batch[200];
	um_block_cursor cur = {};
	unsigned n, calls = 0;

	for (;;) {
		uint64_t locks = sim_->locksTaken();

		n = um_cache_blocks(cache_, UM_NUMA_NO_NODE, &cur, batch, 200);
		/* An exhausted node is passed over: one more lock, no block. */
		EXPECT_LE(sim_->locksTaken() - locks, 2u);
		if (!n)
			break;
		calls++;
		EXPECT_LE(n, unsigned(UM_BLOCKS_PER_LOCK));
		seen.insert(seen.end(), batch, batch + n);
	}
	EXPECT_EQ(calls, 3u);	/* node 0: 32 + 28 blocks, node 1: 30 */
	ASSERT_EQ(seen.size(), 90u);
	for (size_t i = 1; i < seen.size(); i++) {
		if (seen[i].nid == seen[i - 1].nid) {
			EXPECT_GT(seen[i].pfn, seen[i - 1].pfn);
		} else {
			EXPECT_GT(seen[i].nid, seen[i - 1].nid);
		}
	}
	std::set<um_pfn_t> pfns;

	for (const um_block_info &b : seen) {
		EXPECT_EQ(b.order, 9u);
		EXPECT_EQ(b.free_pages + b.used_pages, 512u);
		pfns.insert(b.pfn);
	}
	EXPECT_EQ(pfns, std::set<um_pfn_t>(held.begin(), held.end()));
	EXPECT_EQ(um_cache_blocks(cache_, UM_NUMA_NO_NODE, &cur, batch, 200),
		  0u);

	/* One node only; a cursor resumes where it stopped. */
	EXPECT_EQ(blocks(1).size(), 30u);
	cur = {};
	EXPECT_EQ(um_cache_blocks(cache_, 0, &cur, batch, 10), 10u);
	um_pfn_t tenth = batch[9].pfn;

	EXPECT_EQ(um_cache_blocks(cache_, 0, &cur, batch, 1), 1u);
	EXPECT_GT(batch[0].pfn, tenth);
	EXPECT_EQ(um_cache_blocks(cache_, 5, &cur, batch, 1), 0u);

	for (size_t i = 0; i < held.size(); i++)
		if (i != 5)
			mustFree(held[i], 9);
}

} /* namespace */
