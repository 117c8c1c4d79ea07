// SPDX-License-Identifier: GPL-2.0-only
/*
 * harness.h - a cache over a fresh simulated platform for each test, and
 * the checks every test ends with: no platform rule broken, the cache
 * destroyed cleanly, every metadata byte, lock and page given back.
 */
#ifndef UNMAPPED_TESTS_HARNESS_H
#define UNMAPPED_TESTS_HARNESS_H

#include "plat_api.h"
#include "sim_platform.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace t {

/*
 * One block per refill (refill_batch_max=1), as the tests that count 2M
 * refills assume; test_refill_batch and test_policy set 0 (automatic) for
 * what batches do.
 */
inline um_config config(um_backend backend = UM_BACKEND_RANGE)
{
	um_config cfg = {};

	cfg.backend = backend;
	cfg.refill_batch_max = 1;
	return cfg;
}

/* 2 GiB: first GiB mapped with 2M pages (4K for the first 2 MiB), then 1G. */
inline sim::SimConfig simConfig()
{
	sim::SimConfig cfg;

	cfg.mem_bytes = uint64_t(2) << 30;
	return cfg;
}

/*
 * Whether counter @i records the cache's state and what it did, as the
 * "changes nothing" tests compare: node_lock_holds counts every lock
 * taken, by a refused call too, so it is left out there.
 */
inline bool isStateStat(unsigned i)
{
	return i != UM_STAT_node_lock_holds;
}

inline um_u64 statOf(const um_stats &s, um_stat_item item)
{
	return s.v[item];
}

class CacheTest : public ::testing::Test {
protected:
	void start(const um_config &cfg = config(),
		   const sim::SimConfig &scfg = simConfig())
	{
		sim_ = std::make_unique<sim::SimPlatform>(scfg);
		ASSERT_EQ(um_cache_create(sim_->plat(), &cfg, &cache_), 0);
	}

	void TearDown() override
	{
		if (!sim_)
			return;
		if (cache_) {
			EXPECT_EQ(um_cache_destroy(cache_), 0);
		}
		for (const std::string &e : sim_->errors())
			ADD_FAILURE() << "platform: " << e;
		EXPECT_EQ(sim_->liveMetaAllocs(), 0u);
		EXPECT_EQ(sim_->liveLocks(), 0);
		EXPECT_EQ(sim_->liveMutexes(), 0);
		EXPECT_EQ(sim_->allocatedPages(), expect_kept_pages_)
			<< "pages not back in the page allocator";
	}

	um_stats stats(int nid = UM_NUMA_NO_NODE)
	{
		um_stats s;

		EXPECT_EQ(um_cache_stats(cache_, nid, &s), 0);
		return s;
	}

	um_u64 stat(um_stat_item item, int nid = UM_NUMA_NO_NODE)
	{
		return t::statOf(stats(nid), item);
	}

	/* Allocate, and check what every caller is promised. */
	um_pfn_t mustAlloc(unsigned order, unsigned flags = 0,
			   int nid = UM_NUMA_NO_NODE)
	{
		um_pfn_t pfn = ~um_pfn_t(0);

		EXPECT_EQ(um_cache_alloc(cache_, nid, order, flags, &pfn), 0);
		if (pfn == ~um_pfn_t(0))
			return pfn;
		EXPECT_EQ(pfn % (um_pfn_t(1) << order), 0u);
		for (um_pfn_t i = 0; i < (um_pfn_t(1) << order); i++)
			EXPECT_FALSE(sim_->reachable(pfn + i));
		if (!(flags & UM_ALLOC_NOZERO)) {
			EXPECT_TRUE(sim_->isZero(pfn, um_pfn_t(1) << order));
		}
		return pfn;
	}

	void mustFree(um_pfn_t pfn, unsigned order)
	{
		EXPECT_EQ(um_cache_free(cache_, pfn, order), 0);
	}

	/* @n order-0 pages, each checked by mustAlloc(). */
	std::vector<um_pfn_t> allocPages(unsigned n)
	{
		std::vector<um_pfn_t> v;

		for (unsigned i = 0; i < n; i++)
			v.push_back(mustAlloc(0));
		return v;
	}

	void freePages(const std::vector<um_pfn_t> &v)
	{
		for (um_pfn_t p : v)
			mustFree(p, 0);
	}

	/* Every block held, by a whole um_cache_blocks() walk. */
	std::vector<um_block_info> blocks(int nid = UM_NUMA_NO_NODE)
	{
		std::vector<um_block_info> all;
		um_block_info batch[UM_BLOCKS_PER_LOCK];
		um_block_cursor cur = {};
		unsigned n;

		while ((n = um_cache_blocks(cache_, nid, &cur, batch,
					    UM_BLOCKS_PER_LOCK)))
			all.insert(all.end(), batch, batch + n);
		return all;
	}

	std::unique_ptr<sim::SimPlatform> sim_;
	um_cache *cache_ = nullptr;
	uint64_t expect_kept_pages_ = 0;	/* leaked on purpose */
};

} /* namespace t */

#endif /* UNMAPPED_TESTS_HARNESS_H */
