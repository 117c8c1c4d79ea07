// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_misuse.cpp - every wrong call gets its own error and changes
 * nothing but the counter that records it (bad_frees, alloc_failures).
 */
#include "harness.h"

#include <cstring>
#include <functional>
#include <iterator>

using namespace t;

namespace {

/* With the per-CPU magazines on, the order-0 calls take the fast path. */
class MisuseTest : public CacheTest,
		   public ::testing::WithParamInterface<bool> {
protected:
	void SetUp() override
	{
		um_config cfg = config();

		cfg.percpu_pages = GetParam() ? 256 : 0;
		start(cfg);
		used_ = mustAlloc(3);		/* pages used_..used_+7 */
		base_ = used_ & ~um_pfn_t(511);
		freed_ = mustAlloc(0);
		mustFree(freed_, 0);
		EXPECT_EQ(stat(UM_STAT_percpu_pages), GetParam() ? 64u : 0u);
	}

	void TearDown() override
	{
		mustFree(used_, 3);
		CacheTest::TearDown();
	}

	/* Run @call; expect @err and exactly one more @counted (none: UM_STAT_NR). */
	void expectRejected(int err, um_stat_item counted,
			    const std::function<int()> &call)
	{
		um_stats before = stats();
		SimTotals sim_before = sim_->totals();
		int got = call();
		um_stats after = stats();
		SimTotals sim_after = sim_->totals();

		EXPECT_EQ(got, err);
		for (unsigned i = 0; i < UM_STAT_NR; i++)
			if (isStateStat(i)) {
				EXPECT_EQ(after.v[i], before.v[i] + (i == counted))
					<< um_stat_name(i);
			}
		EXPECT_EQ(std::memcmp(after.nr_free, before.nr_free,
				      sizeof(after.nr_free)), 0);
		EXPECT_EQ(std::memcmp(after.allocs_by_order,
				      before.allocs_by_order,
				      sizeof(after.allocs_by_order)), 0);
		EXPECT_EQ(std::memcmp(after.frees_by_order,
				      before.frees_by_order,
				      sizeof(after.frees_by_order)), 0);
		EXPECT_EQ(sim_after.dm_calls, sim_before.dm_calls);
		EXPECT_EQ(sim_after.block_allocs, sim_before.block_allocs);
		EXPECT_EQ(sim_after.pages_scrubbed, sim_before.pages_scrubbed);
	}

	int freeCall(um_pfn_t pfn, unsigned order)
	{
		return um_cache_free(cache_, pfn, order);
	}

	int allocCall(int nid, unsigned order, unsigned flags)
	{
		um_pfn_t pfn;

		return um_cache_alloc(cache_, nid, order, flags, &pfn);
	}

	using SimTotals = sim::SimTotals;
	um_pfn_t used_ = 0, base_ = 0, freed_ = 0;
};

TEST_P(MisuseTest, FreeOfForeignPage)
{
	expectRejected(-UM_ENOENT, UM_STAT_bad_frees,
		       [&] { return freeCall(base_ + 512, 0); });
	expectRejected(-UM_ENOENT, UM_STAT_bad_frees,
		       [&] { return freeCall(5, 0); });
	/* Not memory at all. */
	expectRejected(-UM_ENOENT, UM_STAT_bad_frees,
		       [&] { return freeCall(um_pfn_t(1) << 40, 0); });
}

TEST_P(MisuseTest, DoubleFree)
{
	expectRejected(-UM_EALREADY, UM_STAT_bad_frees,
		       [&] { return freeCall(freed_, 0); });
	/* A page inside a larger free chunk is already free too. */
	expectRejected(-UM_EALREADY, UM_STAT_bad_frees,
		       [&] { return freeCall(base_ + 300, 2); });
}

TEST_P(MisuseTest, WrongOrderOrNotTheHead)
{
	expectRejected(-UM_EINVAL, UM_STAT_bad_frees,
		       [&] { return freeCall(used_, 2); });
	expectRejected(-UM_EINVAL, UM_STAT_bad_frees,
		       [&] { return freeCall(used_, 4); });
	expectRejected(-UM_EINVAL, UM_STAT_bad_frees,
		       [&] { return freeCall(used_ + 1, 3); });
	expectRejected(-UM_EINVAL, UM_STAT_bad_frees,
		       [&] { return freeCall(used_ + 4, 0); });
}

TEST_P(MisuseTest, OrderAboveMaximum)
{
	expectRejected(-UM_ERANGE, UM_STAT_bad_frees,
		       [&] { return freeCall(used_, UM_MAX_ORDER); });
	expectRejected(-UM_ERANGE, UM_STAT_alloc_failures,
		       [&] { return allocCall(0, UM_MAX_ORDER, 0); });
	expectRejected(-UM_ERANGE, UM_STAT_alloc_failures,
		       [&] { return allocCall(0, ~0u, 0); });
}

TEST_P(MisuseTest, NoSuchNode)
{
	expectRejected(-UM_ENODEV, UM_STAT_alloc_failures,
		       [&] { return allocCall(1, 0, 0); });
	expectRejected(-UM_ENODEV, UM_STAT_alloc_failures,
		       [&] { return allocCall(-2, 0, 0); });
	um_stats s;

	EXPECT_EQ(um_cache_stats(cache_, 3, &s), -UM_ENODEV);
}

TEST_P(MisuseTest, UnknownFlag)
{
	expectRejected(-UM_EINVAL, UM_STAT_alloc_failures,
		       [&] { return allocCall(0, 0, 1u << 7); });
	expectRejected(-UM_EINVAL, UM_STAT_alloc_failures, [&] {
		return um_cache_alloc(cache_, 0, 0, 0, nullptr);
	});
}

TEST_P(MisuseTest, CheckChunkSaysWhatFreeWouldAndChangesNothing)
{
	auto check = [&](um_pfn_t pfn, unsigned order) {
		return [=, this] { return um_cache_check_chunk(cache_, pfn, order); };
	};

	/* UM_STAT_NR: no counter may move. */
	expectRejected(0, UM_STAT_NR, check(used_, 3));
	expectRejected(-UM_ENOENT, UM_STAT_NR, check(base_ + 512, 0));
	expectRejected(-UM_ENOENT, UM_STAT_NR, check(um_pfn_t(1) << 40, 0));
	expectRejected(-UM_EALREADY, UM_STAT_NR, check(freed_, 0));
	expectRejected(-UM_EINVAL, UM_STAT_NR, check(used_, 2));
	expectRejected(-UM_EINVAL, UM_STAT_NR, check(used_ + 1, 3));
	expectRejected(-UM_ERANGE, UM_STAT_NR, check(used_, UM_MAX_ORDER));
}

/*
 * Every kind of misuse, one after the other on one cache: the errors the
 * calls return (not the constants) are all different, and together the
 * calls leave the block in use untouched (its contents still there, still
 * unmapped, freeing it works) and the free pages as they were.
 */
TEST_P(MisuseTest, ErrorsAreDistinctAndTogetherChangeNothing)
{
	sim_->writeSecret(used_, 8);
	um_stats before = stats();
	const struct {
		const char *what;
		int got;
	} calls[] = {
		{ "free of a foreign page", freeCall(base_ + 512, 0) },
		{ "double free", freeCall(freed_, 0) },
		{ "free with the wrong order", freeCall(used_, 2) },
		{ "free above the maximum order", freeCall(used_, UM_MAX_ORDER) },
		{ "alloc on no such node", allocCall(1, 0, 0) },
	};
	um_stats after = stats();

	for (size_t i = 0; i < std::size(calls); i++) {
		EXPECT_LT(calls[i].got, 0) << calls[i].what;
		for (size_t j = i + 1; j < std::size(calls); j++)
			EXPECT_NE(calls[i].got, calls[j].got)
				<< calls[i].what << " and " << calls[j].what;
	}
	EXPECT_EQ(statOf(after, UM_STAT_bad_frees), statOf(before, UM_STAT_bad_frees) + 4);
	EXPECT_EQ(statOf(after, UM_STAT_alloc_failures),
		  statOf(before, UM_STAT_alloc_failures) + 1);
	EXPECT_EQ(std::memcmp(after.nr_free, before.nr_free, sizeof(after.nr_free)), 0);
	EXPECT_FALSE(sim_->isZero(used_, 8)) << "the block in use was scrubbed";
	for (um_pfn_t i = 0; i < 8; i++)
		EXPECT_FALSE(sim_->reachable(used_ + i)) << "page " << i << " is mapped";
	EXPECT_EQ(um_cache_free(cache_, used_, 3), 0);
	used_ = mustAlloc(3);
}

/*
 * A page a magazine holds (with magazines on; else a free page of the
 * buddy) was handed to no one: freeing it is a double free, whichever path
 * sees it, and changes nothing.
 */
TEST_P(MisuseTest, FreeOfAPageNoOneHolds)
{
	/* The fill took the 64 pages after used_'s chunk; freed_ is one. */
	um_pfn_t parked = freed_ == used_ + 8 ? used_ + 9 : used_ + 8;

	expectRejected(-UM_EALREADY, UM_STAT_bad_frees,
		       [&] { return freeCall(parked, 0); });
	expectRejected(-UM_EALREADY, UM_STAT_NR, [&] {
		return um_cache_check_chunk(cache_, parked, 0);
	});
}

INSTANTIATE_TEST_SUITE_P(Magazines, MisuseTest, ::testing::Values(false, true),
			 [](const ::testing::TestParamInfo<bool> &p) {
				 return std::string(p.param ? "percpu" : "locked");
			 });

} /* namespace */
