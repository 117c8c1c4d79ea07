// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_stress.cpp - many threads allocating, freeing, shrinking, trimming
 * and reconfiguring one two-node cache at once. Built twice: plainly and
 * (test_stress_tsan) with the core and the simulator under
 * ThreadSanitizer. Worker threads never use gtest macros: they count
 * problems, the main thread asserts.
 */
#include "harness.h"

#include <atomic>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>
#include <vector>

using namespace t;

namespace {

struct Shared {
	um_cache *cache;
	sim::SimPlatform *sim;
	std::vector<std::atomic<uint8_t>> owner;	/* per pfn: handed out */
	std::atomic<bool> stop{ false };
	std::atomic<uint64_t> problems{ 0 };
	std::atomic<uint64_t> allocs{ 0 };

	Shared(um_cache *c, sim::SimPlatform *s, uint64_t pages)
		: cache(c), sim(s), owner(pages) {}
};

void worker(Shared &sh, unsigned seed, int ops)
{
	std::mt19937 rng(seed);
	std::vector<std::pair<um_pfn_t, unsigned>> held;

	sh.sim->setCurrentNode(int(seed % 2));
	for (int i = 0; i < ops; i++) {
		if (held.size() < 64 && (held.empty() || rng() % 2)) {
			unsigned order = rng() % 3 ? rng() % 3 : rng() % 10;
			unsigned flags = rng() % 4 ? 0 : UM_ALLOC_ATOMIC;
			int nid = rng() % 3 ? UM_NUMA_NO_NODE : int(rng() % 2);
			um_pfn_t pfn;

			if (um_cache_alloc(sh.cache, nid, order, flags, &pfn))
				continue;
			for (um_pfn_t p = pfn; p < pfn + (1u << order); p++)
				if (sh.owner[p].exchange(1))
					sh.problems++;	/* handed out twice */
			if (!sh.sim->isZero(pfn, um_pfn_t(1) << order))
				sh.problems++;
			sh.sim->writeSecret(pfn, um_pfn_t(1) << order);
			held.emplace_back(pfn, order);
			sh.allocs++;
		} else {
			size_t k = rng() % held.size();
			auto [pfn, order] = held[k];

			for (um_pfn_t p = pfn; p < pfn + (1u << order); p++)
				sh.owner[p].store(0);
			if (um_cache_free(sh.cache, pfn, order))
				sh.problems++;
			held[k] = held.back();
			held.pop_back();
		}
	}
	for (auto [pfn, order] : held) {
		for (um_pfn_t p = pfn; p < pfn + (1u << order); p++)
			sh.owner[p].store(0);
		if (um_cache_free(sh.cache, pfn, order))
			sh.problems++;
	}
}

/*
 * The shrinker, the trim worker, debugfs and an admin, all at once; two of
 * them, so that releases also race with each other.
 */
void housekeeper(Shared &sh, unsigned seed)
{
	std::mt19937 rng(seed);
	um_config cfg = config();

	cfg.max_free_pages = 2048;
	cfg.min_free_pages = 64;
	while (!sh.stop) {
		um_stats s;

		switch (rng() % 7) {
		case 0:
			um_cache_shrink(sh.cache, UM_NUMA_NO_NODE,
					um_cache_shrink_count(sh.cache,
							      UM_NUMA_NO_NODE),
					UM_SHRINK_NOWAIT);
			break;
		case 1:
			um_cache_shrink(sh.cache, int(rng() % 2), 512, 0);
			break;
		case 2:
			if (sh.sim->takeTrimRequest())
				um_cache_trim(sh.cache);
			if (sh.sim->takeScrubRequest())
				um_cache_scrub(sh.cache);
			break;
		case 3:
			if (um_cache_stats(sh.cache, UM_NUMA_NO_NODE, &s) ||
			    s.v[UM_STAT_pages_cached] !=
				    s.v[UM_STAT_pages_free] +
					    s.v[UM_STAT_pages_in_use])
				sh.problems++;
			break;
		case 4:
			cfg.backend = um_backend(rng() % 2);
			cfg.shrink_partial = rng() % 2;
			/* Magazines switched on and off under the workers. */
			cfg.percpu_pages = rng() % 3 ? 128 : 0;
			if (um_cache_set_config(sh.cache, &cfg))
				sh.problems++;
			break;
		case 5:
			um_cache_drain(sh.cache);
			break;
		default: {
			/* A walk racing with everything: never a block twice. */
			um_block_info batch[UM_BLOCKS_PER_LOCK];
			um_block_cursor cur = {};
			std::set<std::pair<int, um_pfn_t>> seen;
			unsigned n;

			while ((n = um_cache_blocks(sh.cache, UM_NUMA_NO_NODE,
						    &cur, batch, 1000)))
				for (unsigned i = 0; i < n; i++)
					if (n > UM_BLOCKS_PER_LOCK ||
					    !seen.insert({ batch[i].nid,
							   batch[i].pfn << 4 |
							   batch[i].order })
						     .second)
						sh.problems++;
			break;
		}
		}
		std::this_thread::yield();
	}
}

class StressTest : public CacheTest {};

TEST_F(StressTest, ThreadsAgreeOnEveryPage)
{
	sim::SimConfig scfg = simConfig();

	scfg.nr_nodes = 2;
	scfg.nr_cpus = 4;
	um_config cfg = config();

	cfg.percpu_pages = 256;
	start(cfg, scfg);

	const char *env = std::getenv("UM_STRESS_OPS");
	int ops = env ? std::atoi(env) : 20000;
	Shared sh(cache_, sim_.get(), scfg.mem_bytes >> 12);
	std::vector<std::thread> threads;
	std::thread keeper(housekeeper, std::ref(sh), 99);
	std::thread keeper2(housekeeper, std::ref(sh), 7);

	for (unsigned i = 0; i < 4; i++)
		threads.emplace_back(worker, std::ref(sh), 1000 + i, ops);
	for (auto &th : threads)
		th.join();
	sh.stop = true;
	keeper.join();
	keeper2.join();

	EXPECT_EQ(sh.problems, 0u);
	EXPECT_GT(sh.allocs, uint64_t(ops));
	EXPECT_EQ(stat(UM_STAT_pages_in_use), 0u);
	EXPECT_EQ(stat(UM_STAT_allocs), sh.allocs.load());
	EXPECT_EQ(stat(UM_STAT_frees), sh.allocs.load());
}

} /* namespace */
