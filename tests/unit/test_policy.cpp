// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_policy.cpp - refill order, release choice, watermarks, config.
 */
#include "policy.h"

#include <gtest/gtest.h>

#include <vector>

using namespace um;
using namespace um::policy;

namespace {

um_config cfg(u64 min_free = 0, u64 max_free = 0, u32 partial = 0)
{
	um_config c = {};

	c.min_free_pages = min_free;
	c.max_free_pages = max_free;
	c.shrink_partial = partial;
	return c;
}

TEST(Policy, RefillsWholePmdBlocks)
{
	EXPECT_EQ(refillOrder(0, false), 9u);
	EXPECT_EQ(refillOrder(9, false), 9u);
	EXPECT_EQ(refillOrder(10, false), 10u);
}

TEST(Policy, BulkRefillsTakeTheLargestBlock)
{
	EXPECT_EQ(refillOrder(0, true), 10u);
	EXPECT_EQ(refillOrder(9, true), 10u);
	EXPECT_EQ(refillOrder(10, true), 10u);
}

/* No shared flush (6.1, 6.12): a batch of 2 or more is one largest block. */
TEST(Policy, UnsharedBatchTakesTheLargestBlock)
{
	EXPECT_EQ(refillOrder(0, false, 1), 9u);
	EXPECT_EQ(refillOrder(0, false, 2), 10u);
	EXPECT_EQ(refillOrder(9, false, 8), 10u);
	EXPECT_EQ(refillOrder(10, false, 1), 10u);
}

TEST(Policy, FallbackWalksDownToTheRequest)
{
	std::vector<unsigned> seen;
	unsigned o = refillOrder(6, false);

	do
		seen.push_back(o);
	while (nextFallbackOrder(o, 6, &o));
	EXPECT_EQ(seen, (std::vector<unsigned>{ 9, 8, 7, 6 }));
	EXPECT_FALSE(nextFallbackOrder(10, 10, &o));
}

TEST(Policy, PickReleaseOrderLargestThatFits)
{
	unsigned k = 99;

	EXPECT_FALSE(pickReleaseOrder(0, 1000, &k));
	EXPECT_FALSE(pickReleaseOrder(1u << 9, 0, &k));
	EXPECT_FALSE(pickReleaseOrder(1u << 9, 511, &k));
	ASSERT_TRUE(pickReleaseOrder(1u << 9, 512, &k));
	EXPECT_EQ(k, 9u);
	ASSERT_TRUE(pickReleaseOrder((1u << 9) | (1u << 3), 300, &k));
	EXPECT_EQ(k, 3u);
	ASSERT_TRUE(pickReleaseOrder((1u << 10) | (1u << 9), ~u64(0), &k));
	EXPECT_EQ(k, 10u);
}

TEST(Policy, ShrinkCountHonoursWatermarkAndPartial)
{
	/* 1024 free, 512 of them in whole blocks. */
	EXPECT_EQ(shrinkCount(cfg(), 1024, 512), 512u);
	EXPECT_EQ(shrinkCount(cfg(0, 0, 1), 1024, 512), 1024u);
	EXPECT_EQ(shrinkCount(cfg(700), 1024, 512), 324u);
	EXPECT_EQ(shrinkCount(cfg(2000), 1024, 512), 0u);
}

TEST(Policy, Goals)
{
	ReleaseGoal g = shrinkGoal(cfg(10, 0, 1), 100);

	EXPECT_EQ(g.nr_pages, 100u);
	EXPECT_EQ(g.keep_free, 10u);
	EXPECT_TRUE(g.partial);
	g = trimGoal(cfg(0, 512), 2048);
	EXPECT_EQ(g.nr_pages, 1536u);
	EXPECT_FALSE(g.partial);
	EXPECT_EQ(trimGoal(cfg(), 2048).nr_pages, 0u);
	EXPECT_EQ(trimGoal(cfg(0, 4096), 2048).nr_pages, 0u);
	g = drainGoal();
	EXPECT_EQ(g.keep_free, 0u);
	EXPECT_TRUE(g.partial);
}

TEST(Policy, Watermarks)
{
	EXPECT_EQ(releaseAllowance(100, 30), 70u);
	EXPECT_EQ(releaseAllowance(10, 30), 0u);
	EXPECT_FALSE(overCap(cfg(), 1u << 30));
	EXPECT_TRUE(overCap(cfg(0, 512), 513));
	EXPECT_FALSE(overCap(cfg(0, 512), 512));

	um_config c = cfg();

	c.prefill_pages = 1024;
	EXPECT_EQ(prefillDeficit(c, 0), 1024u);
	EXPECT_EQ(prefillDeficit(c, 2000), 0u);
}

TEST(Policy, ValidateConfig)
{
	EXPECT_EQ(validateConfig(cfg()), 0);
	EXPECT_EQ(validateConfig(cfg(100, 1000, 1)), 0);
	EXPECT_EQ(validateConfig(cfg(2000, 1000)), -UM_EINVAL);
	EXPECT_EQ(validateConfig(cfg(0, 0, 2)), -UM_EINVAL);

	um_config c = cfg(0, 100);

	c.prefill_pages = 200;
	EXPECT_EQ(validateConfig(c), -UM_EINVAL);
	c = cfg();
	c.backend = UM_BACKEND_NR;
	EXPECT_EQ(validateConfig(c), -UM_EINVAL);
	c = cfg();
	c.keep_1g = 2;
	EXPECT_EQ(validateConfig(c), -UM_EINVAL);
}

/* Enough blocks under one flush for at most one IPI per 1000 pages. */
TEST(Policy, RefillBatchPaysOneIpiPerThousandPages)
{
	const u64 node = u64(1) << 20;		/* 4 GiB */

	EXPECT_EQ(refillBatch(cfg(), 0, 512, node, 0), 1u);	/* one CPU */
	EXPECT_EQ(refillBatch(cfg(), 1, 512, node, 0), 2u);	/* 1000/512 */
	EXPECT_EQ(refillBatch(cfg(), 3, 512, node, 0), 6u);
	EXPECT_EQ(refillBatch(cfg(), 7, 512, node, 0), kRefillBatchMax);
	/* The cap is 8 2M blocks' worth: 4 of 4 MiB (6.1's batches). */
	EXPECT_EQ(refillBatch(cfg(), 3, 1024, node, 0), 3u);
	EXPECT_EQ(refillBatch(cfg(), 7, 1024, 2 * node, 0), kRefillBatchMax / 2);
	EXPECT_EQ(refillBatch(cfg(), 63, 1024, 2 * node, 0), kRefillBatchMax / 2);
	EXPECT_EQ(refillBatch(cfg(), 7, 1024, node, 0), 4u);	/* 1/256 */
	/* At most 1/256 of the node: 3 blocks of a 768 MiB node. */
	EXPECT_EQ(refillBatch(cfg(), 7, 512, 256 * 512 * 3, 0), 3u);
	EXPECT_EQ(refillBatch(cfg(), 7, 512, 1000, 0), 1u);
	/* What max_free_pages leaves: (2048 - 512) / 512. */
	EXPECT_EQ(refillBatch(cfg(0, 2048), 7, 512, node, 512), 3u);
	EXPECT_EQ(refillBatch(cfg(0, 2048), 7, 512, node, 2048), 1u);
	EXPECT_EQ(refillBatch(cfg(0, 2048), 7, 512, node, 4096), 1u);
	EXPECT_EQ(refillBatch(cfg(), 7, 0, node, 0), 1u);
	/* refill_batch_max: 1 turns batches off, N bounds them. */
	um_config c = cfg();

	c.refill_batch_max = 1;
	EXPECT_EQ(refillBatch(c, 7, 512, node, 0), 1u);
	c.refill_batch_max = 3;
	EXPECT_EQ(refillBatch(c, 7, 512, node, 0), 3u);
	EXPECT_EQ(refillBatch(c, 1, 512, node, 0), 2u);
	EXPECT_EQ(refillBatch(c, 7, 1024, node, 0), 1u);	/* 6 MiB: one 4 MiB */
	c.refill_batch_max = 4;
	EXPECT_EQ(refillBatch(c, 7, 1024, node, 0), 2u);
	EXPECT_EQ(validateConfig(c), 0);
	c.refill_batch_max = kRefillBatchMax + 1;
	EXPECT_EQ(validateConfig(c), -UM_EINVAL);
}

} /* namespace */

TEST(Policy, MagazineHighFollowsTheKnobAndStaysUnderAQuarterOfTheCap)
{
	um_config c = cfg();

	EXPECT_EQ(um::policy::magazineHigh(c, 2), 0u);	/* percpu_pages 0 */
	c.percpu_pages = 256;
	EXPECT_EQ(um::policy::magazineHigh(c, 2), 256u);	/* no cap */
	c.max_free_pages = 16384;			/* 64 MiB */
	EXPECT_EQ(um::policy::magazineHigh(c, 8), 256u);
	EXPECT_EQ(um::policy::magazineHigh(c, 32), 128u);
	/* Below two batches each it would move a batch every other call. */
	EXPECT_EQ(um::policy::magazineHigh(c, 64), 0u);
	c.max_free_pages = 1024;
	EXPECT_EQ(um::policy::magazineHigh(c, 2), 128u);
	c.max_free_pages = 1023;
	EXPECT_EQ(um::policy::magazineHigh(c, 2), 0u);
	c.max_free_pages = 0;
	c.percpu_pages = 100;
	EXPECT_EQ(um::policy::magazineHigh(c, 1), 0u);
	c.percpu_pages = 257;
	EXPECT_EQ(um::policy::validateConfig(c), -UM_EINVAL);
}
