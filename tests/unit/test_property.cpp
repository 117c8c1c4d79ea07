// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_property.cpp - thousands of random alloc/free/shrink/trim steps
 * against a reference model, with every invariant checked after EVERY
 * step. UM_SEED picks the seed (printed), UM_STEPS the number of steps.
 */
#include "cache.h"
#include "harness.h"

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <vector>

using namespace t;

namespace {

uint64_t envOr(const char *name, uint64_t fallback)
{
	const char *v = std::getenv(name);

	return v && *v ? std::strtoull(v, nullptr, 0) : fallback;
}

struct Scenario {
	const char *name;
	um_backend backend;
	bool partial_and_fallbacks;	/* shrink_partial, failing orders */
	bool faults;			/* scrub and direct-map failures */
	bool percpu;			/* per-CPU magazines on */
};

class PropertyTest : public CacheTest,
		     public ::testing::WithParamInterface<Scenario> {
protected:
	/* What the cache must agree with. */
	std::map<um_pfn_t, unsigned> held_;	/* pfn -> order */
	uint64_t held_pages_ = 0;
	uint64_t allocs_ = 0, frees_ = 0;
	std::mt19937_64 rng_;

	unsigned randomOrder()
	{
		/* Mostly small, sometimes up to 10. */
		unsigned r = unsigned(rng_() % 100);

		return r < 50 ? 0 : r < 80 ? unsigned(rng_() % 4) :
		       r < 97 ? unsigned(rng_() % 10) : 10;
	}

	void stepAlloc()
	{
		unsigned order = randomOrder();
		unsigned flags = rng_() % 8 == 0 ? UM_ALLOC_NOZERO : 0;
		um_pfn_t pfn;

		if (rng_() % 10 == 0)
			flags |= UM_ALLOC_ATOMIC;
		int err = um_cache_alloc(cache_, 0, order, flags, &pfn);

		if (err) {
			/* Only allowed reasons in this setup. */
			ASSERT_TRUE(err == -UM_EAGAIN || err == -UM_ENOMEM ||
				    (GetParam().faults && err == -UM_EIO))
				<< err;
			return;
		}
		um_pfn_t n = um_pfn_t(1) << order;
		auto next = held_.lower_bound(pfn);

		/* Never handed out twice: no overlap with a held chunk. */
		if (next != held_.end()) {
			ASSERT_GE(next->first, pfn + n);
		}
		if (next != held_.begin()) {
			auto prev = std::prev(next);

			ASSERT_LE(prev->first + (um_pfn_t(1) << prev->second),
				  pfn);
		}
		for (um_pfn_t i = 0; i < n; i++)
			ASSERT_FALSE(sim_->reachable(pfn + i));
		if (!(flags & UM_ALLOC_NOZERO)) {
			ASSERT_TRUE(sim_->isZero(pfn, n));
		}
		sim_->writeSecret(pfn, n);
		held_[pfn] = order;
		held_pages_ += n;
		allocs_++;
	}

	void stepFree()
	{
		if (held_.empty())
			return;
		auto it = held_.begin();

		std::advance(it, rng_() % held_.size());
		ASSERT_EQ(um_cache_free(cache_, it->first, it->second), 0);
		held_pages_ -= um_pfn_t(1) << it->second;
		held_.erase(it);
		frees_++;
	}

	void step()
	{
		unsigned r = unsigned(rng_() % 100);
		bool want_alloc = held_pages_ < 8192 ? r < 55 : r < 35;

		if (sim_->takeTrimRequest())
			um_cache_trim(cache_);
		if (sim_->takeScrubRequest())
			um_cache_scrub(cache_);
		if (r >= 95) {
			um_u64 count = um_cache_shrink_count(cache_, 0);

			um_cache_shrink(cache_, 0, count / 2 + 1,
					rng_() % 2 ? UM_SHRINK_NOWAIT : 0);
		} else if (want_alloc) {
			stepAlloc();
		} else {
			stepFree();
		}
	}

	/* Now and then make a scrub, a removal or a restore fail. */
	void armRandomFault()
	{
		switch (rng_() % 300) {
		case 0:
			sim_->fail_scrub.failNth(1 + rng_() % 3);
			break;
		case 1:
			sim_->fail_remove_range.failNth(1);
			break;
		case 2:
			sim_->fail_restore_range.failNth(1);
			break;
		default:
			break;
		}
	}

	/* The invariants, from the blocks' bitmaps and the counters. */
	void checkInvariants()
	{
		um::NodeCache *node = um::cacheNode(cache_, 0);
		std::map<um_pfn_t, unsigned> used;
		uint64_t free_pages = 0, blocks = 0, leaked = 0, dirty = 0;
		uint64_t parked = 0;
		uint64_t nr_free[UM_MAX_ORDER] = {};

		node->visitBlocks([&](const um::Block &b, um::u32 linked) {
			blocks++;
			for (unsigned k = 0; k <= b.order; k++) {
				ASSERT_EQ(bool(linked & (1u << k)),
					  b.nr_free[k] != 0);
				nr_free[k] += b.nr_free[k];
			}
			/* Chunk by chunk: each page covered exactly once. */
			std::vector<uint8_t> cover(b.pages());

			um::u32 block_leaked = 0;

			for (um::u32 page = 0; page < b.pages(); page++) {
				cover[page] = b.isGone(page);
				block_leaked += b.isLeaked(page);
			}
			ASSERT_EQ(block_leaked, b.pages_leaked);
			leaked += block_leaked;
			for (unsigned k = 0; k <= b.order; k++) {
				for (um::u32 head = 0; head < b.pages();
				     head += 1u << k) {
					bool is_free = b.isFreeChunk(head, k);

					if (!is_free && !b.isUsedChunk(head, k))
						continue;
					for (um::u32 i = 0; i < (1u << k); i++)
						cover[head + i]++;
					/* Order 0 without its out bit: in a
					 * magazine, which counts it as free. */
					if (!is_free && k == 0 && !b.isOut(head)) {
						parked++;
						continue;
					}
					if (!is_free) {
						used[b.pfnAt(head)] = k;
						continue;
					}
					free_pages += 1u << k;
					/* Dirty pages are free ones only. */
					for (um::u32 i = 0; i < (1u << k); i++)
						dirty += b.isDirty(head + i);
					/* Buddies coalesced. */
					if (k < b.order) {
						ASSERT_FALSE(b.isFreeChunk(
							head ^ (1u << k), k));
					}
				}
			}
			for (um::u32 page = 0; page < b.pages(); page++)
				ASSERT_EQ(cover[page], 1) << "page " << b.pfnAt(page);
			ASSERT_EQ(b.pages_dirty, b.dirtyPages());
		});
		{
			um::NodeLock g(*node);
			um::u32 mask = node->freeAreaMask(g);

			for (unsigned k = 0; k < UM_MAX_ORDER; k++)
				ASSERT_EQ(bool(mask & (1u << k)), nr_free[k] != 0);
		}
		um_stats s = stats();

		ASSERT_EQ(used, held_);
		if (!GetParam().percpu) {
			ASSERT_EQ(parked, 0u);
		}
		ASSERT_EQ(parked, statOf(s, UM_STAT_percpu_pages));
		free_pages += parked;
		nr_free[0] += parked;
		ASSERT_EQ(free_pages, statOf(s, UM_STAT_pages_free));
		/* A magazine keeps its pages' dirty bits itself. */
		ASSERT_GE(statOf(s, UM_STAT_pages_dirty), dirty);
		ASSERT_LE(statOf(s, UM_STAT_pages_dirty), dirty + parked);
		ASSERT_EQ(held_pages_, statOf(s, UM_STAT_pages_in_use));
		ASSERT_EQ(free_pages + held_pages_, statOf(s, UM_STAT_pages_cached));
		ASSERT_EQ(blocks, statOf(s, UM_STAT_blocks_cached));
		ASSERT_EQ(allocs_, statOf(s, UM_STAT_allocs));
		ASSERT_EQ(frees_, statOf(s, UM_STAT_frees));
		ASSERT_GE(statOf(s, UM_STAT_peak_in_use), held_pages_);
		for (unsigned k = 0; k < UM_MAX_ORDER; k++)
			ASSERT_EQ(nr_free[k], s.nr_free[k]) << k;
		/* Every page taken is free, handed out, or kept as leaked. */
		ASSERT_EQ(statOf(s, UM_STAT_refill_pages) -
				  statOf(s, UM_STAT_release_pages),
			  free_pages + held_pages_ + leaked);
	}
};

TEST_P(PropertyTest, RandomStepsKeepEveryInvariant)
{
	const Scenario &sc = GetParam();
	uint64_t seed = envOr("UM_SEED", std::random_device{}());
	uint64_t steps = envOr("UM_STEPS", 3000);
	um_config cfg = config(sc.backend);

	std::printf("# %s: UM_SEED=%llu UM_STEPS=%llu\n", sc.name,
		    (unsigned long long)seed, (unsigned long long)steps);
	RecordProperty("seed", std::to_string(seed));
	rng_.seed(seed);
	cfg.max_free_pages = 4096;
	cfg.min_free_pages = 256;
	cfg.shrink_partial = sc.partial_and_fallbacks;
	if (sc.percpu)
		cfg.percpu_pages = 128;
	start(cfg);
	for (uint64_t i = 0; i < steps; i++) {
		if (sc.partial_and_fallbacks)
			sim_->fail_order_at_least = rng_() % 4 ? 64 :
				unsigned(rng_() % 10);
		if (sc.faults)
			armRandomFault();
		ASSERT_NO_FATAL_FAILURE(step()) << "step " << i << ", UM_SEED=" << seed;
		ASSERT_NO_FATAL_FAILURE(checkInvariants())
			<< "after step " << i << ", UM_SEED=" << seed;
		ASSERT_TRUE(sim_->errors().empty())
			<< sim_->errors().front() << " after step " << i;
	}
	sim_->fail_order_at_least = 64;
	sim_->fail_scrub.reset();
	sim_->fail_remove_range.reset();
	sim_->fail_restore_range.reset();
	while (!held_.empty())
		ASSERT_NO_FATAL_FAILURE(stepFree());
	if (sc.percpu) {
		EXPECT_GT(stat(UM_STAT_percpu_fills), 0u);
		EXPECT_GT(stat(UM_STAT_percpu_flushes), 0u);
	}
	um_cache_drain(cache_);
	checkInvariants();
	EXPECT_EQ(stat(UM_STAT_blocks_cached), 0u);
	EXPECT_EQ(sim_->allocatedPages(), 0u);

	/* Every page mapped back: at its boot level and attributes where the
	 * design promises it (whole 2M blocks, range backend). */
	sim::DirectMapModel boot(sim::DmLayout{ sim_->config().mem_bytes >> 12,
						sim_->config().small_bytes >> 12,
						sim_->config().pmd_bytes >> 12,
						sim_->config().pmd_gib });
	bool exact = sc.backend == UM_BACKEND_RANGE &&
		     !sc.partial_and_fallbacks && !sc.faults;

	sim_->withDm([&](const sim::DirectMapModel &dm) {
		for (uint64_t pfn = 0; pfn < dm.pages(); pfn++) {
			ASSERT_TRUE(dm.present(pfn)) << pfn;
			ASSERT_TRUE(dm.attrOf(pfn) & sim::kAttrRw) << pfn;
			if (!exact)
				continue;
			ASSERT_EQ(dm.levelOf(pfn), boot.levelOf(pfn)) << pfn;
			ASSERT_EQ(dm.attrOf(pfn), boot.attrOf(pfn)) << pfn;
		}
	});
}

INSTANTIATE_TEST_SUITE_P(
	Scenarios, PropertyTest,
	::testing::Values(Scenario{ "range", UM_BACKEND_RANGE, false, false, false },
			  Scenario{ "page", UM_BACKEND_PAGE, false, false, false },
			  Scenario{ "range_partial_fallbacks", UM_BACKEND_RANGE,
				    true, false, false },
			  Scenario{ "range_faults", UM_BACKEND_RANGE, false,
				    true, false },
			  Scenario{ "range_percpu", UM_BACKEND_RANGE, false,
				    false, true },
			  Scenario{ "range_percpu_partial_faults",
				    UM_BACKEND_RANGE, true, true, true }),
	[](const ::testing::TestParamInfo<Scenario> &param_info) {
		return std::string(param_info.param.name);
	});

} /* namespace */
